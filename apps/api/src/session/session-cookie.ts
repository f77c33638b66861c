import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'easel_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The session id from the Cookie header, if any (only our cookie is parsed; its value is base64url). */
export function sessionIdFrom(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** httpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure over HTTPS. */
export function setSessionCookie(
  reply: FastifyReply,
  id: string,
  options: { maxAgeSeconds: number; secure: boolean },
): void {
  void reply.header('set-cookie', cookie(id, options.maxAgeSeconds, options.secure));
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.header('set-cookie', cookie('', 0, secure));
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** Methods that change state must carry the CSRF token; reads need only the cookie. */
export function changesState(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}
