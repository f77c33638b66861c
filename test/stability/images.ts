// Image inputs for the v1 tests, made with sharp (real encoders), including the hostile ones.
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** A smooth RGB gradient PNG. */
export async function gradientPng(width: number, height: number, alpha = false): Promise<Buffer> {
  const channels = alpha ? 4 : 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      pixels[o] = Math.round((255 * x) / Math.max(1, width - 1));
      pixels[o + 1] = Math.round((255 * y) / Math.max(1, height - 1));
      pixels[o + 2] = 128;
      // With alpha: the left half is transparent (to be painted), the right half opaque (kept).
      if (alpha) pixels[o + 3] = x < width / 2 ? 0 : 255;
    }
  }
  return sharp(pixels, { raw: { width, height, channels } }).png().toBuffer();
}

/** A grayscale mask: white on the left half, black on the right half. */
export async function halfMaskPng(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) pixels[y * width + x] = x < width / 2 ? 255 : 0;
  return sharp(pixels, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

/** A valid small PNG whose IHDR then claims `width`×`height` (CRC fixed): a decompression bomb by its header. */
export async function bombPng(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await gradientPng(64, 64));
  // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); CRC covers type + data (bytes 12..29).
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
  return png;
}

/** A PNG cut short in its image data: the header reads, the pixels do not. */
export async function truncatedPng(width: number, height: number): Promise<Buffer> {
  const png = await gradientPng(width, height);
  return png.subarray(0, Math.floor(png.length * 0.6));
}
