import type { Engine } from '@easel/sdk';
import type { ReactNode } from 'react';
import { Controller, type UseFormReturn } from 'react-hook-form';
import { Select } from '../components/select';
import {
  baseSize,
  LIMITS,
  MAX_SEED,
  randomSeed,
  sizeOptions,
  type GenerateValues,
  type InitImage,
} from './generate-form';

interface Props {
  form: UseFormReturn<GenerateValues>;
  engine: Engine | undefined;
  init: InitImage | null;
  lastSeed: number | null;
}

/** Size, steps, guidance, sampler, seed and samples, within the engine's limits. */
export function SettingsFields({ form, engine, init, lastSeed }: Props): ReactNode {
  const { register, control, watch, setValue } = form;
  const values = watch();
  const sizes = engine ? sizeOptions(engine) : [values.width];
  const base = baseSize(values, init, engine);
  const tooManyPixels = engine ? base.width * base.height > engine.maxPixels : false;

  return (
    <fieldset className="settings">
      <legend>Settings</legend>
      <div className="grid-2">
        <div className="field">
          <label htmlFor="width">Width</label>
          <select id="width" disabled={base.fromImage} {...register('width', { valueAsNumber: true })}>
            {sizes.map((s) => (
              <option key={s} value={s}>
                {s} px
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="height">Height</label>
          <select id="height" disabled={base.fromImage} {...register('height', { valueAsNumber: true })}>
            {sizes.map((s) => (
              <option key={s} value={s}>
                {s} px
              </option>
            ))}
          </select>
        </div>
      </div>
      {base.fromImage && (
        <p className="hint">
          The size follows the image: {base.width}×{base.height}.
        </p>
      )}
      {tooManyPixels && engine && (
        <p className="field-error">
          {engine.name} makes at most {engine.maxPixels.toLocaleString()} pixels; pick a smaller size.
        </p>
      )}
      <div className="field">
        <label htmlFor="steps">
          Steps <output>{values.steps}</output>
        </label>
        <input
          id="steps"
          type="range"
          min={1}
          max={LIMITS.steps}
          {...register('steps', { valueAsNumber: true })}
        />
      </div>
      <div className="field">
        <label htmlFor="cfgScale">
          Guidance <output>{values.cfgScale}</output>
        </label>
        <input
          id="cfgScale"
          type="range"
          min={0}
          max={LIMITS.cfgScale}
          step={0.5}
          {...register('cfgScale', { valueAsNumber: true })}
        />
      </div>
      <Controller
        control={control}
        name="sampler"
        render={({ field }) => (
          <Select
            id="sampler"
            label="Sampler"
            value={field.value}
            onChange={field.onChange}
            options={(engine?.samplers ?? [field.value]).map((s) => ({ value: s, label: s }))}
          />
        )}
      />
      <div className="field">
        <span className="label" id="seed-label">
          Seed
        </span>
        <div className="segmented" role="radiogroup" aria-labelledby="seed-label">
          {(['random', 'fixed'] as const).map((mode) => (
            <label key={mode} className={values.seedMode === mode ? 'selected' : undefined}>
              <input type="radio" value={mode} {...register('seedMode')} />
              {mode === 'random' ? 'Random' : 'Fixed'}
            </label>
          ))}
        </div>
        {values.seedMode === 'fixed' && (
          <div className="row">
            <input
              id="seed"
              type="number"
              aria-label="Seed value"
              min={1}
              max={MAX_SEED}
              {...register('seed', { valueAsNumber: true, min: 1, max: MAX_SEED })}
            />
            <button type="button" className="secondary" onClick={() => setValue('seed', randomSeed())}>
              New
            </button>
          </div>
        )}
        {lastSeed !== null && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setValue('seedMode', 'fixed');
              setValue('seed', lastSeed);
            }}
          >
            Reuse last seed ({lastSeed})
          </button>
        )}
      </div>
      {values.mode !== 'interpolate' && (
        <div className="field">
          <label htmlFor="samples">Images</label>
          <input
            id="samples"
            type="number"
            min={1}
            max={LIMITS.samples}
            {...register('samples', { valueAsNumber: true, min: 1, max: LIMITS.samples })}
          />
        </div>
      )}
    </fieldset>
  );
}
