import * as Tabs from '@radix-ui/react-tabs';
import { useQuery } from '@tanstack/react-query';
import type { GenerationMode } from '@easel/sdk';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'wouter';
import { easel } from '../api/client';
import { errorText } from '../api/errors';
import { useBalance } from '../components/balance';
import { ErrorText } from '../components/error-text';
import { Loading } from '../components/loading';
import { Select } from '../components/select';
import { useToast } from '../components/toaster';
import {
  engineDefaults,
  imageCount,
  MODE_LABELS,
  MODES,
  outputSize,
  problemWith,
  toParams,
  type GenerateValues,
  type InitImage,
} from './generate-form';
import { fetchInitImage } from './load-image';
import { ModeFields } from './mode-fields';
import { ResultPanel } from './result-panel';
import { SettingsFields } from './settings-fields';
import { useGenerationRun } from './use-generation-run';
import { readHandoff, type Handoff } from './handoff';

const DEFAULTS: GenerateValues = {
  engine: '',
  mode: 'text-to-image',
  prompt: '',
  negativePrompt: '',
  width: 512,
  height: 512,
  steps: 30,
  cfgScale: 7,
  sampler: 'euler',
  seedMode: 'random',
  seed: 1,
  samples: 1,
  strength: 0.6,
  outpaintSides: ['right'],
  outpaintBy: 64,
  toPrompt: '',
  toSeed: '',
  frames: 8,
};

export default function GeneratePage(): ReactNode {
  const toast = useToast();
  const engines = useQuery({ queryKey: ['engines'], queryFn: ({ signal }) => easel.engines({ signal }) });
  const balance = useBalance();
  const form = useForm<GenerateValues>({ defaultValues: DEFAULTS });
  const { register, watch, setValue, reset, handleSubmit } = form;
  // eslint-disable-next-line react-hooks/incompatible-library -- the page re-renders on every change, as it should
  const values = watch();
  const engine = engines.data?.find((e) => e.id === values.engine);
  const [init, setInit] = useState<InitImage | null>(null);
  const [mask, setMask] = useState<Blob | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const run = useGenerationRun();
  const handoff = useRef<Handoff | null>(readHandoff());
  const lastSeed = run.state.generation?.artifacts[0]?.seed ?? null;

  // Once, when the engines are known: the first engine (or the one a reused generation named), with its native
  // size and defaults, and the reused settings. Not keyed on the form's engine value: a render may still see the
  // value from before the reset, and a second reset would drop the reused settings.
  const initialized = useRef(false);
  useEffect(() => {
    const list = engines.data;
    if (initialized.current || !list || list.length === 0) return;
    initialized.current = true;
    const wanted = handoff.current?.params?.engine;
    const chosen = list.find((e) => e.id === wanted) ?? list[0];
    reset({ ...DEFAULTS, ...engineDefaults(chosen), ...(handoff.current?.params ?? {}), engine: chosen.id });
    const initUrl = handoff.current?.initUrl;
    handoff.current = null;
    if (initUrl) {
      fetchInitImage(initUrl, 'past generation').then(setInit, (error: unknown) => toast(errorText(error)));
    }
  }, [engines.data, reset, toast]);

  const onEngine = (id: string): void => {
    const next = engines.data?.find((e) => e.id === id);
    if (!next) return;
    for (const [key, value] of Object.entries(engineDefaults(next))) {
      setValue(key as keyof GenerateValues, value as never);
    }
    if (!next.modes.includes(values.mode)) setValue('mode', 'text-to-image');
  };

  const size = outputSize(values, init, engine);
  const images = imageCount(values);
  const interpolating = values.mode === 'interpolate';
  // The quote takes exactly what the generation request takes, so it is what will be charged.
  const quote = useQuery({
    queryKey: ['quote', size.width, size.height, values.steps, interpolating, images],
    queryFn: ({ signal }) =>
      easel.pricing.quote(
        {
          width: size.width,
          height: size.height,
          steps: values.steps,
          ...(interpolating ? { frames: images } : { samples: images }),
        },
        { signal },
      ),
    enabled:
      Number.isFinite(size.width) &&
      Number.isFinite(size.height) &&
      Number.isInteger(values.steps) &&
      values.steps > 0 &&
      Number.isInteger(images) &&
      images > 0,
    staleTime: Infinity,
  });
  const cost = quote.data ? quote.data.credits : null;
  const affordable = cost === null || !balance.data || balance.data.credits >= cost;

  const onSubmit = async (data: GenerateValues): Promise<void> => {
    const why = problemWith(data, init, mask);
    setProblem(why);
    if (why) return;
    await run.start(toParams(data, init, mask, engine));
  };

  const running = ['submitting', 'queued', 'running'].includes(run.state.phase);
  if (engines.isPending) return <Loading label="Loading engines" />;
  if (engines.isError) return <ErrorText error={engines.error} />;
  if (engines.data.length === 0) {
    return (
      <>
        <h1>Generate</h1>
        <p role="status">
          No engine is being served right now: no GPU worker is connected. Try again in a minute.
        </p>
      </>
    );
  }

  return (
    <div className="generate">
      <h1>Generate</h1>
      <form className="card generate-form" onSubmit={(e) => void handleSubmit(onSubmit)(e)} noValidate>
        <Select
          id="engine"
          label="Engine"
          value={values.engine}
          onChange={onEngine}
          options={engines.data.map((e) => ({ value: e.id, label: `${e.name} (${e.id})` }))}
        />
        {engine && <p className="hint">{engine.description}</p>}
        <Tabs.Root
          value={values.mode}
          onValueChange={(mode) => {
            setValue('mode', mode as GenerationMode);
            setProblem(null);
          }}
          activationMode="manual"
        >
          <Tabs.List className="tabs" aria-label="Mode">
            {MODES.map((mode) => (
              <Tabs.Trigger key={mode} value={mode} disabled={!engine?.modes.includes(mode)} className="tab">
                {MODE_LABELS[mode]}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
          {MODES.map((mode) => (
            <Tabs.Content key={mode} value={mode} className="tab-panel">
              {mode === values.mode && (
                <>
                  <div className="field">
                    <label htmlFor="prompt">Prompt</label>
                    <textarea
                      id="prompt"
                      rows={3}
                      placeholder="a large red circle on the left on a blue background"
                      {...register('prompt')}
                    />
                  </div>
                  <div className="field">
                    <label htmlFor="negativePrompt">Negative prompt</label>
                    <input id="negativePrompt" type="text" {...register('negativePrompt')} />
                  </div>
                  <ModeFields form={form} engine={engine} init={init} onInit={setInit} onMask={setMask} />
                </>
              )}
            </Tabs.Content>
          ))}
        </Tabs.Root>
        {engine && engine.modes.length < MODES.length && (
          <p className="hint">
            {engine.name} does not offer{' '}
            {MODES.filter((m) => !engine.modes.includes(m))
              .map((m) => MODE_LABELS[m].toLowerCase())
              .join(', ')}
            .
          </p>
        )}
        <SettingsFields form={form} engine={engine} init={init} lastSeed={lastSeed} />
        <div className="submit-row">
          <p className="cost" data-testid="cost" aria-live="polite">
            {cost === null
              ? quote.isError
                ? errorText(quote.error)
                : 'Pricing…'
              : `Costs ${cost} credit${cost === 1 ? '' : 's'} (${size.width}×${size.height}, ${images} image${images === 1 ? '' : 's'})`}
            {balance.data && ` · balance ${balance.data.credits.toLocaleString()}`}
          </p>
          {!affordable && (
            <p className="error" role="alert">
              That costs more than your balance. <Link href="/credits">Buy credits</Link>.
            </p>
          )}
          {problem && (
            <p className="error" role="alert">
              {problem}
            </p>
          )}
          <button type="submit" disabled={running}>
            {running ? 'Generating…' : 'Generate'}
          </button>
        </div>
      </form>
      <ResultPanel
        state={run.state}
        onCancel={() => void run.cancel()}
        onReuseSeed={(seed) => {
          setValue('seedMode', 'fixed');
          setValue('seed', seed);
          toast(`Seed ${seed} will be used.`);
        }}
        onUseAsInit={(url, name) => {
          fetchInitImage(url, name).then(
            (image) => {
              setInit(image);
              setMask(null);
              if (values.mode === 'text-to-image' || values.mode === 'interpolate') {
                setValue('mode', engine?.modes.includes('image-to-image') ? 'image-to-image' : values.mode);
              }
              toast('The picture is now the init image.');
            },
            (error: unknown) => toast(errorText(error)),
          );
        }}
      />
    </div>
  );
}
