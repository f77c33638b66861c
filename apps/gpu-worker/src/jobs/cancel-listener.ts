/**
 * Stops running generations on request: the API publishes a generation id on CANCEL_CHANNEL (and sets
 * `${CANCELED_KEY_PREFIX}<id>` for jobs not yet taken). A message for a job this worker runs aborts its
 * AbortController; the pipeline checks the signal before every step.
 */
import { CANCEL_CHANNEL, CANCELED_KEY_PREFIX } from '@easel/contracts';
import type { Redis } from 'ioredis';

export class CancelListener {
  private readonly running = new Map<string, AbortController>();

  /** `subscriber` is a connection of its own: a subscribed connection can run no other command. */
  constructor(
    private readonly subscriber: Redis,
    private readonly commands: Redis,
  ) {
    this.subscriber.on('message', (channel: string, id: string) => {
      if (channel === CANCEL_CHANNEL) this.running.get(id)?.abort(new Error('canceled by request'));
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(CANCEL_CHANNEL);
  }

  /**
   * Registers a run and returns its signal. Registering before the canceled-key check closes the gap in which a
   * cancel published between the check and the registration would be missed.
   */
  track(id: string): AbortController {
    const controller = new AbortController();
    this.running.set(id, controller);
    return controller;
  }

  untrack(id: string, controller: AbortController): void {
    if (this.running.get(id) === controller) this.running.delete(id);
  }

  async isCanceled(id: string): Promise<boolean> {
    return (await this.commands.exists(`${CANCELED_KEY_PREFIX}${id}`)) === 1;
  }

  async stop(): Promise<void> {
    await this.subscriber.unsubscribe(CANCEL_CHANNEL).catch(() => undefined);
  }
}
