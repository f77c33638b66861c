// The dashboard talks to the API through @easel/sdk, the same client our users get. The SDK's routes are the
// bearer-token ones (/api/...); the dashboard's session serves the same routes under /api/dashboard/..., so a
// fetch wrapper moves them there, adds nothing else, and reports a lapsed session.
import { Easel, type FetchLike } from '@easel/sdk';
import { currentCsrfToken } from './session';

/** Routes anyone may call: they stay where they are. */
const PUBLIC = ['/api/billing/packs', '/api/session'];

let onSessionLost: () => void = () => undefined;

/** Called when a dashboard request answers 401: the cookie has expired or was signed out elsewhere. */
export function setSessionLostHandler(handler: () => void): void {
  onSessionLost = handler;
}

export function dashboardPath(path: string): string {
  const url = new URL(path, location.origin);
  if (url.origin !== location.origin) return path;
  if (!url.pathname.startsWith('/api/') || PUBLIC.some((p) => url.pathname.startsWith(p))) return path;
  return `/api/dashboard/${url.pathname.slice('/api/'.length)}${url.search}`;
}

const dashboardFetch: FetchLike = async (input, init) => {
  const path = dashboardPath(input);
  const response = await fetch(path, { ...init, credentials: 'same-origin' });
  if (response.status === 401 && path.startsWith('/api/dashboard/')) onSessionLost();
  return response;
};

export const easel = new Easel({
  baseUrl: '',
  fetch: dashboardFetch,
  credentials: 'same-origin',
  // The token is only needed for state changes; sending it on reads too is harmless and keeps this simple.
  headers: (): Record<string, string> => {
    const token = currentCsrfToken();
    return token ? { 'x-csrf-token': token } : {};
  },
  maxRetries: 1,
});
