/**
 * The one place that owns onnxruntime-node sessions: creation with checked
 * providers and options, input checks with readable errors, timed runs and
 * release.
 */
import { access } from 'node:fs/promises';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelError } from './model-error.js';
import { optimizedModelCache, type CacheEntry } from './optimized-model-cache.js';
import { resolveExecutionProviders, type ProviderOptions, type ProviderResolution } from './providers.js';
import { sessionOptions, type SessionTuning, type ThreadSettings } from './session-options.js';
import { prepareWebGpuModel } from './webgpu-model.js';

export interface SessionConfig extends SessionTuning, ThreadSettings {
  executionProviders?: string[];
  fallbackToCpu?: boolean;
  /** Options per provider (providers.ts: parseProviderOptions), e.g. { webgpu: { preferredLayout: 'NCHW' } }. */
  providerOptions?: ProviderOptions;
  /** Providers already resolved for a set of sessions (SdModel resolves once, so a fallback is logged once). */
  resolvedProviders?: ProviderResolution;
  log?: (line: string) => void;
}

export type TensorType = Tensor.Type;

export interface TensorInfo {
  name: string;
  type: TensorType;
  /** Numbers for fixed dims, strings for symbolic ones; empty when the model does not say. */
  shape: ReadonlyArray<number | string>;
}

export type Feeds = Record<string, Tensor>;

export class OnnxSession {
  /** Cumulative wall time spent in session.run, in ms. */
  runMs = 0;
  runs = 0;

  private constructor(
    readonly label: string,
    readonly modelPath: string,
    readonly providers: readonly string[],
    private session: InferenceSession | null,
    readonly inputs: ReadonlyMap<string, TensorInfo>,
    readonly outputs: ReadonlyMap<string, TensorInfo>,
  ) {}

  /**
   * Loads by path so ORT resolves external weight files relative to the model's folder; `bytes` (a rewritten
   * graph without external data) is loaded instead when given, `modelPath` then only names it in messages.
   */
  static async create(
    label: string,
    modelPath: string,
    config: SessionConfig = {},
    bytes?: Uint8Array,
  ): Promise<OnnxSession> {
    if (!bytes) {
      try {
        await access(modelPath);
      } catch {
        throw new ModelError('missing_file', `${label}: model file not found: ${modelPath}`);
      }
    }
    const resolved =
      config.resolvedProviders ?? (await resolveExecutionProviders(config.executionProviders, config));
    let session: InferenceSession;
    let cache: CacheEntry | undefined;
    try {
      let model = await prepareWebGpuModel(label, modelPath, resolved.providers, config.log, bytes);
      // Only a graph opened from its own file is cached (one rewritten in memory is not that file's graph).
      if (config.optimizedModelCacheDir && model.source === modelPath && !model.extra) {
        const level = config.graphOptimizationLevel ?? 'all';
        cache = await optimizedModelCache(
          config.optimizedModelCacheDir,
          label,
          modelPath,
          level,
          resolved.names,
        );
        model = { ...model, source: cache.modelPath };
      }
      const options = sessionOptions(config, model.providers, cache?.options);
      if (model.extra) options.extra = model.extra;
      session =
        typeof model.source === 'string'
          ? await InferenceSession.create(model.source, options)
          : await InferenceSession.create(model.source, options);
    } catch (err) {
      await cache?.discard();
      const reason = err instanceof Error ? err.message : String(err);
      throw new ModelError('corrupt_model', `${label}: cannot load ${modelPath}: ${reason}`, { cause: err });
    }
    await cache?.commit();
    if (cache) config.log?.(`${label}: optimized-model cache ${cache.hit ? 'hit' : 'written'}`);
    return new OnnxSession(
      label,
      modelPath,
      resolved.names,
      session,
      describe(session.inputMetadata),
      describe(session.outputMetadata),
    );
  }

  /** Throws a ModelError unless the graph has every one of these inputs and outputs. */
  requireNames(inputs: readonly string[], outputs: readonly string[]): void {
    const missingIn = inputs.filter((n) => !this.inputs.has(n));
    const missingOut = outputs.filter((n) => !this.outputs.has(n));
    if (missingIn.length || missingOut.length) {
      throw new ModelError(
        'bad_tensor',
        `${this.label} (${this.modelPath}): expected inputs [${inputs.join(', ')}] and outputs ` +
          `[${outputs.join(', ')}], the graph has inputs [${[...this.inputs.keys()].join(', ')}] and outputs ` +
          `[${[...this.outputs.keys()].join(', ')}]`,
      );
    }
  }

  input(name: string): TensorInfo {
    const info = this.inputs.get(name);
    if (!info) throw new ModelError('bad_tensor', `${this.label}: no input named "${name}"`);
    return info;
  }

  /** Runs with feeds checked against the graph's names, types, ranks and fixed dims. */
  async run(feeds: Feeds, outputNames?: readonly string[]): Promise<Record<string, Tensor>> {
    const session = this.session;
    if (!session) throw new ModelError('unsupported', `${this.label}: session already released`);
    this.checkFeeds(feeds);
    const started = performance.now();
    try {
      const result = outputNames ? await session.run(feeds, outputNames) : await session.run(feeds);
      return result;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new ModelError('bad_tensor', `${this.label}: run failed: ${reason}`, { cause: err });
    } finally {
      this.runMs += performance.now() - started;
      this.runs++;
    }
  }

  private checkFeeds(feeds: Feeds): void {
    for (const name of this.inputs.keys()) {
      if (!(name in feeds)) throw new ModelError('bad_tensor', `${this.label}: input "${name}" not provided`);
    }
    for (const [name, tensor] of Object.entries(feeds)) {
      const info = this.inputs.get(name);
      if (!info) {
        throw new ModelError(
          'bad_tensor',
          `${this.label}: unexpected input "${name}" (graph inputs: ${[...this.inputs.keys()].join(', ')})`,
        );
      }
      if (tensor.type !== info.type) {
        throw new ModelError(
          'bad_tensor',
          `${this.label}: input "${name}" must be ${info.type}, got ${tensor.type}`,
        );
      }
      if (info.shape.length === 0) continue;
      const dims = tensor.dims;
      const bad =
        dims.length !== info.shape.length ||
        info.shape.some((d, i) => typeof d === 'number' && d >= 0 && d !== dims[i]);
      if (bad) {
        throw new ModelError(
          'bad_tensor',
          `${this.label}: input "${name}" has shape [${dims.join(',')}], the graph expects [${info.shape.join(',')}]`,
        );
      }
    }
  }

  async release(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await session.release();
  }
}

function describe(metadata: readonly InferenceSession.ValueMetadata[]): Map<string, TensorInfo> {
  const map = new Map<string, TensorInfo>();
  for (const m of metadata) {
    if (m.isTensor) map.set(m.name, { name: m.name, type: m.type, shape: m.shape });
  }
  return map;
}
