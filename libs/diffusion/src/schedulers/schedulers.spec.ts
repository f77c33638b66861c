import { describe, expect, it } from 'vitest';
import { TorchGenerator } from '../random/index.js';
import {
  STABILITY_SAMPLERS,
  SchedulerError,
  UnknownSchedulerError,
  createScheduler,
  img2imgTimesteps,
  schedulerNames,
  type Scheduler,
  type SchedulerName,
} from './index.js';
import { LmsScheduler } from './lms.js';

const SD15 = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  steps_offset: 1,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  clip_sample: false,
};

/** Schedulers whose model input is sample / sqrt(σ² + 1) (the k-diffusion family). */
const SIGMA_INPUT: SchedulerName[] = ['euler', 'euler_a', 'lms', 'heun', 'dpm2', 'dpm2_a', 'dpmpp_2s_a'];

/**
 * Run a scheduler with the ideal denoiser of a point mass at x0: the model reads σ off the
 * input scaling and returns ε = (x - x0)/σ. Every sampler must end exactly (to float32) on x0.
 */
function runIdealDenoiser(s: Scheduler, steps: number, x0: Float32Array, generator: TorchGenerator) {
  s.setTimesteps(steps);
  let sample: Float32Array = new TorchGenerator(1).randn([x0.length]).map((v) => v * s.initNoiseSigma);
  let calls = 0;
  for (const t of s.timesteps) {
    const xIn = s.scaleModelInput(sample, t);
    const ratio = sample[0] / xIn[0];
    const sigma = Math.sqrt(Math.max(ratio * ratio - 1, 0));
    const eps = sample.map((x, i) => (x - x0[i]) / sigma);
    sample = s.step(eps, t, sample, generator);
    calls++;
  }
  return { sample, calls };
}

describe('createScheduler', () => {
  it('knows every Stability v1 sampler', () => {
    for (const [stability, name] of Object.entries(STABILITY_SAMPLERS)) {
      expect(schedulerNames).toContain(name);
      expect(createScheduler(name, SD15).name).toBe(name);
      expect(stability).toMatch(/^(K_|DDIM|DDPM)/);
    }
    expect(Object.keys(STABILITY_SAMPLERS).sort()).toEqual(
      [
        'DDIM',
        'DDPM',
        'K_DPMPP_2M',
        'K_DPMPP_2S_ANCESTRAL',
        'K_DPM_2',
        'K_DPM_2_ANCESTRAL',
        'K_EULER',
        'K_EULER_ANCESTRAL',
        'K_HEUN',
        'K_LMS',
      ].sort(),
    );
  });

  it('rejects an unknown name with the list of valid ones', () => {
    expect(() => createScheduler('k_euler_turbo')).toThrow(UnknownSchedulerError);
    try {
      createScheduler('nope');
    } catch (err) {
      expect(err).toBeInstanceOf(UnknownSchedulerError);
      const e = err as UnknownSchedulerError;
      expect(e.code).toBe('unknown_scheduler');
      expect(e.validNames).toEqual(schedulerNames);
      expect(e.message).toContain('dpmpp_2m_karras');
    }
  });

  it('rejects bad configuration and use before setTimesteps', () => {
    expect(() => createScheduler('euler', { timestep_spacing: 'sideways' as never })).toThrow(SchedulerError);
    expect(() => createScheduler('ddim', { beta_schedule: 'quadratic' })).toThrow(SchedulerError);
    expect(() => createScheduler('ddim', SD15).setTimesteps(0)).toThrow(SchedulerError);
    const s = createScheduler('euler', SD15);
    expect(() => s.step(new Float32Array(4), 999, new Float32Array(4))).toThrow(SchedulerError);
  });

  it('uses each diffusers class default spacing when the config names none', () => {
    expect(createScheduler('ddim', SD15).setTimesteps.length).toBe(1);
    const ddim = createScheduler('ddim', SD15);
    ddim.setTimesteps(20);
    expect(ddim.timesteps[0]).toBe(951); // leading
    const euler = createScheduler('euler', SD15);
    euler.setTimesteps(20);
    expect(euler.timesteps[0]).toBe(999); // linspace
    expect(euler.initNoiseSigma).toBeCloseTo(14.6146, 3);
  });
});

describe('every scheduler', () => {
  const x0 = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 0.8);

  for (const name of SIGMA_INPUT) {
    it(`${name} lands on x0 with the ideal denoiser`, () => {
      for (const steps of [1, 7, 25]) {
        const { sample } = runIdealDenoiser(createScheduler(name, SD15), steps, x0, new TorchGenerator(3));
        for (let i = 0; i < x0.length; i++) expect(Math.abs(sample[i] - x0[i])).toBeLessThan(1e-4);
      }
    });
  }

  for (const name of schedulerNames) {
    it(`${name}: step(out = sample) gives the same result as a fresh array`, () => {
      const a = createScheduler(name, SD15);
      const b = createScheduler(name, SD15);
      a.setTimesteps(6);
      b.setTimesteps(6);
      let sa: Float32Array = new TorchGenerator(5).randn([256]).map((v) => v * a.initNoiseSigma);
      const sb = sa.slice();
      const ga = new TorchGenerator(9);
      const gb = new TorchGenerator(9);
      const scratch = new Float32Array(256);
      const eps = new Float32Array(256);
      for (const t of a.timesteps) {
        const xa = a.scaleModelInput(sa, t);
        for (let i = 0; i < 256; i++) eps[i] = xa[i] * 0.1 + 0.01;
        sa = a.step(eps, t, sa, ga);
        b.scaleModelInput(sb, t, scratch);
        for (let i = 0; i < 256; i++) eps[i] = scratch[i] * 0.1 + 0.01;
        b.step(eps, t, sb, gb, sb);
      }
      expect(Array.from(sb)).toEqual(Array.from(sa));
      expect(sa.every(Number.isFinite)).toBe(true);
    });
  }
});

describe('DPM++ 2S ancestral (k-diffusion sample_dpmpp_2s_ancestral, stepwise)', () => {
  it('makes 2n-1 model calls: a midpoint call after every step but the last', () => {
    // With eta = 1, σ_down = σ_next²/σ, so the midpoint sqrt(σ·σ_down) is σ_next itself.
    const s = createScheduler('dpmpp_2s_a', SD15);
    s.setTimesteps(10);
    expect(s.order).toBe(2);
    expect(s.timesteps).toHaveLength(19);
    expect(s.sigmas).toHaveLength(11);
    for (let i = 0; i < 9; i++) {
      expect(s.timesteps[2 * i]).toBeGreaterThan(s.timesteps[2 * i + 1]);
      expect(s.timesteps[2 * i + 1]).toBeCloseTo(s.timesteps[2 * i + 2], 3);
    }
  });

  it('draws noise once per step that does not end at σ = 0', () => {
    const g = new TorchGenerator(11);
    const reference = new TorchGenerator(11);
    const x0 = new Float32Array(16);
    runIdealDenoiser(createScheduler('dpmpp_2s_a', SD15), 5, x0, g);
    for (let i = 0; i < 4; i++) reference.randn([16]);
    expect(Array.from(g.randn([16]))).toEqual(Array.from(reference.randn([16])));
  });
});

describe('img2imgTimesteps', () => {
  it('starts second-order schedulers at t_start·order and keeps their step pairs', () => {
    const s = createScheduler('heun', SD15);
    s.setTimesteps(10);
    const { timesteps, startIndex } = img2imgTimesteps(s, 10, 0.5);
    expect(startIndex).toBe(10);
    expect(timesteps).toEqual(Array.from(s.timesteps.subarray(10)));
    const x = s.addNoise(new Float32Array(4), new Float32Array([1, 1, 1, 1]), timesteps[0]);
    expect(x[0]).toBeCloseTo(s.sigmas![10], 6);
  });

  it('rejects a strength outside [0, 1]', () => {
    const s = createScheduler('ddim', SD15);
    s.setTimesteps(10);
    expect(() => img2imgTimesteps(s, 10, 1.5)).toThrow(SchedulerError);
  });
});

describe('LMS coefficients', () => {
  it('equal the exact integral of the Lagrange basis polynomial', () => {
    const s = new LmsScheduler(SD15);
    s.setTimesteps(20);
    const sig = s.sigmas;
    for (const [order, t] of [
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 10],
      [4, 19],
    ]) {
      for (let j = 0; j < order; j++) {
        // Expand Π_{k≠j} (τ - σ_{t-k}) / (σ_{t-j} - σ_{t-k}) into monomials and integrate exactly.
        let poly = [1];
        for (let k = 0; k < order; k++) {
          if (k === j) continue;
          const d = sig[t - j] - sig[t - k];
          const next = new Array<number>(poly.length + 1).fill(0);
          poly.forEach((c, p) => {
            next[p + 1] += c / d;
            next[p] -= (c * sig[t - k]) / d;
          });
          poly = next;
        }
        const integral = (x: number): number =>
          poly.reduce((acc, c, p) => acc + (c * x ** (p + 1)) / (p + 1), 0);
        const exact = integral(sig[t + 1]) - integral(sig[t]);
        expect(s.lmsCoefficient(order, t, j)).toBeCloseTo(exact, 9);
      }
    }
  });
});
