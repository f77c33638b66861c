// System programs some suites need (Chromium, Python with pytest, a Vulkan device). `.ci/run` installs them and
// sets EASEL_REQUIRE_SYSTEM_DEPS=1, so in CI a missing one fails loudly; on a developer's machine the suite is
// skipped with one line saying what to install, so `npm test` on a fresh clone still runs everything else.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

export interface SystemDep {
  /** What the suite needs, for the message. */
  what: string;
  /** True when it is present. */
  present: () => boolean;
  /** How to get it, e.g. `apt-get install chromium`. */
  install: string;
}

export function executableExists(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a suite can run. Missing under EASEL_REQUIRE_SYSTEM_DEPS=1 → throws (the suite fails);
 * missing otherwise → prints why and returns false (use it with describe.skipIf(!ready)).
 */
export function systemDepsReady(suite: string, deps: readonly SystemDep[]): boolean {
  const missing = deps.filter((d) => !d.present());
  if (missing.length === 0) return true;
  const why = missing.map((d) => `${d.what} (${d.install})`).join('; ');
  if (process.env.EASEL_REQUIRE_SYSTEM_DEPS === '1') throw new Error(`${suite} needs ${why}`);
  console.warn(`skipping ${suite}: needs ${why}`);
  return false;
}

/**
 * A Vulkan driver ONNX Runtime's WebGPU provider (Dawn) accepts: Mesa ≥ 25's lavapipe (software, from Debian's
 * bookworm-backports; bookworm's Mesa 22 is refused with "No supported adapters"), or an NVIDIA GPU's driver.
 */
export function vulkanForWebGpu(): boolean {
  if (existsSync('/dev/nvidia0') && existsSync('/usr/share/vulkan/icd.d/nvidia_icd.json')) return true;
  if (!existsSync('/usr/share/vulkan/icd.d/lvp_icd.json')) return false;
  const version = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'mesa-vulkan-drivers'], {
    encoding: 'utf8',
  });
  return Number(/^(\d+)\./.exec(version.stdout ?? '')?.[1] ?? 0) >= 25;
}

export const VULKAN_FOR_WEBGPU: SystemDep = {
  what: 'a Vulkan driver for WebGPU (Mesa ≥ 25 lavapipe)',
  present: vulkanForWebGpu,
  install: 'add the bookworm-backports suite, then apt-get install -t bookworm-backports mesa-vulkan-drivers',
};
