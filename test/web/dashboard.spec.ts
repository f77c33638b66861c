/**
 * The dashboard in headless Chromium against the real stack (API, GPU worker on easel-tiny, Stripe test server),
 * one stack and one browser for the whole file: the journey on a desktop and at phone width (axe-core on every
 * page, screenshots in test-artifacts/web/), then the features the journey does not reach — an init image
 * pasted and dropped, mask editing, cancel, out of credits, interpolation, history's actions, the keyboard.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executableExists, systemDepsReady } from '../support/system-deps.js';
import { runJourney } from './dashboard-journey.js';
import { cancelMidRun, interpolation, maskEditing, outOfCredits, pasteAndDrop } from './generate-features.js';
import { historyActions } from './history-features.js';
import { keyboardOnly } from './keyboard.js';
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

  /** Each feature in a fresh desktop context (its own cookies) with clipboard access; no page errors. */
  const feature = (run: (stack: WebStack, context: BrowserContext) => Promise<string[]>) => async () => {
    const context = await stack.browser.newContext({
      viewport: { width: 1280, height: 860 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    try {
      expect(await run(stack, context)).toEqual([]);
    } finally {
      await context.close();
    }
  };

  it('image to image from a pasted and a dropped file', feature(pasteAndDrop), 60_000);
  it('the mask: brush, clear, eraser, undo — and the pixels the API gets', feature(maskEditing), 60_000);
  it('cancel mid-run: the generation ends canceled and the credits come back', feature(cancelMidRun), 90_000);
  it('out of credits: the 402 as a sentence with a link to buy credits', feature(outOfCredits), 60_000);
  it('interpolation: two prompts, four frames, the animation', feature(interpolation), 60_000);
  it(
    'history: download the PNG with its parameters, copy seed, reuse settings, delete; a lapsed session',
    feature(historyActions),
    60_000,
  );
  it(
    'keyboard only: sign in, generate, key dialogs; every focus stop visible',
    feature(keyboardOnly),
    90_000,
  );
});
