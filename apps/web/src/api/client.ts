// The dashboard talks to the API through @easel/sdk, the same client our users get, in its session mode: the
// cookie goes along, account routes go to /api/dashboard/..., state changes carry the CSRF token. The fetch
// wrapper only reports a lapsed session.
import { Easel, type FetchLike } from '@easel/sdk';
import { currentCsrfToken } from './session';

let onSessionLost: () => void = () => undefined;

/** Called when a dashboard request answers 401: the cookie has expired or was signed out elsewhere. */
export function setSessionLostHandler(handler: () => void): void {
  onSessionLost = handler;
}

const reportingFetch: FetchLike = async (input, init) => {
  const response = await fetch(input, init);
  if (response.status === 401 && new URL(input, location.origin).pathname.startsWith('/api/dashboard/')) {
    onSessionLost();
  }
  return response;
};

export const easel = new Easel({
  baseUrl: '',
  fetch: reportingFetch,
  session: { csrfToken: () => currentCsrfToken() ?? undefined },
  maxRetries: 1,
});
