// The API serves the built dashboard at / with an SPA fallback, and leaves its own routes alone.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectErrorShape, startTestApp, type TestApp } from '../support/app.js';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head></html>';
const PAGE = { accept: 'text/html,application/xhtml+xml' };
let t: TestApp;
let unbuilt: TestApp;

beforeAll(async () => {
  const dist = mkdtempSync(path.join(tmpdir(), 'easel-web-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), INDEX);
  writeFileSync(path.join(dist, 'assets', 'app-1a2b3c.js'), 'console.log("easel")');
  writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  t = await startTestApp({ WEB_DIST_DIR: dist });
  unbuilt = await startTestApp({ WEB_DIST_DIR: path.join(dist, 'nothing-here') });
});
afterAll(async () => {
  await t.close();
  await unbuilt.close();
});

describe('the dashboard at /', () => {
  it('serves index.html, never cached, under the page security policy', async () => {
    const reply = await fetch(`${t.url}/`, { headers: PAGE });
    expect(reply.status).toBe(200);
    expect(await reply.text()).toBe(INDEX);
    expect(reply.headers.get('content-type')).toContain('text/html');
    expect(reply.headers.get('cache-control')).toBe('no-cache');
    expect(reply.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(reply.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers the app’s own pages with index.html (client-side routes), with their query strings', async () => {
    for (const page of ['/generate', '/history/3f1c', '/credits?checkout=success&session_id=cs_1', '/keys']) {
      const reply = await fetch(`${t.url}${page}`, { headers: PAGE });
      expect(reply.status, page).toBe(200);
      expect(await reply.text()).toBe(INDEX);
    }
  });

  it('serves hashed assets cached for good, and other files from the build', async () => {
    const asset = await fetch(`${t.url}/assets/app-1a2b3c.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    await asset.text();
    expect((await fetch(`${t.url}/favicon.svg`)).status).toBe(200);
  });

  it('never answers API paths, missing files or non-page requests with the page', async () => {
    for (const route of [
      '/api/nothing-here',
      '/v1/nothing',
      '/health/nothing',
      '/files/nothing',
      '/assets/gone.js',
      '/robots.txt',
    ]) {
      const reply = await call(t.url, 'GET', route, { headers: PAGE });
      expect(reply.status, route).toBeGreaterThanOrEqual(400);
      expect(reply.body, route).not.toBe(INDEX);
    }
    expectErrorShape(await call(t.url, 'GET', '/api/nothing-here', { headers: PAGE }), 404, 'not_found');
    expectErrorShape(await call(t.url, 'GET', '/generate'), 404, 'not_found');
    expect((await call(t.url, 'GET', '/health/live')).status).toBe(200);
    expect((await fetch(`${t.url}/docs`, { headers: PAGE })).status).toBe(200);
    expect((await call(t.url, 'GET', '/openapi.json')).status).toBe(200);
  });

  it('says how to build the dashboard when it is not built, and the API still works', async () => {
    const reply = await fetch(`${unbuilt.url}/`, { headers: PAGE });
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain('npm run build:web');
    expect((await call(unbuilt.url, 'GET', '/health/live')).status).toBe(200);
  });
});
