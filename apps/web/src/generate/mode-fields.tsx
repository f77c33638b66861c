import type { Engine } from '@easel/sdk';
import type { ReactNode } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import { LIMITS, MAX_SEED, SIDES, usesInitImage, type GenerateValues, type InitImage } from './generate-form';
import { ImageInput } from './image-input';
import { MaskEditor } from './mask/mask-editor';

interface Props {
  form: UseFormReturn<GenerateValues>;
  engine: Engine | undefined;
  init: InitImage | null;
  onInit: (image: InitImage | null) => void;
  onMask: (mask: Blob | null) => void;
}

/** What each mode needs beyond the prompt: an input image, strength, a mask, margins, or a second prompt/seed. */
export function ModeFields({ form, engine, init, onInit, onMask }: Props): ReactNode {
  const { register, watch } = form;
  const values = watch();
  const { mode } = values;
  return (
    <>
      {usesInitImage(mode) && (
        <fieldset>
          <legend>Start from an image</legend>
          <ImageInput value={init} onChange={onInit} hidePreview={mode === 'inpaint' && init !== null} />
          {mode === 'inpaint' && init && (
            <MaskEditor
              key={init.url}
              src={init.url}
              width={init.width}
              height={init.height}
              onChange={onMask}
            />
          )}
          {(mode === 'image-to-image' || mode === 'inpaint') && (
            <div className="field">
              <label htmlFor="strength">
                Strength <output>{values.strength.toFixed(2)}</output>
              </label>
              <input
                id="strength"
                type="range"
                min={0}
                max={1}
                step={0.05}
                aria-describedby="strength-hint"
                {...register('strength', { valueAsNumber: true })}
              />
              <p className="hint" id="strength-hint">
                Low keeps the image, high follows the prompt.
              </p>
            </div>
          )}
        </fieldset>
      )}
      {mode === 'outpaint' && (
        <fieldset>
          <legend>Extend the canvas</legend>
          <div className="checks">
            {SIDES.map((side) => (
              <label key={side} className="inline">
                <input type="checkbox" value={side} {...register('outpaintSides')} />
                {side[0].toUpperCase() + side.slice(1)}
              </label>
            ))}
          </div>
          <div className="field">
            <label htmlFor="outpaintBy">By</label>
            <select id="outpaintBy" {...register('outpaintBy', { valueAsNumber: true })}>
              {[1, 2, 3, 4, 6, 8].map((n) => {
                const px = n * (engine?.sizeMultiple ?? 64);
                return (
                  <option key={px} value={px}>
                    {px} px
                  </option>
                );
              })}
            </select>
          </div>
        </fieldset>
      )}
      {mode === 'interpolate' && (
        <fieldset>
          <legend>Interpolate to</legend>
          <div className="field">
            <label htmlFor="toPrompt">Second prompt</label>
            <textarea id="toPrompt" rows={2} {...register('toPrompt')} />
          </div>
          <div className="grid-2">
            <div className="field">
              <label htmlFor="toSeed">Second seed</label>
              <input id="toSeed" type="number" min={1} max={MAX_SEED} {...register('toSeed')} />
            </div>
            <div className="field">
              <label htmlFor="frames">Frames</label>
              <input
                id="frames"
                type="number"
                min={2}
                max={LIMITS.frames}
                {...register('frames', { valueAsNumber: true, min: 2, max: LIMITS.frames })}
              />
            </div>
          </div>
          <p className="hint">
            Give a second prompt, a second seed, or both: the frames blend from one to the other.
          </p>
        </fieldset>
      )}
    </>
  );
}
