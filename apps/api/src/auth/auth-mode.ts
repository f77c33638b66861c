/**
 * - `jwt`: dashboard-only routes (managing API keys); an API key gets 403.
 * - `account`: account routes, a JWT or an API key.
 * - `api-key`: API routes, an API key only.
 */
export type AuthMode = 'jwt' | 'account' | 'api-key';
export const AUTH_MODE = 'easel:auth-mode';
