import * as Dialog from '@radix-ui/react-dialog';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { easel } from '../api/client';
import { errorText } from '../api/errors';
import { ErrorText } from '../components/error-text';
import { Loading } from '../components/loading';
import { useToast } from '../components/toaster';
import { handoffState, paramsToValues } from '../generate/handoff';

/** One past generation: its pictures and parameters, download, copy seed, reuse, use as init, delete. */
export function GenerationDialog({ id }: { id: string }): ReactNode {
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const generation = useQuery({
    queryKey: ['generations', id],
    queryFn: ({ signal }) => easel.generations.get(id, { signal }),
  });
  const remove = useMutation({
    mutationFn: () => easel.generations.delete(id),
    onSuccess: async () => {
      toast('The generation was deleted.');
      await queryClient.invalidateQueries({ queryKey: ['generations'] });
      navigate('/history');
    },
  });
  const close = (): void => navigate('/history');
  const g = generation.data;

  const copySeed = async (seed: number): Promise<void> => {
    try {
      await navigator.clipboard.writeText(String(seed));
      toast(`Seed ${seed} copied.`);
    } catch {
      toast(`The clipboard is not available here; the seed is ${seed}.`);
    }
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && close()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog wide" aria-describedby={undefined}>
          <Dialog.Title>Generation</Dialog.Title>
          {generation.isPending && <Loading label="Loading the generation" />}
          <ErrorText error={generation.error} />
          {g && (
            <div className="generation-detail">
              <div className="artifacts">
                {g.animation && <img src={g.animation.url} alt="Animation" className="pixelated" />}
                {g.artifacts.map((a) => (
                  <figure key={a.index} className="artifact">
                    <img
                      src={a.url}
                      alt={`Seed ${a.seed}`}
                      className="pixelated"
                      data-testid="detail-image"
                    />
                    <figcaption>
                      <a href={a.url} download={`easel-${g.id}-${a.seed}.png`}>
                        Download PNG
                      </a>
                      <button type="button" className="link" onClick={() => void copySeed(a.seed)}>
                        Copy seed {a.seed}
                      </button>
                      <button
                        type="button"
                        className="link"
                        onClick={() =>
                          navigate('/', {
                            state: handoffState({ initUrl: a.url, params: { engine: g.engine } }),
                          })
                        }
                      >
                        Use as init image
                      </button>
                    </figcaption>
                  </figure>
                ))}
                {g.artifacts.length === 0 && (
                  <p className="muted">
                    {g.imagesDeletedAt
                      ? `Its pictures were deleted on ${new Date(g.imagesDeletedAt).toLocaleString()}.`
                      : `No pictures (${g.status}).`}
                  </p>
                )}
              </div>
              <dl className="params">
                <dt>Status</dt>
                <dd>{g.status}</dd>
                <dt>Engine</dt>
                <dd>{g.engine}</dd>
                <dt>Mode</dt>
                <dd>{g.mode}</dd>
                <dt>Cost</dt>
                <dd>{g.cost} credits</dd>
                <dt>Created</dt>
                <dd>{new Date(g.createdAt).toLocaleString()}</dd>
                {Object.entries(g.params).map(([key, value]) => (
                  <div key={key} className="param">
                    <dt>{key}</dt>
                    <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
                  </div>
                ))}
              </dl>
              <div className="row wrap">
                <button
                  type="button"
                  onClick={() =>
                    navigate('/', { state: handoffState({ params: paramsToValues(g.params, g.engine) }) })
                  }
                >
                  Reuse settings
                </button>
                {confirming ? (
                  <>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => remove.mutate()}
                      disabled={remove.isPending}
                    >
                      Yes, delete its pictures
                    </button>
                    <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                      Keep it
                    </button>
                  </>
                ) : (
                  <button type="button" className="danger" onClick={() => setConfirming(true)}>
                    Delete
                  </button>
                )}
              </div>
              {remove.isError && (
                <p className="error" role="alert">
                  {errorText(remove.error)}
                </p>
              )}
            </div>
          )}
          <Dialog.Close className="dialog-close" aria-label="Close">
            ×
          </Dialog.Close>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
