export {
  decodeFitted,
  probeImage,
  rgbaToTensor,
  DEFAULT_MAX_INPUT_PIXELS,
  type DecodeOptions,
  type RgbaImage,
} from './decode.js';
export { encodeAnimatedWebp, encodePng, tensorToRgb8 } from './encode.js';
export { loadMask, maskToLatent, type MaskSource, type PixelMask } from './mask.js';
export { extendCanvas, type Margins, type OutpaintFill } from './outpaint.js';
export { formatGenerationParameters, samplerDisplayName, type GenerationParameters } from './parameters.js';
export { insertPngText } from './png-text.js';
export { latentPreview, type LatentPreview } from './preview.js';
