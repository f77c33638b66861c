// Contracts keeps its own copy of the names (it must not depend on this library, which loads onnxruntime);
// this test keeps the two from drifting. A test-only import: nothing at run time depends on @easel/contracts.
import { SAMPLERS, STABILITY_SAMPLERS as CONTRACT_STABILITY_SAMPLERS, type Sampler } from '@easel/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { STABILITY_SAMPLERS, schedulerNames, type SchedulerName } from './index.js';

describe('scheduler names vs @easel/contracts', () => {
  it("contracts' SAMPLERS are the schedulers' names, in the same order", () => {
    expect([...SAMPLERS]).toEqual([...schedulerNames]);
    expectTypeOf<Sampler>().toEqualTypeOf<SchedulerName>();
  });

  it("contracts' Stability sampler map is the schedulers' one", () => {
    expect({ ...CONTRACT_STABILITY_SAMPLERS }).toEqual({ ...STABILITY_SAMPLERS });
  });
});
