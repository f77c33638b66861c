import { maskToLatent } from '../image/index.js';
import type { SdModel } from '../model/index.js';
import type { EncodedPrompts } from '../prompt/index.js';
import { TorchGenerator, torchRandn } from '../random/index.js';
import { createScheduler, img2imgTimesteps, type Scheduler } from '../schedulers/index.js';
import { usesGuidance, type DenoiseBatch, type DenoiseSample } from './denoise.js';
import { maskedImage, type ImageInputs } from './inputs.js';
import { lerp, repeatInto, sampleLatents, slerp } from './latents.js';
import type { ResolvedRequest } from './validate.js';

interface LatentDistribution {
  mean: Float32Array;
  logvar: Float32Array | null;
}

/**
 * Prepares each batch's starting latents, schedulers, generators and conditioning in the order diffusers draws
 * random numbers, so image i of a request equals a diffusers run with a CPU generator seeded seed + i:
 * text-to-image: noise; image-to-image: VAE sample, noise; inpainting: [VAE sample], noise, masked-image sample
 * (drawn for 4-channel UNets too, which never read it).
 */
export class BatchBuilder {
  readonly latentHeight: number;
  readonly latentWidth: number;
  readonly timestepCount: number;
  private readonly latentShape: [number, number, number, number];
  private readonly inpaintUnet: boolean;
  private latentMask: Float32Array | null = null;
  private image: LatentDistribution | null = null;
  private masked: LatentDistribution | null = null;
  private interpolationNoise: [Float32Array, Float32Array] | null = null;

  private constructor(
    private readonly model: SdModel,
    private readonly req: ResolvedRequest,
    private readonly inputs: ImageInputs,
    private readonly prompts: EncodedPrompts,
  ) {
    this.latentHeight = inputs.height / model.vaeScaleFactor;
    this.latentWidth = inputs.width / model.vaeScaleFactor;
    this.latentShape = [1, model.latentChannels, this.latentHeight, this.latentWidth];
    this.inpaintUnet = model.unetInChannels !== model.latentChannels;
    this.timestepCount = this.timesteps(createScheduler(req.sampler, model.schedulerConfig)).length;
  }

  static async create(
    model: SdModel,
    req: ResolvedRequest,
    inputs: ImageInputs,
    prompts: EncodedPrompts,
  ): Promise<BatchBuilder> {
    const builder = new BatchBuilder(model, req, inputs, prompts);
    await builder.encodeImages();
    if (req.mode === 'interpolation') {
      builder.interpolationNoise = [
        torchRandn(builder.latentShape, req.seeds[0]),
        torchRandn(builder.latentShape, req.toSeed),
      ];
    }
    return builder;
  }

  /** Builds the batch of the given sample (or frame) indices. */
  build(indices: readonly number[]): DenoiseBatch {
    const { model, req } = this;
    const size = this.latentShape[1] * this.latentHeight * this.latentWidth;
    const plane = this.latentHeight * this.latentWidth;
    const latents = new Float32Array(indices.length * size);
    const inpaintChannels = this.inpaintUnet
      ? new Float32Array(indices.length * (1 + model.latentChannels) * plane)
      : undefined;
    const samples: DenoiseSample[] = [];
    let timesteps: number[] = [];

    for (const [b, index] of indices.entries()) {
      const seed = req.mode === 'interpolation' ? req.seeds[0] : req.seeds[index];
      const generator = new TorchGenerator(seed);
      const scheduler = createScheduler(req.sampler, model.schedulerConfig);
      timesteps = this.timesteps(scheduler);
      const sample: DenoiseSample = { scheduler, generator };
      latents.set(this.startLatents(sample, index, timesteps), b * size);
      if (inpaintChannels) {
        const offset = b * (1 + model.latentChannels) * plane;
        inpaintChannels.set(this.latentMask ?? new Float32Array(plane).fill(1), offset);
        inpaintChannels.set(this.maskedImageLatents(generator), offset + plane);
      } else {
        this.drawMaskedImageSample(generator);
      }
      samples.push(sample);
    }
    return {
      samples,
      latents,
      latentChannels: model.latentChannels,
      latentHeight: this.latentHeight,
      latentWidth: this.latentWidth,
      unetChannels: model.unetInChannels,
      timesteps,
      hidden: this.hidden(indices),
      cfgScale: req.cfgScale,
      inpaintChannels,
      blendMask: !this.inpaintUnet && this.latentMask ? this.latentMask : undefined,
    };
  }

  /** The schedule this request runs: all steps, or the img2img tail; `step_schedule_end` cuts the end. */
  private timesteps(scheduler: Scheduler): number[] {
    const { req } = this;
    scheduler.setTimesteps(req.steps);
    const timesteps = this.inputs.init
      ? img2imgTimesteps(scheduler, req.steps, req.strength).timesteps
      : Array.from(scheduler.timesteps);
    const skip = Math.floor(req.steps * req.stepScheduleEnd) * scheduler.order;
    return skip > 0 ? timesteps.slice(0, Math.max(1, timesteps.length - skip)) : timesteps;
  }

  private startLatents(sample: DenoiseSample, index: number, timesteps: number[]): Float32Array {
    const { req } = this;
    const sigma = sample.scheduler.initNoiseSigma;
    if (req.mode === 'interpolation') {
      const [a, b] = this.interpolationNoise!;
      sample.generator.randn(this.latentShape); // the stream continues after the first draw, as for seed alone
      return scale(slerp(index / (req.frames - 1), a, b), sigma);
    }
    // diffusers' is_strength_max: inpainting at strength 1 starts from pure noise (img2img never does).
    const pureNoise = this.latentMask !== null && req.strength >= 1;
    // The image latents are sampled whenever they are used: img2img, inpainting below strength 1, and 4-channel
    // inpainting at any strength (the kept area is blended back every step).
    const imageLatents =
      this.image && (!pureNoise || !this.inpaintUnet) ? this.sample(this.image, sample.generator) : null;
    const noise = sample.generator.randn(this.latentShape);
    if (imageLatents && this.latentMask && !this.inpaintUnet) sample.known = { latents: imageLatents, noise };
    // A scaled copy: the blend re-noises the kept area with the unscaled draw, as diffusers keeps `noise`.
    if (!imageLatents || pureNoise) return scale(noise.slice(), sigma);
    if (timesteps.length === 0) return imageLatents; // strength below one step: nothing to denoise
    return sample.scheduler.addNoise(imageLatents, noise, timesteps[0]);
  }

  /**
   * diffusers encodes the masked image for every UNet and samples its latent from the generator; a 4-channel UNet
   * never reads it, so only the draw is made, keeping the generator's stream where diffusers has it.
   */
  private drawMaskedImageSample(generator: TorchGenerator): void {
    if (this.latentMask && this.image?.logvar) generator.randn(this.latentShape);
  }

  /** Inpainting UNet conditioning: the masked image's latents (or a grey image's, without a mask). */
  private maskedImageLatents(generator: TorchGenerator): Float32Array {
    if (!this.masked) return new Float32Array(this.latentShape[1] * this.latentHeight * this.latentWidth);
    if (!this.latentMask) return this.sample({ mean: this.masked.mean, logvar: null }, generator); // grey: no draw
    return this.sample(this.masked, generator);
  }

  private sample(latents: LatentDistribution, generator: TorchGenerator): Float32Array {
    return sampleLatents(
      latents.mean,
      latents.logvar,
      this.latentShape,
      generator,
      this.model.vaeScalingFactor,
    );
  }

  private async encodeImages(): Promise<void> {
    const { model, inputs } = this;
    const shape = [1, 3, inputs.height, inputs.width] as const;
    if (inputs.init) this.image = await model.encode(inputs.init, shape);
    // Binarized for every UNet, as diffusers' mask processor does; soft edges survive only in the paste-back.
    if (inputs.mask) this.latentMask = maskToLatent(inputs.mask, this.latentWidth, this.latentHeight);
    if (!this.inpaintUnet || !model.hasVaeEncoder) return;
    const source =
      inputs.init && inputs.mask
        ? maskedImage(inputs.init, inputs.mask)
        : new Float32Array(3 * inputs.width * inputs.height);
    this.masked = await model.encode(source, shape);
  }

  /** UNet text conditioning for these samples: uncond ×B then one cond per sample (lerped for interpolation). */
  private hidden(indices: readonly number[]): Float32Array {
    const { hidden, sequenceLength, hiddenSize } = this.prompts;
    const item = sequenceLength * hiddenSize;
    const guided = usesGuidance(this.req.cfgScale);
    const at = (k: number): Float32Array => hidden.subarray(k * item, (k + 1) * item);
    const condIndex = guided ? 1 : 0;
    const out = new Float32Array((guided ? 2 : 1) * indices.length * item);
    let offset = guided ? repeatInto(out, at(0), indices.length) : 0;
    for (const index of indices) {
      const cond =
        this.req.mode === 'interpolation'
          ? lerp(index / (this.req.frames - 1), at(condIndex), at(condIndex + 1))
          : at(condIndex);
      out.set(cond, offset);
      offset += item;
    }
    return out;
  }
}

function scale(values: Float32Array, factor: number): Float32Array {
  if (factor !== 1) for (let i = 0; i < values.length; i++) values[i] *= factor;
  return values;
}
