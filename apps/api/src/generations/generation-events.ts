import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { GenerationStatus } from '@easel/contracts';
import type { GenerationRecord } from './generation-view.js';

export type GenerationEvent =
  | { type: 'started'; startedAt: string }
  | { type: 'progress'; step: number; total: number; preview?: string }
  | { type: 'finished'; status: GenerationStatus; record?: GenerationRecord };

/**
 * Generations whose latest progress is kept. A replica that did not settle a generation never sees its
 * 'finished' event, so the oldest entries make room instead.
 */
const MAX_TRACKED = 10_000;
/** Previews are a few KB each: fewer are kept. */
const MAX_PREVIEWS = 1_000;

function remember<V>(map: Map<string, V>, id: string, value: V, max: number): void {
  map.delete(id); // re-inserted last: the map's order is the order of the latest updates
  map.set(id, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}

/**
 * In-process fan-out of generation lifecycle events (fed by this replica's QueueEvents listeners and its own
 * settlements) to SSE streams and waiting requests, plus the latest progress of running generations.
 */
@Injectable()
export class GenerationEvents {
  private readonly emitter = new EventEmitter();
  private readonly progress = new Map<string, { step: number; total: number }>();
  /** The last preview of each running generation, for event streams that join late. */
  private readonly previews = new Map<string, string>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(id: string, event: GenerationEvent): void {
    if (event.type === 'progress') {
      remember(this.progress, id, { step: event.step, total: event.total }, MAX_TRACKED);
      if (event.preview) remember(this.previews, id, event.preview, MAX_PREVIEWS);
    }
    if (event.type === 'finished') {
      this.progress.delete(id);
      this.previews.delete(id);
    }
    this.emitter.emit(id, event);
  }

  latestProgress(id: string): { step: number; total: number } | undefined {
    return this.progress.get(id);
  }

  latestPreview(id: string): string | undefined {
    return this.previews.get(id);
  }

  /** Calls `listener` for each event of `id`; returns the unsubscribe function. */
  subscribe(id: string, listener: (event: GenerationEvent) => void): () => void {
    this.emitter.on(id, listener);
    return () => this.emitter.off(id, listener);
  }
}
