import sharp from 'sharp';

// A1111's "Approx cheap" linear map from SD 1.x latent channels to RGB (rows: latent channel, cols: R, G, B).
const SD1_LATENT_RGB: readonly (readonly [number, number, number])[] = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
];

export interface LatentPreview {
  width: number;
  height: number;
  /** PNG bytes at latent resolution (1/8 of the image for SD 1.x). */
  png: Uint8Array;
}

/**
 * A cheap preview of one sample of [B,C,h,w] latents: the linear latent→RGB map, no VAE. Channels beyond the
 * four the factors know are ignored. Costs one pass over the latents plus a small PNG encode.
 */
export async function latentPreview(
  latents: Float32Array,
  index: number,
  channels: number,
  width: number,
  height: number,
): Promise<LatentPreview> {
  const plane = width * height;
  const base = index * channels * plane;
  const rgb = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let l = 0; l < Math.min(4, channels); l++)
        v += latents[base + l * plane + i] * SD1_LATENT_RGB[l][c];
      const u = (v + 1) / 2;
      rgb[i * 3 + c] = Math.round((u < 0 ? 0 : u > 1 ? 1 : u) * 255);
    }
  }
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  return { width, height, png: new Uint8Array(png.buffer, png.byteOffset, png.length) };
}
