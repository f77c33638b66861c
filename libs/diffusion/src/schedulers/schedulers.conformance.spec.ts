import { describe, expect, it } from 'vitest';
import { TorchGenerator } from '../random/index.js';
import {
  CLASS_TO_NAME,
  img2imgOriginal,
  loadSchedulersFixture,
  maxRelDiff,
  replayImg2Img,
  replayRun,
  type TraceEntry,
} from './conformance-fixtures.test.js';
import { createScheduler, img2imgTimesteps, type SchedulerConfig } from './index.js';
import { resolveConfig, trainSchedule } from './train-schedule.js';

const fixture = loadSchedulersFixture();
/** The issue's bar for trajectories; we land near 1e-7 (one float32 ulp of torch's randn). */
const SAMPLE_TOL = 1e-4;
const SCHEDULE_TOL = 1e-6;

/**
 * Integer and spacing-derived timesteps must match exactly; the interpolated midpoints of
 * KDPM2 (σ→t through float32 log/exp) may differ from torch's by an ulp or two.
 */
function expectTimesteps(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((t, i) => {
    if (Number.isInteger(t) && Number.isInteger(actual[i])) expect(actual[i]).toBe(t);
    else expect(Math.abs(actual[i] - t)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(t), 10));
  });
}

function expectTrace(actual: { t: number; sample: Float32Array }[], expected: TraceEntry[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((ref, i) => {
    const got = actual[i];
    expect(got.t).toBeCloseTo(ref.t, 3);
    expect(maxRelDiff(got.sample.slice(0, 4), ref.first4)).toBeLessThan(SAMPLE_TOL);
    let sum = 0;
    for (const v of got.sample) sum += v;
    expect(Math.abs(sum - ref.sum_f64)).toBeLessThan(
      SAMPLE_TOL * Math.sqrt(ref.sumsq_f64 * got.sample.length),
    );
  });
}

describe('train schedule (SD 1.5 scaled_linear)', () => {
  it('reproduces torch float32 betas and alphas_cumprod bit for bit', () => {
    const { betas, alphasCumprod } = trainSchedule(resolveConfig({}, 'leading'));
    expect(Array.from(betas)).toEqual(fixture.train_schedule.betas);
    expect(Array.from(alphasCumprod)).toEqual(fixture.train_schedule.alphas_cumprod);
  });
});

describe('scheduler runs against diffusers', () => {
  for (const run of fixture.runs) {
    const name = CLASS_TO_NAME[run.scheduler];
    it(`${run.scheduler} (${name}) ${run.timestep_spacing} ${run.num_inference_steps} steps`, () => {
      const rep = replayRun(name, run.constructor_kwargs, run.num_inference_steps);
      const s = rep.scheduler;
      expect(s.order).toBe(run.order);
      expectTimesteps(s.timesteps, run.timesteps);
      expect(run.num_model_calls).toBe(s.timesteps.length);
      if (run.sigmas) {
        expect(s.sigmas).not.toBeNull();
        expect(s.sigmas!.length).toBe(run.sigmas.length);
        expect(maxRelDiff(s.sigmas!, run.sigmas)).toBeLessThan(SCHEDULE_TOL);
      }
      expect(s.initNoiseSigma).toBeCloseTo(run.init_noise_sigma, 5);
      expect(maxRelDiff(rep.initial.slice(0, 4), run.initial_sample_first4)).toBeLessThan(SCHEDULE_TOL);
      expect(maxRelDiff(rep.scaledStep0.slice(0, 4), run.scaled_model_input_step0_first4)).toBeLessThan(
        SCHEDULE_TOL,
      );
      expect(maxRelDiff(rep.afterStep1, run.sample_after_step1)).toBeLessThan(SAMPLE_TOL);
      expect(maxRelDiff(rep.final, run.final_sample)).toBeLessThan(SAMPLE_TOL);
      expectTrace(rep.trace, run.trace);
    });
  }
});

describe('img2img as diffusers StableDiffusionImg2ImgPipeline', () => {
  for (const c of fixture.img2img) {
    it(`${c.scheduler} strength ${c.strength}, ${c.num_inference_steps} steps, ${String(c.constructor_kwargs.timestep_spacing)}`, () => {
      const rep = replayImg2Img(
        CLASS_TO_NAME[c.scheduler],
        c.constructor_kwargs,
        c.num_inference_steps,
        c.strength,
      );
      expect(rep.startIndex).toBe(c.t_start);
      expect(rep.timesteps).toEqual(c.timesteps.map((t) => Math.fround(t)));
      expect(rep.timesteps[0]).toBe(Math.fround(c.latent_timestep));
      expect(maxRelDiff(rep.noisy, c.noisy_latents)).toBeLessThan(SCHEDULE_TOL);
      expect(maxRelDiff(rep.afterStep1, c.sample_after_step1)).toBeLessThan(SAMPLE_TOL);
      expect(maxRelDiff(rep.final, c.final_sample)).toBeLessThan(SAMPLE_TOL);
      expectTrace(rep.trace, c.trace);
    });
  }

  for (const c of fixture.img2img_timestep_selection) {
    it(`timestep selection: ${c.scheduler} ${c.timestep_spacing} n=${c.num_inference_steps} strength ${c.strength}`, () => {
      const s = createScheduler(CLASS_TO_NAME[c.scheduler], {
        ...fixture.img2img[0].constructor_kwargs,
        timestep_spacing: c.timestep_spacing as SchedulerConfig['timestep_spacing'],
      });
      s.setTimesteps(c.num_inference_steps);
      const { timesteps, startIndex } = img2imgTimesteps(s, c.num_inference_steps, c.strength);
      expect(startIndex).toBe(c.t_start * s.order);
      expect(timesteps).toEqual(c.timesteps);
    });
  }
});

describe('addNoise (img2img noising) against diffusers', () => {
  const base = fixture.img2img[0].constructor_kwargs;
  for (const c of fixture.add_noise) {
    it(`${c.scheduler} t=${c.timestep}${c.set_timesteps_called ? ` after setTimesteps(${c.set_timesteps_called})` : ''}`, () => {
      const s = createScheduler(CLASS_TO_NAME[c.scheduler], {
        ...base,
        timestep_spacing: (c.timestep_spacing ?? 'leading') as SchedulerConfig['timestep_spacing'],
      });
      if (c.set_timesteps_called) s.setTimesteps(c.set_timesteps_called);
      const noise = new TorchGenerator(123).randn([1, 4, 8, 8]);
      expect(maxRelDiff(s.addNoise(img2imgOriginal(), noise, c.timestep), c.noisy)).toBeLessThan(
        SCHEDULE_TOL,
      );
    });
  }
});
