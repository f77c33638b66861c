import {
  decodeFitted,
  extendCanvas,
  loadMask,
  probeImage,
  rgbaToTensor,
  type PixelMask,
  type RgbaImage,
} from '../image/index.js';
import { InvalidImageError, InvalidRequestError } from './errors.js';
import type { PipelineLimits } from './request.js';
import { checkSize, type ResolvedRequest } from './validate.js';

/** Decoded image inputs at the output size. */
export interface ImageInputs {
  width: number;
  height: number;
  /** [1,3,H,W] in [-1,1]; null in text modes. */
  init: Float32Array | null;
  /** Repaint mask at pixel size; null unless inpainting or outpainting. */
  mask: PixelMask | null;
}

/**
 * Settles the output size and decodes the init image and mask. Size rule: width/height from the request, else
 * the init image's own size; the init image is fitted by cover + centre crop; outpainting then adds the margins.
 */
export async function prepareInputs(
  req: ResolvedRequest,
  limits: PipelineLimits,
  vaeScaleFactor: number,
): Promise<ImageInputs> {
  const decodeOptions = { maxInputPixels: limits.maxInputPixels };
  if (!req.initImage) {
    const width = req.width ?? limits.defaultWidth;
    const height = req.height ?? limits.defaultHeight;
    checkSize(width, height, limits, vaeScaleFactor);
    return { width, height, init: null, mask: null };
  }
  const source = await probeImage(req.initImage, 'init_image', decodeOptions);
  const width = req.width ?? source.width;
  const height = req.height ?? source.height;
  if (!req.outpaint) {
    try {
      checkSize(width, height, limits, vaeScaleFactor);
    } catch (err) {
      if (req.width !== undefined || req.height !== undefined || !(err instanceof InvalidRequestError))
        throw err;
      throw new InvalidImageError(
        'init_image',
        `the init image is ${width}x${height}; ${err.message.replace(/^[^:]+: /, '')} (or pass width and height to resize it)`,
      );
    }
  } else if (width < 8 || height < 8) {
    throw new InvalidImageError('init_image', `the init image is ${width}x${height}; at least 8x8 is needed`);
  }
  let image: RgbaImage = await decodeFitted(req.initImage, 'init_image', width, height, decodeOptions);
  let mask: PixelMask | null = null;
  if (req.outpaint) {
    const extended = await extendCanvas(image, req.outpaint, req.outpaintFill);
    checkSize(extended.image.width, extended.image.height, limits, vaeScaleFactor, 'outpaint');
    image = extended.image;
    mask = extended.mask;
  } else if (req.mode === 'inpainting') {
    mask = await loadMask(
      req.maskSource,
      { image, sourceWidth: source.width, sourceHeight: source.height },
      req.maskImage,
      decodeOptions,
    );
  }
  return { width: image.width, height: image.height, init: rgbaToTensor(image), mask };
}

/** The init image with the repainted area set to 0 (grey), as diffusers' inpainting pipeline builds it. */
export function maskedImage(init: Float32Array, mask: PixelMask): Float32Array {
  const plane = mask.width * mask.height;
  const out = new Float32Array(init.length);
  for (let i = 0; i < init.length; i++) out[i] = mask.data[i % plane] >= 0.5 ? 0 : init[i];
  return out;
}

/** Pastes the original pixels back outside the mask (A1111's overlay): out = m·generated + (1 − m)·init. */
export function overlayOriginal(
  decoded: Float32Array,
  index: number,
  init: Float32Array,
  mask: PixelMask,
): void {
  const plane = mask.width * mask.height;
  const base = index * 3 * plane;
  for (let i = 0; i < 3 * plane; i++) {
    const m = mask.data[i % plane];
    decoded[base + i] = m * decoded[base + i] + (1 - m) * init[i];
  }
}
