import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const base = { WORKER_ENGINES: 'sd15=/models/sd15' };

describe('loadConfig', () => {
  it('reads engines as id=dir pairs or JSON and applies defaults', () => {
    const config = loadConfig({ WORKER_ENGINES: 'sd15=/m/sd15, tiny=/m/tiny' });
    expect(config.engines).toEqual({ sd15: '/m/sd15', tiny: '/m/tiny' });
    expect(config).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      executionProviders: ['cpu'],
      fallbackToCpu: false,
      concurrency: 1,
      batch: 1,
      lockDurationMs: 30_000,
      storage: { driver: 'fs', root: 'data/storage' },
    });
    expect(loadConfig({ WORKER_ENGINES: '{"a":"/x"}' }).engines).toEqual({ a: '/x' });
  });

  it('parses providers, flags and numbers', () => {
    const config = loadConfig({
      ...base,
      EXECUTION_PROVIDERS: 'cuda:1,cpu',
      FALLBACK_TO_CPU: 'true',
      WORKER_CONCURRENCY: '2',
      HEALTH_PORT: '0',
      WORKER_STALLED_INTERVAL_MS: '1000',
    });
    expect(config).toMatchObject({
      executionProviders: ['cuda:1', 'cpu'],
      fallbackToCpu: true,
      concurrency: 2,
      health: { port: 0 },
      stalledIntervalMs: 1000,
    });
  });

  it('parses provider options for ONNX Runtime', () => {
    const config = loadConfig({
      ...base,
      EXECUTION_PROVIDERS: 'webgpu,cpu',
      EXECUTION_PROVIDER_OPTIONS:
        'webgpu.preferredLayout=NCHW, webgpu.validationMode=disabled,cpu.useArena=false',
    });
    expect(config.executionProviders).toEqual(['webgpu', 'cpu']);
    expect(config.providerOptions).toEqual({
      webgpu: { preferredLayout: 'NCHW', validationMode: 'disabled' },
      cpu: { useArena: false },
    });
    expect(loadConfig(base).providerOptions).toEqual({});
  });

  it('reads the warm-up mode and the ONNX Runtime session settings', () => {
    expect(loadConfig(base)).toMatchObject({ warmup: 'light', session: { graphOptimizationLevel: 'all' } });
    expect(loadConfig({ ...base, EXECUTION_PROVIDERS: 'cuda,cpu' }).warmup).toBe('full');
    expect(loadConfig(base).session).toEqual({ graphOptimizationLevel: 'all' });
    expect(loadConfig({ ...base, WORKER_WARMUP: 'false' }).warmup).toBe('off');
    expect(loadConfig({ ...base, WORKER_WARMUP: 'true' }).warmup).toBe('full');
    const config = loadConfig({
      ...base,
      WORKER_WARMUP: 'light',
      WORKER_ORT_CACHE_DIR: '/var/cache/ort',
      WORKER_GRAPH_OPTIMIZATION: 'extended',
      WORKER_CPU_MEM_ARENA: 'false',
      WORKER_MEM_PATTERN: 'no',
    });
    expect(config.warmup).toBe('light');
    expect(config.session).toEqual({
      optimizedModelCacheDir: '/var/cache/ort',
      graphOptimizationLevel: 'extended',
      cpuMemArena: false,
      memPattern: false,
    });
  });

  it.each([
    [{}, /WORKER_ENGINES: is required/],
    [{ ...base, WORKER_WARMUP: 'half' }, /WORKER_WARMUP: must be full, light or off/],
    [{ ...base, WORKER_GRAPH_OPTIMIZATION: 'max' }, /WORKER_GRAPH_OPTIMIZATION/],
    [{ WORKER_ENGINES: 'Bad Id=/x' }, /WORKER_ENGINES: engine id "Bad Id" is invalid/],
    [{ WORKER_ENGINES: 'a' }, /WORKER_ENGINES: engine a has no model folder/],
    [{ WORKER_ENGINES: '{nope' }, /WORKER_ENGINES: is not valid JSON/],
    [{ ...base, REDIS_URL: 'http://x' }, /REDIS_URL/],
    [{ ...base, WORKER_CONCURRENCY: 'two' }, /WORKER_CONCURRENCY/],
    [{ ...base, FALLBACK_TO_CPU: 'maybe' }, /FALLBACK_TO_CPU: must be true or false/],
    [{ ...base, WORKER_BATCH: '17' }, /WORKER_BATCH: Too big/],
    [{ ...base, LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [
      { ...base, EXECUTION_PROVIDER_OPTIONS: 'webgpu.layout=NCHW' },
      /EXECUTION_PROVIDER_OPTIONS: .*webgpu\.preferredLayout=NCHW\|NHWC/,
    ],
    [{ ...base, EXECUTION_PROVIDERS: 'web-gpu' }, /EXECUTION_PROVIDERS: providers like cpu, webgpu/],
    [{ ...base, STORAGE_DRIVER: 's3' }, /STORAGE_S3_BUCKET/],
    [{ ...base, REGISTRY_HEARTBEAT_MS: '5000', REGISTRY_TTL_MS: '4000' }, /REGISTRY_TTL_MS/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
