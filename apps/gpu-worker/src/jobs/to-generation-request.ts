import type { GenerationJobPayload } from '@easel/contracts';
import type { GenerationRequest } from '@easel/diffusion';

/** A payload that validates but cannot run as its mode asks (e.g. image-to-image without an init image). */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError';
}

export interface InputImages {
  init?: Uint8Array;
  mask?: Uint8Array;
}

/** Preview cadence when the payload asks for previews; progress itself is reported more often. */
const PREVIEW_INTERVAL_MS = 1000;

/**
 * Maps a job payload onto the pipeline's request. The pipeline infers the mode from which fields are set, so only
 * the fields of the payload's mode are passed; a mode without the inputs it needs is an invalid request.
 * Sizes are passed as given: for outpainting they are the size the init image is fitted to before the margins.
 */
export function toGenerationRequest(p: GenerationJobPayload, images: InputImages): GenerationRequest {
  const request: GenerationRequest = {
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    width: p.width,
    height: p.height,
    steps: p.steps,
    cfgScale: p.cfgScale,
    sampler: p.sampler,
    seed: p.seed,
    samples: p.samples,
    preview: p.preview ? { intervalMs: PREVIEW_INTERVAL_MS } : false,
  };
  const needInit = (): Uint8Array => {
    if (!images.init) throw new InvalidPayloadError(`mode ${p.mode} needs initImageKey`);
    return images.init;
  };
  switch (p.mode) {
    case 'text-to-image':
      return request;
    case 'image-to-image':
      return { ...request, initImage: needInit(), strength: p.strength, stepScheduleEnd: p.stepScheduleEnd };
    case 'inpaint': {
      const maskSource = p.maskSource ?? (images.mask ? 'MASK_IMAGE_WHITE' : undefined);
      if (!maskSource) throw new InvalidPayloadError('mode inpaint needs maskImageKey or maskSource');
      if (maskSource !== 'INIT_IMAGE_ALPHA' && !images.mask)
        throw new InvalidPayloadError(`maskSource ${maskSource} needs maskImageKey`);
      return {
        ...request,
        initImage: needInit(),
        maskImage: maskSource === 'INIT_IMAGE_ALPHA' ? undefined : images.mask,
        maskSource,
        strength: p.strength,
        stepScheduleEnd: p.stepScheduleEnd,
      };
    }
    case 'outpaint':
      if (!p.outpaint) throw new InvalidPayloadError('mode outpaint needs outpaint margins');
      return { ...request, initImage: needInit(), outpaint: p.outpaint };
    case 'interpolate':
      if (!p.interpolation) throw new InvalidPayloadError('mode interpolate needs interpolation settings');
      return { ...request, samples: 1, interpolation: p.interpolation };
  }
}
