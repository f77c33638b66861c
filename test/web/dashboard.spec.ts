/**
 * The dashboard in headless Chromium against the real stack (API, GPU worker on easel-tiny, Stripe test server):
 * the whole journey on a desktop and at phone width (360 px), axe-core on every page, no CSP violations or
 * uncaught errors, screenshots of every page in test-artifacts/web/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executableExists, systemDepsReady } from '../support/system-deps.js';
import { runJourney } from './dashboard-journey.js';
import { CHROMIUM, startWebStack, type WebStack } from './web-harness.js';

const ready = systemDepsReady('dashboard browser tests', [
  { what: 'Chromium', present: () => executableExists(CHROMIUM), install: 'apt-get install chromium' },
]);

describe.skipIf(!ready)('the dashboard in Chromium', () => {
  let stack: WebStack;

  beforeAll(async () => {
    stack = await startWebStack();
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  it.each([
    ['desktop', { width: 1280, height: 860 }],
    ['phone', { width: 360, height: 740 }],
  ] as const)(
    'sign up → key → generate → history → inpaint → buy credits → sign out (%s)',
    async (label, viewport) => {
      const context = await stack.browser.newContext({
        viewport,
        colorScheme: label === 'phone' ? 'dark' : 'light',
      });
      try {
        const report = await runJourney(stack, context, label);
        expect(report.axe, JSON.stringify(report.axe, null, 2)).toEqual([]);
        expect(report.pageErrors).toEqual([]);
        expect(report.screenshots.length).toBeGreaterThanOrEqual(10);
        if (label === 'phone') {
          // Nothing wider than the phone: no sideways scrolling.
          const page = await context.newPage();
          await page.goto(`${stack.api.url}/signin`);
          const overflow = await page.evaluate<number>(
            'document.documentElement.scrollWidth - window.innerWidth',
          );
          expect(overflow).toBeLessThanOrEqual(0);
        }
      } finally {
        await context.close();
      }
    },
    150_000,
  );
});
