/**
 * Loads the engines a worker serves: one StableDiffusionPipeline per model folder (UNet session first, kept warm)
 * and the EngineDescriptor it publishes. The descriptor comes from the folder's optional `easel.json` (checked
 * strictly here); fields it leaves out come from the pipeline, which reads the same file, the model's native size
 * and SD 1.x defaults, so both agree.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineDescriptor, GENERATION_MODES, SAMPLERS, type GenerationMode } from '@easel/contracts';
import { StableDiffusionPipeline, type ModelLoadOptions } from '@easel/diffusion';
import { z } from 'zod';

/** `easel.json`: any EngineDescriptor field but the id, which the worker's config gives. */
const EngineFile = EngineDescriptor.omit({ id: true, workers: true }).partial();

export interface LoadedEngine {
  descriptor: EngineDescriptor;
  pipeline: StableDiffusionPipeline;
  /** The model name the pipeline writes into PNG parameters; batched runs write the same. */
  modelName: string;
}

export class EngineLoadError extends Error {
  override readonly name = 'EngineLoadError';
}

export async function loadEngine(
  id: string,
  modelDir: string,
  options: ModelLoadOptions,
): Promise<LoadedEngine> {
  const overrides = await readEngineFile(modelDir);
  const modelName = overrides.name ?? id;
  // The pipeline reads the same easel.json for its limits and defaults, so the descriptor states what it runs.
  const pipeline = await StableDiffusionPipeline.fromModelDir(modelDir, { ...options, modelName });
  const { limits } = pipeline;
  // Without a VAE encoder only the modes that need no input image can run.
  const modes: GenerationMode[] = pipeline.model.hasVaeEncoder
    ? [...GENERATION_MODES]
    : GENERATION_MODES.filter((m) => m === 'text-to-image' || m === 'interpolate');
  const descriptor = EngineDescriptor.parse({
    id,
    name: id,
    description: `Stable Diffusion 1.x (${path.basename(modelDir)}) on ${pipeline.model.executionProviders.join(', ')}`,
    type: 'PICTURE',
    nativeWidth: limits.defaultWidth,
    nativeHeight: limits.defaultHeight,
    sizeMultiple: limits.sizeMultiple,
    minSize: limits.minSize,
    maxSize: limits.maxSize,
    maxPixels: limits.maxPixels,
    modes,
    samplers: [...SAMPLERS],
    defaultSampler: limits.defaultSampler,
    defaultSteps: limits.defaultSteps,
    defaultCfgScale: limits.defaultCfgScale,
    ...overrides,
  });
  return { descriptor, pipeline, modelName };
}

async function readEngineFile(modelDir: string): Promise<z.infer<typeof EngineFile>> {
  const file = path.join(modelDir, 'easel.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EngineLoadError(`${file} is not valid JSON`);
  }
  const parsed = EngineFile.safeParse(json);
  if (!parsed.success) throw new EngineLoadError(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
