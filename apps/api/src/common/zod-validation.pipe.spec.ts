import { SignupRequest } from '@easel/contracts';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './domain-errors.js';
import { ZodValidationPipe } from './zod-validation.pipe.js';

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe(SignupRequest, 'body');

  it('returns the parsed (normalised) value', () => {
    expect(pipe.transform({ email: ' A@B.io ', password: 'long enough' })).toEqual({
      email: 'a@b.io',
      password: 'long enough',
    });
  });

  it('names unknown fields and the path of bad ones', () => {
    expect(() =>
      pipe.transform({ email: 'a@b.io', password: 'long enough', admin: true, role: 'x' }),
    ).toThrow("body: unknown fields 'admin', 'role'");
    expect(() => pipe.transform({ email: 'a@b.io', password: 7 })).toThrow(/^body\.password: /);
    expect(() => pipe.transform(undefined)).toThrow(InvalidRequestError);
  });
});
