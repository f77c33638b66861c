import type { InitImage } from './generate-form';

const TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/** Reads an image file (upload, drop, paste, or a past generation) and its size. */
export async function loadInitImage(blob: Blob, name: string): Promise<InitImage> {
  if (!TYPES.includes(blob.type)) throw new Error(`${name} is not a PNG, JPEG or WebP image.`);
  const bitmap = await createImageBitmap(blob).catch(() => {
    throw new Error(`${name} could not be read as an image.`);
  });
  const image = { blob, url: URL.createObjectURL(blob), width: bitmap.width, height: bitmap.height, name };
  bitmap.close();
  return image;
}

/** A past generation's picture as an init image (its signed URL is same-origin or CORS-readable). */
export async function fetchInitImage(url: string, name: string): Promise<InitImage> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The image could not be downloaded (${response.status}).`);
  return loadInitImage(await response.blob(), name);
}
