/**
 * writeTestModel: a tiny but structurally faithful SD 1.x model folder in the
 * diffusers ONNX layout, generated in a second or two, for tests and the
 * benchmarks (`sd15` at full size). See sizes.ts for the shapes and vae.ts / unet.ts for the
 * deliberate properties (VAE round trip ≈ identity, inpainting UNet keeps the
 * unmasked area).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toFloat16Model, writeModel, type ModelData, type WriteModelOptions } from '../onnx/index.js';
import { buildSd15VaeDecoder, buildSd15VaeEncoder } from './sd15-vae.js';
import { buildSd15Unet, SD15_UNET } from './sd15-unet.js';
import {
  CLIP_VOCAB_SIZE,
  SD15_TEXT_SHAPE,
  SD15_VAE_CHANNELS,
  TEST_MODEL_SHAPES,
  type TestModelShape,
} from './sizes.js';
import { buildTextEncoder } from './text-encoder.js';
import { buildTokenizerFiles } from './tokenizer-files.js';
import { buildUnet } from './unet.js';
import { buildVaeDecoder, buildVaeEncoder, VAE_SCALING_FACTOR, type VaeEncoderOutput } from './vae.js';

export interface TestModelOptions {
  /** 9-channel inpainting UNet. */
  inpainting?: boolean;
  seed?: number;
  /** `sd15`: Stable Diffusion 1.5's real shapes (a 3.4 GB UNet in `unet/weights.pb`), for cold-start benchmarks. */
  size?: 'tiny' | 'bench' | 'sd15';
  /** Variants a real export may have, so loaders can be tested against each. */
  inputIdsType?: 'int32' | 'int64';
  timestepType?: 'int64' | 'float32';
  vaeEncoderOutput?: VaeEncoderOutput | 'none';
  /** UNet weights in an external file beside unet/model.onnx (e.g. 'weights.pb', 'model.onnx_data'). */
  unetExternalData?: string;
  /** fp16 inputs and outputs on every graph (fp32 inside), to exercise a loader's fp16 conversion. */
  float16?: boolean;
  /** Every float op and weight in fp16, as an fp16 export (implies fp16 inputs and outputs). */
  halfPrecision?: boolean;
}

export const SD15_SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
};

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export async function writeTestModel(outDir: string, options: TestModelOptions = {}): Promise<void> {
  const size = options.size ?? 'tiny';
  const seed = options.seed ?? 1234;
  const inpainting = options.inpainting ?? false;
  const encoderOutput = options.vaeEncoderOutput ?? 'latent_parameters';
  const fp16 = (options.halfPrecision ?? false) || (options.float16 ?? false);
  if (size === 'sd15' && (inpainting || fp16 || encoderOutput !== 'latent_parameters'))
    throw new RangeError('the sd15 test model has no inpainting, fp16 or encoder-output variants');
  const tokenizer = buildTokenizerFiles();
  const dir = (name: string): string => path.join(outDir, name);
  const components = ['text_encoder', 'unet', 'vae_decoder', 'tokenizer', 'scheduler'];
  if (encoderOutput !== 'none') components.push('vae_encoder');
  await Promise.all(components.map((c) => mkdir(dir(c), { recursive: true })));

  const index: Record<string, unknown> = {
    _class_name: inpainting ? 'OnnxStableDiffusionInpaintPipeline' : 'OnnxStableDiffusionPipeline',
    _diffusers_version: '0.29.0',
    feature_extractor: [null, null],
    requires_safety_checker: false,
    safety_checker: [null, null],
    scheduler: ['diffusers', 'PNDMScheduler'],
    text_encoder: ['diffusers', 'OnnxRuntimeModel'],
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: ['diffusers', 'OnnxRuntimeModel'],
    vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
    vae_encoder: encoderOutput === 'none' ? [null, null] : ['diffusers', 'OnnxRuntimeModel'],
  };
  const vaeChannels =
    size === 'sd15' ? SD15_VAE_CHANNELS : Array<number>(4).fill(TEST_MODEL_SHAPES[size].vaeChannels);
  await Promise.all([
    writeFile(path.join(outDir, 'model_index.json'), json(index)),
    writeFile(path.join(dir('tokenizer'), 'vocab.json'), JSON.stringify(tokenizer.vocab)),
    writeFile(path.join(dir('tokenizer'), 'merges.txt'), tokenizer.merges),
    writeFile(path.join(dir('scheduler'), 'scheduler_config.json'), json(SD15_SCHEDULER_CONFIG)),
    writeFile(
      path.join(dir('vae_decoder'), 'config.json'),
      json({
        _class_name: 'AutoencoderKL',
        block_out_channels: vaeChannels,
        latent_channels: 4,
        scaling_factor: VAE_SCALING_FACTOR,
        in_channels: 3,
        out_channels: 3,
      }),
    ),
  ]);
  // One graph at a time: only one set of weights is in memory (the sd15 UNet alone is 3.4 GB).
  const graphs: Array<[string, () => ModelData, WriteModelOptions?]> =
    size === 'sd15'
      ? [
          ['text_encoder', () => buildTextEncoder(SD15_TEXT_SHAPE, CLIP_VOCAB_SIZE, seed + 1)],
          [
            'unet',
            () => buildSd15Unet(SD15_UNET, { seed: seed + 2 }),
            { externalDataFile: options.unetExternalData ?? 'weights.pb' },
          ],
          ['vae_decoder', () => buildSd15VaeDecoder(seed + 3)],
          ['vae_encoder', () => buildSd15VaeEncoder(seed + 4)],
        ]
      : testModelGraphs(TEST_MODEL_SHAPES[size], tokenizer.vocabSize, seed, options);
  for (const [component, build, writeOptions] of graphs) {
    await writeModel(path.join(dir(component), 'model.onnx'), build(), writeOptions);
  }
}

function testModelGraphs(
  shape: TestModelShape,
  vocabSize: number,
  seed: number,
  options: TestModelOptions,
): Array<[string, () => ModelData, WriteModelOptions?]> {
  const half = options.halfPrecision ?? false;
  const fp16 = half || (options.float16 ?? false);
  const precision = (model: ModelData): ModelData => (half ? toFloat16Model(model) : model);
  const encoderOutput = options.vaeEncoderOutput ?? 'latent_parameters';
  const graphs: Array<[string, () => ModelData, WriteModelOptions?]> = [
    [
      'text_encoder',
      () => precision(buildTextEncoder(shape, vocabSize, seed + 1, options.inputIdsType, fp16)),
    ],
    [
      'unet',
      () =>
        precision(
          buildUnet(shape, seed + 2, {
            inChannels: options.inpainting ? 9 : 4,
            timestepType: options.timestepType ?? 'int64',
            fp16,
          }),
        ),
      { externalDataFile: options.unetExternalData },
    ],
    ['vae_decoder', () => precision(buildVaeDecoder(shape, seed + 3, fp16))],
  ];
  if (encoderOutput !== 'none')
    graphs.push(['vae_encoder', () => precision(buildVaeEncoder(shape, seed + 4, encoderOutput, fp16))]);
  return graphs;
}

export { TEST_MODEL_SHAPES, type TestModelShape } from './sizes.js';
export { VAE_SCALING_FACTOR } from './vae.js';
export { buildTokenizerFiles } from './tokenizer-files.js';
export { buildSd15Unet, SD15_UNET, SD15_UNET_SMALL, type Sd15UnetShape } from './sd15-unet.js';
