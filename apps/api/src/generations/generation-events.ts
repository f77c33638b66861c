import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { GenerationStatus } from '@easel/contracts';
import type { GenerationRecord } from './generation-view.js';

export type GenerationEvent =
  | { type: 'started'; startedAt: string }
  | { type: 'progress'; step: number; total: number; preview?: string }
  | { type: 'finished'; status: GenerationStatus; record?: GenerationRecord };

/**
 * In-process fan-out of generation lifecycle events (fed by this replica's QueueEvents listeners and its own
 * settlements) to SSE streams and waiting requests, plus the latest progress of running generations.
 */
@Injectable()
export class GenerationEvents {
  private readonly emitter = new EventEmitter();
  private readonly progress = new Map<string, { step: number; total: number }>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(id: string, event: GenerationEvent): void {
    if (event.type === 'progress') this.progress.set(id, { step: event.step, total: event.total });
    if (event.type === 'finished') this.progress.delete(id);
    this.emitter.emit(id, event);
  }

  latestProgress(id: string): { step: number; total: number } | undefined {
    return this.progress.get(id);
  }

  /** Calls `listener` for each event of `id`; returns the unsubscribe function. */
  subscribe(id: string, listener: (event: GenerationEvent) => void): () => void {
    this.emitter.on(id, listener);
    return () => this.emitter.off(id, listener);
  }
}
