// The dashboard's cookie session on the real API: sign-up/in/out, /api/dashboard/… aliases, CSRF, isolation.
import { describe, expect, it } from 'vitest';
import { call, createKey, expectErrorShape, signUp, uniqueEmail, useTestApp } from '../support/app.js';

const t = useTestApp();
const { created } = t;
const PASSWORD = 'correct horse battery';

interface Session {
  userId: string;
  email: string;
  cookie: string;
  csrf: string;
  setCookie: string;
}

async function dashboardSignUp(): Promise<Session> {
  const email = uniqueEmail('dash');
  const reply = await call<{ user: { id: string; email: string }; csrfToken: string }>(
    t.url,
    'POST',
    '/api/session/signup',
    { json: { email, password: PASSWORD } },
  );
  expect(reply.status).toBe(201);
  created.push(reply.body.user.id);
  const setCookie = reply.headers.get('set-cookie') ?? '';
  return {
    userId: reply.body.user.id,
    email,
    cookie: setCookie.split(';', 1)[0],
    csrf: reply.body.csrfToken,
    setCookie,
  };
}

const as = (s: Session, csrf = true): Record<string, string> => ({
  cookie: s.cookie,
  ...(csrf ? { 'x-csrf-token': s.csrf } : {}),
});

describe('the dashboard session', () => {
  it('signs up into an httpOnly, SameSite=Strict cookie that no script can read, with 200 credits', async () => {
    const s = await dashboardSignUp();
    expect(s.setCookie).toMatch(/^easel_session=[A-Za-z0-9_-]{43}; /);
    expect(s.setCookie).toContain('HttpOnly');
    expect(s.setCookie).toContain('SameSite=Strict');
    expect(s.setCookie).toContain('Path=/');
    expect(s.csrf.length).toBeGreaterThan(20);
    const balance = await call(t.url, 'GET', '/api/dashboard/balance', { headers: as(s, false) });
    expect(balance.status).toBe(200);
    expect(balance.body).toMatchObject({ credits: 200 });
    const current = await call(t.url, 'GET', '/api/session', { headers: { cookie: s.cookie } });
    expect(current.body).toMatchObject({ user: { id: s.userId, email: s.email }, csrfToken: s.csrf });
  });

  it('signs in with the password; a wrong one is 401 in a sentence; no cookie is 401', async () => {
    const s = await dashboardSignUp();
    const good = await call(t.url, 'POST', '/api/session', { json: { email: s.email, password: PASSWORD } });
    expect(good.status).toBe(200);
    expect(good.headers.get('set-cookie')).toContain('HttpOnly');
    const bad = await call(t.url, 'POST', '/api/session', {
      json: { email: s.email, password: 'not it at all' },
    });
    expectErrorShape(bad, 401, 'unauthorized');
    expect((bad.body as { message: string }).message).toBe('Invalid email or password');
    expectErrorShape(await call(t.url, 'GET', '/api/session'), 401, 'unauthorized');
    const taken = await call(t.url, 'POST', '/api/session/signup', {
      json: { email: s.email, password: PASSWORD },
    });
    expectErrorShape(taken, 409, 'email_taken');
  });

  it('changes state only with the session’s CSRF token: none, another session’s, or a forged one → 403', async () => {
    const s = await dashboardSignUp();
    const other = await dashboardSignUp();
    const key = { json: { name: 'from the dashboard' } };
    expectErrorShape(
      await call(t.url, 'POST', '/api/dashboard/keys', { ...key, headers: as(s, false) }),
      403,
      'csrf_failed',
    );
    expectErrorShape(
      await call(t.url, 'POST', '/api/dashboard/keys', {
        ...key,
        headers: { cookie: s.cookie, 'x-csrf-token': other.csrf },
      }),
      403,
      'csrf_failed',
    );
    expectErrorShape(
      await call(t.url, 'POST', '/api/dashboard/keys', {
        ...key,
        headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) },
      }),
      403,
      'csrf_failed',
    );
    const made = await call<{ id: string; key: string }>(t.url, 'POST', '/api/dashboard/keys', {
      ...key,
      headers: as(s),
    });
    expect(made.status).toBe(201);
    expect(made.body.key).toMatch(/^esl_/);
    const listed = await call<{ data: { id: string }[] }>(t.url, 'GET', '/api/dashboard/keys', {
      headers: as(s, false),
    });
    expect(listed.body.data.map((k) => k.id)).toEqual([made.body.id]);
    // The other user sees none of it, and cannot revoke it.
    const theirs = await call<{ data: unknown[] }>(t.url, 'GET', '/api/dashboard/keys', {
      headers: as(other, false),
    });
    expect(theirs.body.data).toEqual([]);
    expectErrorShape(
      await call(t.url, 'DELETE', `/api/dashboard/keys/${made.body.id}`, { headers: as(other) }),
      404,
      'not_found',
    );
  });

  it('keeps the two kinds of credential apart: bearer tokens do nothing under /api/dashboard, cookies nothing elsewhere', async () => {
    const s = await dashboardSignUp();
    const u = await signUp(t.url);
    created.push(u.id);
    const { key } = await createKey(t.url, u.token);
    expectErrorShape(
      await call(t.url, 'GET', '/api/dashboard/balance', { token: u.token }),
      401,
      'unauthorized',
    );
    expectErrorShape(await call(t.url, 'GET', '/api/dashboard/balance', { token: key }), 401, 'unauthorized');
    expectErrorShape(await call(t.url, 'GET', '/api/balance', { headers: as(s) }), 401, 'unauthorized');
    expectErrorShape(
      await call(t.url, 'GET', '/api/dashboard/balance', {
        headers: { cookie: 'easel_session=' + 'A'.repeat(43) },
      }),
      401,
      'unauthorized',
    );
  });

  it('answers no CORS headers under /api/dashboard, so another origin can neither preflight nor read', async () => {
    const s = await dashboardSignUp();
    const preflight = await fetch(`${t.url}/api/dashboard/keys`, {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const read = await call(t.url, 'GET', '/api/dashboard/me', {
      headers: { ...as(s, false), origin: 'https://elsewhere.example' },
    });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reaches every dashboard route it needs: generations, events, ledger, billing, pricing', async () => {
    const s = await dashboardSignUp();
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await call(t.url, 'GET', '/api/dashboard/generations', { headers: as(s, false) })).status).toBe(
      200,
    );
    expectErrorShape(
      await call(t.url, 'GET', `/api/dashboard/generations/${id}/events`, { headers: as(s, false) }),
      404,
      'not_found',
    );
    expect((await call(t.url, 'GET', '/api/dashboard/ledger', { headers: as(s, false) })).status).toBe(200);
    expect(
      (await call(t.url, 'GET', '/api/dashboard/billing/purchases', { headers: as(s, false) })).status,
    ).toBe(200);
    expect(
      (
        await call(t.url, 'GET', '/api/dashboard/pricing/quote?width=512&height=512', {
          headers: as(s, false),
        })
      ).status,
    ).toBe(200);
    expect((await call(t.url, 'GET', '/api/dashboard/engines', { headers: as(s, false) })).status).toBe(200);
    // A refused generation (no such engine) costs nothing.
    const refused = await call(t.url, 'POST', '/api/dashboard/generations', {
      headers: as(s),
      json: { engine: 'no-such-engine', prompt: 'a cat' },
    });
    expect(refused.status).toBe(400);
    expect(
      (await call(t.url, 'GET', '/api/dashboard/balance', { headers: as(s, false) })).body,
    ).toMatchObject({ credits: 200 });
  });

  it('signs out: the cookie is cleared and the old one is dead; signing out needs the CSRF token', async () => {
    const s = await dashboardSignUp();
    expectErrorShape(
      await call(t.url, 'DELETE', '/api/session', { headers: as(s, false) }),
      403,
      'csrf_failed',
    );
    const out = await call(t.url, 'DELETE', '/api/session', { headers: as(s) });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^easel_session=; .*Max-Age=0/);
    expectErrorShape(await call(t.url, 'GET', '/api/dashboard/me', { headers: as(s) }), 401, 'unauthorized');
    expectErrorShape(await call(t.url, 'GET', '/api/session', { headers: as(s) }), 401, 'unauthorized');
  });
});
