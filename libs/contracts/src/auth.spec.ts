import { describe, expect, it } from 'vitest';
import { normalizeEmail, SignupRequest } from './auth.js';

describe('email normalisation', () => {
  it('trims, applies NFKC and lower-cases', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(normalizeEmail('ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ')).toBe('ada@example.com');
  });

  it.each([
    'ada\u200b@example.com',
    'ada@exa mple.com',
    '🎨@example.com',
    'ada@',
    '',
    'a'.repeat(300) + '@x.io',
  ])('rejects %j', (email) => {
    expect(SignupRequest.safeParse({ email, password: 'long enough' }).success).toBe(false);
  });

  it('bounds the password length', () => {
    expect(SignupRequest.safeParse({ email: 'a@b.io', password: 'short' }).success).toBe(false);
    expect(SignupRequest.safeParse({ email: 'a@b.io', password: 'x'.repeat(201) }).success).toBe(false);
    expect(SignupRequest.parse({ email: ' A@B.io', password: 'x'.repeat(200) }).email).toBe('a@b.io');
  });
});
