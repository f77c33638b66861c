import { GenerationError } from './errors.js';
import { deadline, streamGenerationEvents, type GenerationEvent } from './events.js';
import type { RequestOptions, Transport } from './http.js';
import { imageToBase64, type GeneratedImage } from './images.js';
import { PageIterator } from './pagination.js';
import { randomKey } from './random-key.js';
import type {
  Artifact,
  CreatedGeneration,
  CreateGenerationParams,
  CreateGenerationRequest,
  Generation,
  Page,
  PageQuery,
} from './types.js';

export interface CreateOptions extends RequestOptions {
  /** Sent as Idempotency-Key; default: a fresh random key per call, reused by its retries. */
  idempotencyKey?: string;
}

export interface WaitOptions extends RequestOptions {
  /** Called for every lifecycle event while waiting. */
  onEvent?: (event: GenerationEvent) => void;
  /** Give up (TimeoutError) after this long in all; default: no limit beyond the caller's signal. */
  waitTimeoutMs?: number;
}

export interface GenerateOptions extends CreateOptions, WaitOptions {
  /** Cancel the generation (refunded) when the signal aborts or the wait times out. Default true. */
  cancelOnAbort?: boolean;
}

export interface GenerateResult {
  generation: Generation;
  images: GeneratedImage[];
  seeds: number[];
  /** The animated WebP of an `interpolate` generation. */
  animation: GeneratedImage | null;
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

export class Generations {
  constructor(private readonly transport: Transport) {}

  /** Starts a generation (paid now, refunded if it fails or is canceled). Retries reuse one Idempotency-Key. */
  async create(params: CreateGenerationParams, options: CreateOptions = {}): Promise<CreatedGeneration> {
    const key = options.idempotencyKey ?? randomKey();
    return this.transport.json<CreatedGeneration>({
      ...options,
      method: 'POST',
      path: '/api/generations',
      json: await toRequest(params),
      headers: { ...options.headers, 'idempotency-key': key },
      idempotent: true,
    });
  }

  get(id: string, options: RequestOptions = {}): Promise<Generation> {
    return this.transport.json<Generation>({ ...options, method: 'GET', path: generationPath(id) });
  }

  /** Your generations, newest first: `for await (const g of easel.generations.list())`. */
  list(query: PageQuery = {}, options: RequestOptions = {}): PageIterator<Generation> {
    return new PageIterator(
      (page) =>
        this.transport.json<Page<Generation>>({
          ...options,
          method: 'GET',
          path: '/api/generations',
          query: { limit: page.limit, cursor: page.cursor },
        }),
      query,
    );
  }

  /** Cancels a queued or running generation; its credits are refunded. */
  cancel(id: string, options: RequestOptions = {}): Promise<Generation> {
    return this.transport.json<Generation>({
      ...options,
      method: 'POST',
      path: `${generationPath(id)}/cancel`,
      idempotent: true,
    });
  }

  /** Deletes the generation's images from storage (the ledger entries stay). */
  async delete(id: string, options: RequestOptions = {}): Promise<void> {
    await this.transport.json<void>({ ...options, method: 'DELETE', path: generationPath(id) });
  }

  /** The lifecycle as Server-Sent Events: queued, started, progress…, then succeeded / failed / canceled. */
  events(id: string, options: RequestOptions = {}): AsyncGenerator<GenerationEvent> {
    return streamGenerationEvents(this.transport, id, options);
  }

  /** Resolves with the generation once it has finished (succeeded, failed or canceled). */
  async wait(id: string, options: WaitOptions = {}): Promise<Generation> {
    const limit = deadline(options.signal, options.waitTimeoutMs, `waiting for generation ${id}`);
    try {
      const streamOptions = { ...options, ...(limit.signal && { signal: limit.signal }) };
      for await (const event of this.events(id, streamOptions)) {
        options.onEvent?.(event);
        if (TERMINAL.has(event.type)) return (event as { generation: Generation }).generation;
      }
      return await this.get(id, streamOptions); // not reached: the stream ends on a terminal event
    } finally {
      limit.clear();
    }
  }

  /** Downloads the artifacts of a finished generation. */
  async images(generation: Generation, options: RequestOptions = {}): Promise<GeneratedImage[]> {
    return Promise.all(generation.artifacts.map((artifact) => this.download(artifact, options)));
  }

  /** One artifact's bytes (its URL is signed: no credentials are sent with it). */
  async download(artifact: Artifact, options: RequestOptions = {}): Promise<GeneratedImage> {
    const response = await this.transport.send({
      ...options,
      method: 'GET',
      path: artifact.url,
      anonymous: true,
    });
    return {
      index: artifact.index,
      seed: artifact.seed,
      width: artifact.width,
      height: artifact.height,
      contentType: artifact.contentType,
      finishReason: artifact.finishReason,
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  }

  /**
   * create + wait + download: the images and seeds, or a GenerationError when it failed or was canceled.
   * When the signal aborts (or waitTimeoutMs passes) the generation is canceled, so nothing is charged.
   */
  async generate(params: CreateGenerationParams, options: GenerateOptions = {}): Promise<GenerateResult> {
    const created = await this.create(params, options);
    let generation: Generation;
    const limit = deadline(options.signal, options.waitTimeoutMs, `generation ${created.id}`);
    try {
      generation = await this.wait(created.id, {
        ...options,
        ...(limit.signal && { signal: limit.signal }),
        waitTimeoutMs: undefined,
      });
    } catch (error) {
      if (options.cancelOnAbort !== false && limit.signal?.aborted) {
        // Best effort, outside the aborted signal; the error that stopped us is what the caller sees.
        await this.cancel(created.id, { timeoutMs: 10_000, maxRetries: 1 }).catch(() => undefined);
      }
      throw error;
    } finally {
      limit.clear();
    }
    if (generation.status !== 'succeeded') throw new GenerationError(generation);
    const transfer = { ...options, signal: options.signal } as RequestOptions;
    const images = await this.images(generation, transfer);
    const animation = generation.animation ? await this.download(generation.animation, transfer) : null;
    return { generation, images, seeds: images.map((image) => image.seed), animation };
  }
}

function generationPath(id: string): string {
  return `/api/generations/${encodeURIComponent(id)}`;
}

async function toRequest(params: CreateGenerationParams): Promise<CreateGenerationRequest> {
  const { initImage, mask, ...rest } = params;
  return {
    ...rest,
    ...(initImage !== undefined && { initImage: await imageToBase64(initImage) }),
    ...(mask !== undefined && { mask: await imageToBase64(mask) }),
  };
}
