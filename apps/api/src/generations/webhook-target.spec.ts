import { describe, expect, it } from 'vitest';
import {
  isPublicAddress,
  publicOnlyLookup,
  webhookUrlProblem,
  WebhookTargetRefused,
} from './webhook-target.js';

describe('webhook target policy', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.8',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a00:1',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('refuses local names and non-public literals unless private targets are allowed', () => {
    for (const url of [
      'http://localhost/x',
      'http://api.localhost/',
      'https://[::1]:8443/',
      'http://10.1.2.3/',
    ]) {
      expect(webhookUrlProblem(url, false)).toMatch(/must be a public/);
      expect(webhookUrlProblem(url, true)).toBeNull();
    }
    expect(webhookUrlProblem('https://hooks.example.com/easel', false)).toBeNull();
  });

  it('refuses, at connection time, a name that resolves to a non-public address', async () => {
    const lookup = publicOnlyLookup(false);
    const error = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    expect(error).toBeInstanceOf(WebhookTargetRefused);
    expect(error?.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1)/);
    const allowed = await new Promise<string>((resolve, reject) =>
      publicOnlyLookup(true)('localhost', {}, (e, address) => (e ? reject(e) : resolve(address as string))),
    );
    expect(['127.0.0.1', '::1']).toContain(allowed);
  });
});
