/**
 * A separate network host on this machine: a network namespace joined to the root one by a veth pair, each end
 * with its own address, so a process run inside (`ip netns exec`) reaches services only over that link, and the
 * link can be cut (`ip link set … down`) and restored. Unique names per run; `remove()` is safe to call twice.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import type { SystemDep } from '../../support/system-deps.js';

const run = promisify(execFile);

/** Root, and `ip netns` works here (a container without CAP_NET_ADMIN or without iproute2 fails this). */
export const NETWORK_NAMESPACES: SystemDep = {
  what: 'network namespaces (iproute2 `ip netns`, run as root with CAP_NET_ADMIN)',
  present: () => {
    if (userInfo().uid !== 0) return false;
    const name = `easel-probe-${randomBytes(3).toString('hex')}`;
    const added = spawnSync('ip', ['netns', 'add', name], { stdio: 'ignore' });
    if (added.status !== 0) return false;
    spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
    return true;
  },
  install: 'apt-get install iproute2, and run the suite as root (CI does)',
};

export interface NetworkHost {
  /** The namespace's name, for `ip netns exec`. */
  name: string;
  /** This (root) side's address on the link: services listen here for the host. */
  hostAddress: string;
  /** The namespace's address. */
  address: string;
  /** The command prefix that runs a program inside. */
  exec: string[];
  cut(): Promise<void>;
  restore(): Promise<void>;
  remove(): Promise<void>;
}

export async function createNetworkHost(): Promise<NetworkHost> {
  const id = randomBytes(3).toString('hex');
  const name = `easel-${id}`;
  const outside = `ev${id}h`;
  const inside = `ev${id}w`;
  // A /30 in 10.200.0.0/13 picked at random: parallel runs on one machine do not collide in practice.
  const a = 200 + (randomBytes(1)[0] % 8);
  const b = randomBytes(1)[0];
  const c = (randomBytes(1)[0] % 64) * 4;
  const hostAddress = `10.${a}.${b}.${c + 1}`;
  const address = `10.${a}.${b}.${c + 2}`;
  const ip = (...args: string[]) => run('ip', args);
  // Also when the test process exits without its afterAll (a hook timeout, process.exit): no namespace is left.
  const removeAtExit = (): void => {
    spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'delete', outside], { stdio: 'ignore' });
  };
  process.once('exit', removeAtExit);
  const remove = async (): Promise<void> => {
    process.off('exit', removeAtExit);
    await ip('netns', 'delete', name).catch(() => undefined); // takes the inside end, and with it the pair
    await ip('link', 'delete', outside).catch(() => undefined);
  };
  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    await ip('link', 'set', inside, 'netns', name);
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', outside);
    await ip('link', 'set', outside, 'up');
    await ip('-n', name, 'addr', 'add', `${address}/30`, 'dev', inside);
    await ip('-n', name, 'link', 'set', inside, 'up');
    await ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    name,
    hostAddress,
    address,
    exec: ['ip', 'netns', 'exec', name],
    cut: async () => {
      await ip('link', 'set', outside, 'down');
    },
    restore: async () => {
      await ip('link', 'set', outside, 'up');
    },
    remove,
  };
}
