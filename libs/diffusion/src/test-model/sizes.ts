/**
 * Shapes of the generated model. `tiny` keeps the pipeline test suite fast.
 * `bench` is sized for the pipeline benchmark: at 256×256 pixels (32×32
 * latents) one batch-2 (guided) UNet call measured 17–20 ms single-threaded
 * on this 2-core CPU at a quiet moment, and 40–115 ms while other jobs kept
 * the load average at 8–11; ~1.3 GFLOP per call, about 4× that at 512×512.
 * Its VAE decodes 256×256 in ~0.3 s under that load.
 */
export interface TestModelShape {
  textHidden: number;
  textLayers: number;
  textHeads: number;
  unetChannels: [number, number];
  unetGroups: number;
  unetHeads: number;
  timeEmbed: number;
  vaeChannels: number;
  vaeGroups: number;
}

export const TEST_MODEL_SHAPES: Readonly<Record<'tiny' | 'bench', TestModelShape>> = {
  tiny: {
    textHidden: 32,
    textLayers: 1,
    textHeads: 2,
    unetChannels: [16, 32],
    unetGroups: 8,
    unetHeads: 2,
    timeEmbed: 64,
    vaeChannels: 8,
    vaeGroups: 4,
  },
  bench: {
    textHidden: 64,
    textLayers: 2,
    textHeads: 4,
    unetChannels: [32, 64],
    unetGroups: 16,
    unetHeads: 2,
    timeEmbed: 128,
    vaeChannels: 8,
    vaeGroups: 4,
  },
};

/** CLIP ViT-L/14's text transformer, as in Stable Diffusion 1.x (123 M parameters). */
export const SD15_TEXT_SHAPE: Pick<TestModelShape, 'textHidden' | 'textLayers' | 'textHeads'> = {
  textHidden: 768,
  textLayers: 12,
  textHeads: 12,
};

/** CLIP's vocabulary size: the sd15 text encoder's embedding table has this many rows (ours uses the first few). */
export const CLIP_VOCAB_SIZE = 49408;

/** AutoencoderKL's block channels in SD 1.x (sd15-vae.ts builds the architecture). */
export const SD15_VAE_CHANNELS = [128, 256, 512, 512];
