/**
 * The one place that turns our session settings into onnxruntime-node's SessionOptions: graph optimization level,
 * memory arena and memory-pattern planning, thread counts, and the optimized-model cache's options. Each
 * setting's cost and gain on a full-size SD 1.5 model is measured by `npm run bench:coldstart`.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { ModelError } from './model-error.js';
import type { ExecutionProviderConfig } from './providers.js';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Session settings that trade start-up time and memory against speed; unset ones keep ORT's defaults. */
export interface SessionTuning {
  /** Default 'all'. 'all' adds CPU layout rewrites (NCHWc) whose weight reordering dominates a cold start. */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** ORT's CPU memory arena (default on): reuses freed blocks, but keeps its high-water mark for the process. */
  cpuMemArena?: boolean;
  /** Memory-pattern planning (default on): one block per input shape, planned from the first run. */
  memPattern?: boolean;
  /**
   * Folder of the optimized-model cache: each graph's optimized form is saved there on first open and opened
   * instead (without optimizing again) while model, runtime, providers and CPU are the same. Unset: no cache.
   */
  optimizedModelCacheDir?: string;
}

export interface ThreadSettings {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
}

/** What the optimized-model cache adds to one session's options (optimized-model-cache.ts). */
export interface CacheOptions {
  /** The level to open with: 'disabled' for a cached, already optimized graph. */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Where ORT saves the optimized graph, and the external-data file name for its weights. */
  save?: { modelPath: string; dataFile: string };
}

/** Initializers at least this large go to the optimized model's external-data file (protobuf caps at 2 GB). */
const EXTERNAL_MIN_BYTES = 1024;

/** ORT-node rejects keys set to undefined, so only the configured ones are passed. */
export function sessionOptions(
  config: SessionTuning & ThreadSettings,
  providers: ExecutionProviderConfig[],
  cache: CacheOptions = {},
): InferenceSession.SessionOptions {
  const options: InferenceSession.SessionOptions = {
    executionProviders: providers,
    graphOptimizationLevel: cache.graphOptimizationLevel ?? config.graphOptimizationLevel ?? 'all',
    logSeverityLevel: 3,
  };
  for (const key of ['intraOpNumThreads', 'interOpNumThreads'] as const) {
    const value = config[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 0) {
      throw new ModelError(
        'unsupported',
        `session option ${key} must be a non-negative integer, got ${value}`,
      );
    }
    options[key] = value;
  }
  if (config.cpuMemArena !== undefined) options.enableCpuMemArena = config.cpuMemArena;
  if (config.memPattern !== undefined) options.enableMemPattern = config.memPattern;
  if (cache.save) {
    options.optimizedModelFilePath = cache.save.modelPath;
    options.extra = {
      session: {
        optimized_model_external_initializers_file_name: cache.save.dataFile,
        optimized_model_external_initializers_min_size_in_bytes: String(EXTERNAL_MIN_BYTES),
      },
    };
  }
  return options;
}
