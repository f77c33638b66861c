// The hostile images of the bad-input corpus, made once per run with real encoders (sharp).
import sharp from 'sharp';
import { bombPng, gradientPng, halfMaskPng, truncatedPng } from '../stability/images.js';

export interface HostileImages {
  png64: Buffer;
  png64Alpha: Buffer;
  mask64: Buffer;
  mask128x64: Buffer;
  pngOffGrid: Buffer;
  png1024: Buffer;
  png1x1: Buffer;
  bomb65536: Buffer;
  bombWide: Buffer;
  bomb20k: Buffer;
  truncatedPng: Buffer;
  corruptPng: Buffer;
  headerOnlyPng: Buffer;
  truncatedJpeg: Buffer;
  gif: Buffer;
  svgBomb: Buffer;
  tiff: Buffer;
  text: Buffer;
  empty: Buffer;
}

/** A PNG whose pixel data has bytes overwritten in the middle (the chunk CRCs no longer match). */
async function corruptPng(): Promise<Buffer> {
  const png = Buffer.from(await gradientPng(128, 128));
  for (let i = Math.floor(png.length / 3); i < Math.floor(png.length / 3) + 64; i++) png[i] = 0xff;
  return png;
}

export async function makeHostileImages(): Promise<HostileImages> {
  const jpeg = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#884422' } })
    .jpeg()
    .toBuffer();
  const png64 = await gradientPng(64, 64);
  return {
    png64,
    png64Alpha: await gradientPng(64, 64, true),
    mask64: await halfMaskPng(64, 64),
    mask128x64: await halfMaskPng(128, 64),
    pngOffGrid: await gradientPng(100, 64),
    png1024: await gradientPng(1024, 1024),
    png1x1: await gradientPng(1, 1),
    bomb65536: await bombPng(65_536, 65_536),
    bombWide: await bombPng(2_147_483_647, 1),
    bomb20k: await bombPng(20_000, 20_000),
    truncatedPng: await truncatedPng(128, 128),
    corruptPng: await corruptPng(),
    headerOnlyPng: png64.subarray(0, 33),
    truncatedJpeg: jpeg.subarray(0, Math.floor(jpeg.length / 2)),
    gif: await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000' } })
      .gif()
      .toBuffer(),
    svgBomb: Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="100%" height="100%"/></svg>',
    ),
    tiff: await sharp(png64).tiff().toBuffer(),
    text: Buffer.from('this is not an image, it is a sentence'),
    empty: Buffer.alloc(0),
  };
}
