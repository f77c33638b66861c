// The dashboard's session: an HttpOnly cookie the browser sends by itself, plus a CSRF token that lives in
// this module's memory only (never localStorage) and goes with every state-changing request.
import { messageOf } from './errors';

export interface SessionUser {
  id: string;
  email: string;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

let csrfToken: string | null = null;

export function currentCsrfToken(): string | null {
  return csrfToken;
}

export class SessionError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function sessionCall(method: string, path: string, body?: unknown): Promise<Session | null> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    throw new SessionError(messageOf(json, `The server answered ${response.status}.`), response.status);
  }
  return json as Session;
}

/** The signed-in user, or null when there is no session. */
export async function loadSession(): Promise<Session | null> {
  try {
    const session = await sessionCall('GET', '/api/session');
    csrfToken = session?.csrfToken ?? null;
    return session;
  } catch (error) {
    if (error instanceof SessionError && error.status === 401) {
      csrfToken = null;
      return null;
    }
    throw error;
  }
}

export async function signIn(email: string, password: string): Promise<Session> {
  const session = (await sessionCall('POST', '/api/session', { email, password }))!;
  csrfToken = session.csrfToken;
  return session;
}

export async function signUp(email: string, password: string): Promise<Session> {
  const session = (await sessionCall('POST', '/api/session/signup', { email, password }))!;
  csrfToken = session.csrfToken;
  return session;
}

export async function signOut(): Promise<void> {
  try {
    await sessionCall('DELETE', '/api/session');
  } finally {
    csrfToken = null;
  }
}
