/**
 * `easel.json`: an engine folder's own name and defaults (native size, size limits, steps, guidance, sampler), the
 * file the worker publishes as the engine's descriptor. The library reads the fields it uses, so `easel-diffuse`
 * and the API render a folder with the same defaults and write the same model name into PNG parameters.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '../runtime/index.js';
import type { PipelineLimits } from './request.js';
import { resolveSampler } from './validate.js';

const SIZE_FIELDS = {
  nativeWidth: 'defaultWidth',
  nativeHeight: 'defaultHeight',
  sizeMultiple: 'sizeMultiple',
  minSize: 'minSize',
  maxSize: 'maxSize',
  maxPixels: 'maxPixels',
  defaultSteps: 'defaultSteps',
} as const satisfies Record<string, keyof PipelineLimits>;

export interface EngineFileSettings {
  name?: string;
  limits: Partial<PipelineLimits>;
}

/** What `easel.json` sets; nothing when the folder has no such file. */
export async function readEngineFile(modelDir: string): Promise<EngineFileSettings> {
  const file = path.join(modelDir, 'easel.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { limits: {} };
    throw new ModelError('corrupt_model', `${file}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ModelError('corrupt_model', `${file} must be a JSON object`);
  const fields = json as Record<string, unknown>;
  const bad = (field: string, what: string): never => {
    throw new ModelError('corrupt_model', `${file}: ${field} must be ${what}`);
  };
  const limits: Partial<PipelineLimits> = {};
  for (const [field, limit] of Object.entries(SIZE_FIELDS)) {
    const value = fields[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) bad(field, 'a positive integer');
    limits[limit] = value as number;
  }
  const cfg = fields.defaultCfgScale;
  if (cfg !== undefined) {
    if (typeof cfg !== 'number' || !Number.isFinite(cfg) || cfg < 0) bad('defaultCfgScale', 'a number ≥ 0');
    limits.defaultCfgScale = cfg as number;
  }
  const sampler = fields.defaultSampler;
  if (sampler !== undefined) {
    if (typeof sampler !== 'string') bad('defaultSampler', 'a sampler name');
    try {
      limits.defaultSampler = resolveSampler(sampler as string);
    } catch (err) {
      throw new ModelError('corrupt_model', `${file}: defaultSampler: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  const name = fields.name;
  if (name !== undefined && (typeof name !== 'string' || name === '')) bad('name', 'a non-empty string');
  return { name: name as string | undefined, limits };
}
