/**
 * Reading a diffusers ONNX model folder: model_index.json, the component
 * files and their configs, with a ModelError that names the file for each
 * way it can be missing or broken.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '../runtime/index.js';

export const DEFAULT_VAE_SCALING_FACTOR = 0.18215;
export const DEFAULT_VAE_SCALE_FACTOR = 8;

export interface ModelFolder {
  dir: string;
  className: string;
  textEncoder: string;
  unet: string;
  vaeDecoder: string;
  /** Null when the folder has no VAE encoder (no image inputs then). */
  vaeEncoder: string | null;
  vocab: string;
  merges: string;
  schedulerConfig: string;
}

export async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

export async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModelError('missing_file', `${what} not found: ${file}`);
    throw new ModelError('corrupt_model', `${what} unreadable: ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ModelError('corrupt_model', `${what} is not valid JSON: ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export async function readJsonObject(file: string, what: string): Promise<Record<string, unknown>> {
  const value = await readJson(file, what);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelError('corrupt_model', `${what} must be a JSON object: ${file}`);
  }
  return value as Record<string, unknown>;
}

async function requireFile(file: string, what: string): Promise<string> {
  if (!(await exists(file))) throw new ModelError('missing_file', `${what} not found: ${file}`);
  return file;
}

/** Pipelines that need more than SD 1.x/2.x's single text encoder and UNet. */
const UNSUPPORTED_CLASSES = /XL|StableDiffusion3|Flux|Cascade|Kandinsky|Wuerstchen|Video/i;

export async function locateModelFolder(dir: string): Promise<ModelFolder> {
  const root = path.resolve(dir);
  const indexPath = path.join(root, 'model_index.json');
  if (!(await exists(root))) throw new ModelError('missing_file', `model folder not found: ${root}`);
  const index = await readJsonObject(indexPath, 'model_index.json');
  const className = typeof index._class_name === 'string' ? index._class_name : '';
  if (UNSUPPORTED_CLASSES.test(className)) {
    throw new ModelError('unsupported', `${indexPath}: ${className} is not a Stable Diffusion 1.x pipeline`);
  }
  const missing = ['text_encoder', 'unet', 'vae_decoder', 'tokenizer'].filter((c) => !(c in index));
  if (missing.length) {
    throw new ModelError(
      'unsupported',
      `${indexPath}: unknown layout (no ${missing.join(', ')}); expected a diffusers ONNX export ` +
        'with text_encoder, unet, vae_decoder, tokenizer and scheduler',
    );
  }
  const unetFile = path.join(root, 'unet', 'model.onnx');
  if (!(await exists(unetFile))) {
    const unetDir = await readdir(path.join(root, 'unet')).catch(() => [] as string[]);
    if (unetDir.some((f) => /\.(safetensors|bin|ckpt)$/.test(f))) {
      throw new ModelError(
        'unsupported',
        `${root}: a PyTorch diffusers folder, not an ONNX export (no ${unetFile})`,
      );
    }
  }
  const encoderFile = path.join(root, 'vae_encoder', 'model.onnx');
  return {
    dir: root,
    className,
    unet: await requireFile(unetFile, 'UNet model'),
    textEncoder: await requireFile(path.join(root, 'text_encoder', 'model.onnx'), 'text encoder model'),
    vaeDecoder: await requireFile(path.join(root, 'vae_decoder', 'model.onnx'), 'VAE decoder model'),
    vaeEncoder: (await exists(encoderFile)) ? encoderFile : null,
    vocab: await requireFile(path.join(root, 'tokenizer', 'vocab.json'), 'tokenizer vocabulary'),
    merges: await requireFile(path.join(root, 'tokenizer', 'merges.txt'), 'tokenizer merges'),
    schedulerConfig: await requireFile(
      path.join(root, 'scheduler', 'scheduler_config.json'),
      'scheduler config',
    ),
  };
}

export interface VaeSettings {
  scalingFactor: number;
  scaleFactor: number;
}

/** scaling_factor and the pixel/latent ratio (2^(levels−1)) from the VAE config, SD's defaults when absent. */
export async function readVaeSettings(folder: ModelFolder): Promise<VaeSettings> {
  const candidates = [
    path.join(folder.dir, 'vae_decoder', 'config.json'),
    path.join(folder.dir, 'vae_encoder', 'config.json'),
    path.join(folder.dir, 'vae', 'config.json'),
  ];
  for (const file of candidates) {
    if (!(await exists(file))) continue;
    const config = await readJsonObject(file, 'VAE config');
    const scaling = config.scaling_factor ?? DEFAULT_VAE_SCALING_FACTOR;
    if (typeof scaling !== 'number' || !(scaling > 0)) {
      throw new ModelError('corrupt_model', `${file}: scaling_factor must be a positive number`);
    }
    const blocks = config.block_out_channels;
    const scaleFactor =
      Array.isArray(blocks) && blocks.length > 0 ? 2 ** (blocks.length - 1) : DEFAULT_VAE_SCALE_FACTOR;
    return { scalingFactor: scaling, scaleFactor };
  }
  return { scalingFactor: DEFAULT_VAE_SCALING_FACTOR, scaleFactor: DEFAULT_VAE_SCALE_FACTOR };
}

/** SD 1.x's size, for folders that say nothing about theirs. */
export const DEFAULT_NATIVE_SIZE = 512;

/**
 * unet/config.json's sample_size (latent pixels: a number, or [height, width]), as diffusers reads it to default
 * the output size; null when the folder has no UNet config or it names no size.
 */
export async function readUnetSampleSize(
  folder: ModelFolder,
): Promise<{ height: number; width: number } | null> {
  const file = path.join(folder.dir, 'unet', 'config.json');
  if (!(await exists(file))) return null;
  const size = (await readJsonObject(file, 'UNet config')).sample_size;
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (positive(size)) return { height: size, width: size };
  if (Array.isArray(size) && size.length === 2 && size.every(positive))
    return { height: size[0], width: size[1] };
  if (size === undefined || size === null) return null;
  throw new ModelError('corrupt_model', `${file}: sample_size must be a positive integer or [height, width]`);
}
