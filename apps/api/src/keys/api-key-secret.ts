import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from '@easel/contracts';

// esl_<10 hex>_<43 base64url>: 256 random bits of secret, so a fast unsalted SHA-256 is a safe verifier.
const API_KEY_PATTERN = /^esl_[0-9a-f]{10}_[A-Za-z0-9_-]{43}$/;

export interface NewApiKeySecret {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): NewApiKeySecret {
  const prefix = `${API_KEY_PREFIX}${randomBytes(5).toString('hex')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Cheap shape test: tells an API key from a JWT without touching the database. */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

export function isWellFormedApiKey(token: string): boolean {
  return API_KEY_PATTERN.test(token);
}
