import { maskToRgba } from './mask-strokes';

/** Encodes a rasterised mask as a PNG (white repaints, black keeps) with the browser's own encoder. */
export async function maskToPng(mask: Uint8ClampedArray, width: number, height: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw on a canvas');
  context.putImageData(new ImageData(maskToRgba(mask), width, height), 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the mask could not be encoded'))),
      'image/png',
    ),
  );
}
