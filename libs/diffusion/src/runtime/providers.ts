/**
 * Maps configured execution-provider names onto what this onnxruntime-node
 * build can actually load. ORT-node does not fall back when a provider is
 * missing, so we check first and fail (or fall back to CPU) explicitly.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { listSupportedBackends } from 'onnxruntime-node';
import { ModelError } from './model-error.js';

export type ExecutionProviderConfig = string | { name: string; deviceId?: number };

export interface ProviderResolution {
  providers: ExecutionProviderConfig[];
  /** Provider names actually used, for logs and health reports. */
  names: string[];
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

export function resolveProviders(
  requested: readonly string[] = ['cpu'],
  options: { fallbackToCpu?: boolean; log?: (line: string) => void; available?: readonly string[] } = {},
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
  const providers = usable.map((p) =>
    p.deviceId === undefined ? p.name : { name: p.name, deviceId: p.deviceId },
  );
  return { providers, names: usable.map((p) => p.name) };
}
