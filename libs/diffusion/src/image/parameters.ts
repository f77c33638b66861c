/** Generation settings as A1111 writes them into the PNG `parameters` text chunk. */
export interface GenerationParameters {
  prompt: string;
  negativePrompt?: string;
  steps: number;
  sampler: string;
  cfgScale: number;
  seed: number;
  width: number;
  height: number;
  model?: string;
  denoisingStrength?: number;
  extra?: Record<string, string | number>;
}

/** A1111's display names of samplers. */
const SAMPLER_NAMES: Record<string, string> = {
  ddim: 'DDIM',
  pndm: 'PLMS',
  euler: 'Euler',
  euler_a: 'Euler a',
  lms: 'LMS',
  dpmpp_2m: 'DPM++ 2M',
  dpmpp_2m_karras: 'DPM++ 2M Karras',
  heun: 'Heun',
  dpm2: 'DPM2',
  dpm2_a: 'DPM2 a',
  dpmpp_2s_a: 'DPM++ 2S a',
  ddpm: 'DDPM',
};

export function samplerDisplayName(name: string): string {
  return SAMPLER_NAMES[name] ?? name;
}

/**
 * `prompt\nNegative prompt: …\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model: …`.
 * Values containing `,`, `:` or a newline are JSON-quoted, as A1111's infotext does.
 */
export function formatGenerationParameters(p: GenerationParameters): string {
  const fields: Array<[string, string | number | undefined]> = [
    ['Steps', p.steps],
    ['Sampler', samplerDisplayName(p.sampler)],
    ['CFG scale', p.cfgScale],
    ['Seed', p.seed],
    ['Size', `${p.width}x${p.height}`],
    ['Model', p.model],
    ['Denoising strength', p.denoisingStrength],
    ...Object.entries(p.extra ?? {}),
  ];
  const line = fields
    .filter((f): f is [string, string | number] => f[1] !== undefined && f[1] !== '')
    .map(([k, v]) => `${k}: ${quote(String(v))}`)
    .join(', ');
  const negative = p.negativePrompt ? `\nNegative prompt: ${p.negativePrompt}` : '';
  return `${p.prompt}${negative}\n${line}`;
}

function quote(value: string): string {
  return /[,:\n]/.test(value) ? JSON.stringify(value) : value;
}
