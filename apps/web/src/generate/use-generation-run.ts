import { useQueryClient } from '@tanstack/react-query';
import type { CreateGenerationParams, Generation } from '@easel/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { easel } from '../api/client';
import { BALANCE_KEY } from '../components/balance';

export interface RunState {
  phase: 'idle' | 'submitting' | 'queued' | 'running' | 'finished' | 'error';
  id: string | null;
  step: number;
  total: number;
  /** data: URL of the latest latent preview. */
  preview: string | null;
  generation: Generation | null;
  error: unknown;
  canceling: boolean;
}

const IDLE: RunState = {
  phase: 'idle',
  id: null,
  step: 0,
  total: 0,
  preview: null,
  generation: null,
  error: null,
  canceling: false,
};

/** One generation at a time: create, follow its event stream (progress and previews), cancel. */
export function useGenerationRun(): {
  state: RunState;
  start: (params: CreateGenerationParams) => Promise<void>;
  cancel: () => Promise<void>;
} {
  const queryClient = useQueryClient();
  const [state, setState] = useState<RunState>(IDLE);
  const stream = useRef<AbortController | null>(null);

  useEffect(() => () => stream.current?.abort(), []);

  const start = useCallback(
    async (params: CreateGenerationParams) => {
      stream.current?.abort();
      const controller = new AbortController();
      stream.current = controller;
      setState({ ...IDLE, phase: 'submitting' });
      try {
        const created = await easel.generations.create(params, { signal: controller.signal });
        // Paid now: the balance in the header drops at once.
        void queryClient.invalidateQueries({ queryKey: BALANCE_KEY });
        setState((s) => ({ ...s, phase: 'queued', id: created.id }));
        for await (const event of easel.generations.events(created.id, { signal: controller.signal })) {
          switch (event.type) {
            case 'queued':
              break;
            case 'started':
              setState((s) => ({ ...s, phase: 'running' }));
              break;
            case 'progress':
              setState((s) => ({
                ...s,
                phase: 'running',
                step: event.step,
                total: event.total,
                preview: event.preview ? `data:image/png;base64,${event.preview}` : s.preview,
              }));
              break;
            case 'succeeded':
            case 'failed':
            case 'canceled':
              setState((s) => ({ ...s, phase: 'finished', generation: event.generation, canceling: false }));
              break;
          }
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, phase: 'error', error, canceling: false }));
      } finally {
        void queryClient.invalidateQueries({ queryKey: BALANCE_KEY });
        void queryClient.invalidateQueries({ queryKey: ['generations'] });
      }
    },
    [queryClient],
  );

  const cancel = useCallback(async () => {
    const id = state.id;
    if (!id) return;
    setState((s) => ({ ...s, canceling: true }));
    try {
      await easel.generations.cancel(id);
      // The event stream delivers 'canceled' with the refunded generation.
    } catch (error) {
      setState((s) => ({ ...s, canceling: false, error }));
    }
  }, [state.id]);

  return { state, start, cancel };
}
