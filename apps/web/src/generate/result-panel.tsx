import type { Generation } from '@easel/sdk';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { ErrorText } from '../components/error-text';
import { isInsufficientCredits } from '../api/errors';
import type { RunState } from './use-generation-run';

interface Props {
  state: RunState;
  onCancel: () => void;
  onUseAsInit: (url: string, name: string) => void;
  onReuseSeed: (seed: number) => void;
}

/** Progress with the latest latent preview while it runs; the pictures once it has finished. */
export function ResultPanel({ state, onCancel, onUseAsInit, onReuseSeed }: Props): ReactNode {
  const running = state.phase === 'submitting' || state.phase === 'queued' || state.phase === 'running';
  const percent = state.total > 0 ? Math.round((state.step / state.total) * 100) : 0;
  return (
    <section className="card result" aria-labelledby="result-heading">
      <h2 id="result-heading">Result</h2>
      {state.phase === 'idle' && <p className="muted">Your pictures will appear here.</p>}
      {running && (
        <div className="progress-block" data-testid="progress">
          {state.preview ? (
            <img src={state.preview} alt="Preview of the picture being made" className="preview" />
          ) : (
            <div className="preview placeholder" aria-hidden="true" />
          )}
          <label htmlFor="generation-progress">
            {state.phase === 'submitting'
              ? 'Sending…'
              : state.phase === 'queued'
                ? 'Waiting for a worker…'
                : `Step ${state.step} of ${state.total}`}
          </label>
          <progress
            id="generation-progress"
            max={100}
            value={state.phase === 'running' ? percent : undefined}
          />
          <button type="button" className="danger" onClick={onCancel} disabled={!state.id || state.canceling}>
            {state.canceling ? 'Canceling…' : 'Cancel'}
          </button>
        </div>
      )}
      {state.phase === 'error' &&
        (isInsufficientCredits(state.error) ? (
          <div className="error" role="alert">
            You are out of credits for this generation. <Link href="/credits">Buy credits</Link> to keep
            going.
          </div>
        ) : (
          <ErrorText error={state.error} />
        ))}
      {state.phase === 'finished' && state.generation && (
        <Finished generation={state.generation} onUseAsInit={onUseAsInit} onReuseSeed={onReuseSeed} />
      )}
    </section>
  );
}

function Finished({
  generation,
  onUseAsInit,
  onReuseSeed,
}: {
  generation: Generation;
  onUseAsInit: Props['onUseAsInit'];
  onReuseSeed: Props['onReuseSeed'];
}): ReactNode {
  if (generation.status === 'canceled') {
    return (
      <p role="status" data-testid="generation-status">
        Canceled. The {generation.cost} credit{generation.cost === 1 ? ' was' : 's were'} refunded.
      </p>
    );
  }
  if (generation.status === 'failed') {
    return (
      <div className="error" role="alert" data-testid="generation-status">
        The generation failed: {generation.error?.message ?? 'no reason given'}. Its credits were refunded.
      </div>
    );
  }
  const prompt =
    typeof generation.params.prompt === 'string' ? generation.params.prompt : 'generated picture';
  return (
    <div data-testid="generation-status" data-status="succeeded">
      <p role="status">
        Done in {((generation.timings?.totalMs ?? 0) / 1000).toFixed(1)} s for {generation.cost} credit
        {generation.cost === 1 ? '' : 's'}.
      </p>
      {generation.animation && (
        <figure className="artifact">
          <img src={generation.animation.url} alt={`Animation: ${prompt}`} className="pixelated" />
          <figcaption>
            <a href={generation.animation.url} download={`easel-${generation.id}.webp`}>
              Download animation
            </a>
          </figcaption>
        </figure>
      )}
      <ul className="artifacts">
        {generation.artifacts.map((artifact) => (
          <li key={artifact.index}>
            <figure className="artifact">
              <img
                src={artifact.url}
                alt={`${prompt} (seed ${artifact.seed})`}
                width={artifact.width}
                height={artifact.height}
                className="pixelated"
                data-testid="result-image"
              />
              <figcaption>
                <span>Seed {artifact.seed}</span>
                <a href={artifact.url} download={`easel-${generation.id}-${artifact.seed}.png`}>
                  Download PNG
                </a>
                <button type="button" className="link" onClick={() => onReuseSeed(artifact.seed)}>
                  Reuse seed
                </button>
                <button
                  type="button"
                  className="link"
                  onClick={() => onUseAsInit(artifact.url, `seed ${artifact.seed}`)}
                >
                  Use as init image
                </button>
              </figcaption>
            </figure>
          </li>
        ))}
      </ul>
    </div>
  );
}
