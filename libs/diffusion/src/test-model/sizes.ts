/**
 * Shapes of the generated model. `tiny` keeps the whole pipeline test suite
 * fast; `bench` is sized so one batch-2 UNet call at 32×32 latents (256×256
 * pixels) takes tens of ms on a small CPU, like a scaled-down SD UNet.
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
    unetChannels: [64, 128],
    unetGroups: 32,
    unetHeads: 4,
    timeEmbed: 256,
    vaeChannels: 16,
    vaeGroups: 8,
  },
};
