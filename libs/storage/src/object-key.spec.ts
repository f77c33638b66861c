import { describe, expect, it } from 'vitest';

import { InvalidKeyError } from './errors.js';
import { assertValidKey, assertValidPrefix, isValidKey } from './object-key.js';
import { INVALID_KEYS } from './testing/object-store-contract.js';

describe('object keys', () => {
  it('accepts generation image keys and other safe keys', () => {
    for (const key of [
      'generations/0b5c6f1e-8a2d-4c1b-9f00-3e2a1b0c9d8e/0.png',
      'a',
      'A_b-c.d/e..f/.hidden',
      'x'.repeat(240),
    ]) {
      expect(isValidKey(key), key).toBe(true);
    }
  });

  it('rejects traversal, absolute paths, empty segments and unsafe characters with a reason', () => {
    for (const key of [...INVALID_KEYS, 'y'.repeat(241), 'a/?b', 'a#b', 'a:b']) {
      expect(() => assertValidKey(key), key).toThrow(InvalidKeyError);
    }
    expect(() => assertValidKey('../x')).toThrow('"." and ".." segments are not allowed');
    expect(() => assertValidKey('/x')).toThrow('must not start with "/"');
    expect(() => assertValidKey(42)).toThrow('not a string');
  });

  it('accepts prefixes: empty, partial, or ending in "/"', () => {
    for (const prefix of ['', 'generations/', 'generations/0b5c', 'generations/0b5c/']) {
      expect(() => assertValidPrefix(prefix), prefix).not.toThrow();
    }
    for (const prefix of ['/', '../', 'a//', 'a/../', 'a b']) {
      expect(() => assertValidPrefix(prefix), prefix).toThrow(InvalidKeyError);
    }
  });
});
