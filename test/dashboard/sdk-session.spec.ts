// @easel/sdk with the dashboard's cookie session (as the web app can use it): /api/dashboard routes and CSRF.
import { Easel, PermissionDeniedError } from '@easel/sdk';
import { describe, expect, it } from 'vitest';
import { call, uniqueEmail, useTestApp } from '../support/app.js';

const t = useTestApp();
const { created } = t;

describe('@easel/sdk with a session', () => {
  it('reads and changes the account through /api/dashboard with the cookie and the CSRF token', async () => {
    const signedUp = await call<{ user: { id: string }; csrfToken: string }>(
      t.url,
      'POST',
      '/api/session/signup',
      {
        json: { email: uniqueEmail('sdk-session'), password: 'correct horse battery' },
      },
    );
    created.push(signedUp.body.user.id);
    // A browser sends the cookie itself; Node's fetch needs it spelled out.
    const cookie = (signedUp.headers.get('set-cookie') ?? '').split(';', 1)[0];
    const easel = new Easel({
      baseUrl: t.url,
      headers: { cookie },
      session: { csrfToken: () => signedUp.body.csrfToken },
    });
    expect((await easel.balance()).credits).toBe(200);
    const key = await easel.keys.create('made by the dashboard');
    expect((await easel.keys.list()).map((k) => k.id)).toEqual([key.id]);
    await easel.keys.revoke(key.id);
    expect(await easel.keys.list()).toEqual([]);

    const noToken = new Easel({
      baseUrl: t.url,
      headers: { cookie },
      session: { csrfToken: () => undefined },
    });
    expect((await noToken.balance()).credits).toBe(200);
    const refused = await noToken.keys.create('no csrf').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect((refused as PermissionDeniedError).code).toBe('csrf_failed');
  });
});
