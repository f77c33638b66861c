/**
 * Maps configured execution-provider names (and their options) onto what this onnxruntime-node build can
 * actually load. ORT-node does not fall back when a provider is missing, so we check first and fail (or fall
 * back to CPU) explicitly. WebGPU is bundled but needs a Vulkan adapter at run time: it is probed once.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { listSupportedBackends } from 'onnxruntime-node';
import { ModelError } from './model-error.js';
import { probeWebGpu, WEBGPU_HELP } from './webgpu-adapter.js';

export type ExecutionProviderConfig =
  | string
  | { name: string; deviceId?: number }
  | ({ name: 'webgpu' } & WebGpuOptions)
  | ({ name: 'cpu' } & CpuOptions);

export interface WebGpuOptions {
  /** ORT's default is NHWC; NCHW avoids the Conv fault (webgpu.ts) without rewriting the model, at a cost. */
  preferredLayout?: 'NCHW' | 'NHWC';
  validationMode?: 'disabled' | 'wgpuOnly' | 'basic' | 'full';
  storageBufferCacheMode?: BufferCacheMode;
  uniformBufferCacheMode?: BufferCacheMode;
}
type BufferCacheMode = 'disabled' | 'lazyRelease' | 'simple' | 'bucket';

export interface CpuOptions {
  useArena?: boolean;
}

/** Options per provider, passed to ONNX Runtime with that provider. */
export interface ProviderOptions {
  webgpu?: WebGpuOptions;
  cpu?: CpuOptions;
}

export interface ProviderResolution {
  providers: ExecutionProviderConfig[];
  /** Provider names actually used, for logs and health reports. */
  names: string[];
  options: ProviderOptions;
}

const CACHE_MODES = ['disabled', 'lazyRelease', 'simple', 'bucket'] as const;
/** Every option a user may set, with its allowed values: `provider.key=value`. */
const OPTION_VALUES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  webgpu: {
    preferredLayout: ['NCHW', 'NHWC'],
    validationMode: ['disabled', 'wgpuOnly', 'basic', 'full'],
    storageBufferCacheMode: CACHE_MODES,
    uniformBufferCacheMode: CACHE_MODES,
  },
  cpu: { useArena: ['true', 'false'] },
};

/** Parses `webgpu.preferredLayout=NCHW`-style entries; an unknown provider, key or value is a ModelError. */
export function parseProviderOptions(specs: readonly string[]): ProviderOptions {
  const out: Record<string, Record<string, string | boolean>> = {};
  for (const raw of specs) {
    const spec = raw.trim();
    if (spec === '') continue;
    const match = /^([a-z]+)\.([A-Za-z]+)=(.+)$/.exec(spec);
    const allowed = match ? OPTION_VALUES[match[1]]?.[match[2]] : undefined;
    if (!match || !allowed || !allowed.includes(match[3])) {
      const known = Object.entries(OPTION_VALUES).flatMap(([p, keys]) =>
        Object.entries(keys).map(([k, values]) => `${p}.${k}=${values.join('|')}`),
      );
      throw new ModelError(
        'unsupported',
        `execution provider option "${spec}" is not one of: ${known.join(', ')}`,
      );
    }
    const [, provider, key, value] = match;
    out[provider] ??= {};
    out[provider][key] = value === 'true' ? true : value === 'false' ? false : value;
  }
  return out;
}

const ALIASES: Readonly<Record<string, string>> = { gpu: 'cuda', trt: 'tensorrt', directml: 'dml' };

function nativeDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
  return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

function providerLibraryPresent(name: string): boolean {
  const file =
    process.platform === 'win32'
      ? `onnxruntime_providers_${name}.dll`
      : `libonnxruntime_providers_${name}.so`;
  return existsSync(path.join(nativeDir(), file));
}

/** Provider names this process can load: bundled ones, plus optional ones whose library is installed. */
export function availableProviders(): string[] {
  return listSupportedBackends()
    .filter((b) => b.bundled || providerLibraryPresent(b.name))
    .map((b) => b.name);
}

/** Parses `cuda`, `cuda:1`, `CPU` … into ORT's provider config. */
export function parseProvider(spec: string): { name: string; deviceId?: number } {
  const [rawName, device] = spec.trim().toLowerCase().split(':', 2);
  const name = ALIASES[rawName] ?? rawName;
  if (device === undefined) return { name };
  const deviceId = Number(device);
  if (!Number.isInteger(deviceId) || deviceId < 0) {
    throw new ModelError(
      'provider_unavailable',
      `execution provider "${spec}": device id must be a non-negative integer`,
    );
  }
  return { name, deviceId };
}

export interface ResolveOptions {
  fallbackToCpu?: boolean;
  log?: (line: string) => void;
  available?: readonly string[];
  providerOptions?: ProviderOptions;
}

export function resolveProviders(
  requested: readonly string[] = ['cpu'],
  options: ResolveOptions = {},
): ProviderResolution {
  const available = options.available ?? availableProviders();
  const parsed = (requested.length ? requested : ['cpu']).map(parseProvider);
  const missing = parsed.filter((p) => !available.includes(p.name));
  let usable = parsed.filter((p) => available.includes(p.name));
  if (missing.length) {
    const names = missing.map((p) => p.name).join(', ');
    if (!options.fallbackToCpu) {
      throw new ModelError(
        'provider_unavailable',
        `execution provider ${names} is not available in this onnxruntime-node build ` +
          `(available: ${available.join(', ')}); install it or set fallbackToCpu`,
      );
    }
    if (!usable.some((p) => p.name === 'cpu')) usable = [...usable, { name: 'cpu' }];
    options.log?.(
      `execution provider ${names} unavailable; falling back to ${usable.map((p) => p.name).join(', ')}`,
    );
  }
  return withOptions(usable, options.providerOptions ?? {});
}

/**
 * resolveProviders, then a WebGPU adapter check: a build always has the provider, but without a Vulkan driver
 * (or with one Dawn refuses) no session can start. Then it is an error, or with fallbackToCpu a logged fallback.
 */
export async function resolveExecutionProviders(
  requested: readonly string[] = ['cpu'],
  options: ResolveOptions = {},
): Promise<ProviderResolution> {
  const resolved = resolveProviders(requested, options);
  if (!resolved.names.includes('webgpu')) return resolved;
  const adapter = await probeWebGpu();
  if (adapter.ok) return resolved;
  const reason = `no WebGPU adapter: ${adapter.reason} (WebGPU needs a Vulkan driver the Dawn runtime accepts; ${WEBGPU_HELP})`;
  if (!options.fallbackToCpu)
    throw new ModelError('provider_unavailable', `execution provider webgpu: ${reason}`);
  const parsed = resolved.names.filter((n) => n !== 'webgpu').map((name) => ({ name }));
  if (!parsed.some((p) => p.name === 'cpu')) parsed.push({ name: 'cpu' });
  options.log?.(
    `execution provider webgpu unavailable, ${reason}; falling back to ${parsed.map((p) => p.name).join(', ')}`,
  );
  return withOptions(parsed, options.providerOptions ?? {});
}

function withOptions(
  usable: ReadonlyArray<{ name: string; deviceId?: number }>,
  options: ProviderOptions,
): ProviderResolution {
  const providers = usable.map((p): ExecutionProviderConfig => {
    if (p.name === 'webgpu') return { name: 'webgpu', ...options.webgpu };
    if (p.name === 'cpu' && options.cpu) return { name: 'cpu', ...options.cpu };
    return p.deviceId === undefined ? p.name : { name: p.name, deviceId: p.deviceId };
  });
  return { providers, names: usable.map((p) => p.name), options };
}
