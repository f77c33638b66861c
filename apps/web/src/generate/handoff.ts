// History → Generate: "reuse settings" and "use as init image" travel in the browser history entry's state,
// so a reload or the back button keeps them and nothing lands in storage.
import type { GenerateValues } from './generate-form';

export interface Handoff {
  params?: Partial<GenerateValues>;
  initUrl?: string;
}

export function readHandoff(): Handoff | null {
  const state = (window.history.state ?? null) as { easel?: Handoff } | null;
  return state?.easel ?? null;
}

export function handoffState(handoff: Handoff): { easel: Handoff } {
  return { easel: handoff };
}

/** A past generation's stored params as form values (only the fields the form knows). */
export function paramsToValues(params: Record<string, unknown>, engine: string): Partial<GenerateValues> {
  const values: Partial<GenerateValues> = { engine };
  const str = (k: string): string | undefined => (typeof params[k] === 'string' ? params[k] : undefined);
  const num = (k: string): number | undefined => (typeof params[k] === 'number' ? params[k] : undefined);
  if (str('mode')) values.mode = str('mode') as GenerateValues['mode'];
  if (str('prompt')) values.prompt = str('prompt')!;
  if (str('negativePrompt')) values.negativePrompt = str('negativePrompt')!;
  if (num('width')) values.width = num('width')!;
  if (num('height')) values.height = num('height')!;
  if (num('steps')) values.steps = num('steps')!;
  if (num('cfgScale') !== undefined) values.cfgScale = num('cfgScale')!;
  if (str('sampler')) values.sampler = str('sampler') as GenerateValues['sampler'];
  if (num('samples')) values.samples = num('samples')!;
  if (num('strength') !== undefined) values.strength = num('strength')!;
  if (num('seed')) {
    values.seedMode = 'fixed';
    values.seed = num('seed')!;
  }
  return values;
}
