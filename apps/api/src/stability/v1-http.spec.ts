import { describe, expect, it } from 'vitest';
import { wantsPng } from './stability.controller.js';
import { isV1Route, v1ErrorName } from './v1-error-names.js';

describe('wantsPng (Accept)', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['application/json', false],
    ['image/png', true],
    ['IMAGE/PNG; q=1', true],
    ['image/png, application/json', true],
    ['application/json, image/png', false],
    ['*/*', false],
    ['text/html, image/png;q=0.9', true],
  ])('%j → %s', (accept, png) => {
    expect(wantsPng(accept)).toBe(png);
  });
});

describe('v1 error names', () => {
  it('renames the native 400s and keeps the rest', () => {
    expect(v1ErrorName('invalid_request', 400)).toEqual({ code: 'bad_request', status: 400 });
    expect(v1ErrorName('unsupported_media_type', 415)).toEqual({ code: 'bad_request', status: 400 });
    expect(v1ErrorName('payload_too_large', 413)).toEqual({ code: 'invalid_file_size', status: 400 });
    expect(v1ErrorName('not_found', 404)).toEqual({ code: 'not_found', status: 404 });
    expect(v1ErrorName('insufficient_credits', 402)).toEqual({ code: 'insufficient_credits', status: 402 });
  });
  it('applies to /v1/ routes only', () => {
    expect(isV1Route('/v1/generation/x/text-to-image')).toBe(true);
    expect(isV1Route('/api/generations')).toBe(false);
    expect(isV1Route('/v1beta')).toBe(false);
  });
});
