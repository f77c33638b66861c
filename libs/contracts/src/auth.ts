import { z } from 'zod';

/** Email as stored: trimmed, NFKC-normalised, lower-cased. Apply before uniqueness checks and lookups. */
export function normalizeEmail(raw: string): string {
  return raw.trim().normalize('NFKC').toLowerCase();
}

export const EMAIL_MAX_LENGTH = 254;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;

/** Validated after normalisation, so look-alike forms (full-width letters, stray spaces) land on one address. */
export const Email = z
  .string()
  .max(1024)
  .transform(normalizeEmail)
  .pipe(z.email({ pattern: z.regexes.email }).max(EMAIL_MAX_LENGTH))
  .describe('Email address; trimmed, NFKC-normalised and lower-cased');

export const Password = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);

export const SignupRequest = z
  .strictObject({ email: Email, password: Password })
  .meta({ id: 'SignupRequest' });
export type SignupRequest = z.infer<typeof SignupRequest>;

/** Login checks length loosely (no policy hints to attackers) but still bounds the hashing work. */
export const LoginRequest = z
  .strictObject({ email: Email, password: z.string().min(1).max(PASSWORD_MAX_LENGTH) })
  .meta({ id: 'LoginRequest' });
export type LoginRequest = z.infer<typeof LoginRequest>;

export const PublicUser = z
  .strictObject({ id: z.uuid(), email: z.string(), createdAt: z.iso.datetime() })
  .meta({ id: 'User' });
export type PublicUser = z.infer<typeof PublicUser>;

export const SignupResponse = z
  .strictObject({ user: PublicUser, accessToken: z.string() })
  .meta({ id: 'SignupResponse' });
export type SignupResponse = z.infer<typeof SignupResponse>;

export const LoginResponse = z.strictObject({ accessToken: z.string() }).meta({ id: 'LoginResponse' });
export type LoginResponse = z.infer<typeof LoginResponse>;

/**
 * The dashboard's signed-in state. The session itself rides in an httpOnly cookie; `csrfToken` goes back in the
 * `X-CSRF-Token` header of every state-changing request (keep it in memory, never in storage).
 */
export const SessionResponse = z
  .strictObject({ user: PublicUser, csrfToken: z.string() })
  .meta({ id: 'SessionResponse' });
export type SessionResponse = z.infer<typeof SessionResponse>;
