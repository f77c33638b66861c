// One person's visit to the dashboard, step by step, in a real Chromium page: sign up, a key, a picture, the
// history, an inpainting with a painted mask, a credit purchase through Stripe's (test) checkout, sign out.
// Each page is screenshotted and scanned with axe-core along the way.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { uniqueEmail } from '../support/app.js';
import { ARTIFACTS, type WebStack } from './web-harness.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'correct horse battery';
/** A real process has to answer (a generation, a webhook): generous, but each wait ends as soon as it holds. */
const SLOW = 45_000;

export interface AxeFinding {
  page: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

export interface JourneyReport {
  axe: AxeFinding[];
  /** Console errors and uncaught exceptions other than failed loads the app expects (401 while signed out). */
  pageErrors: string[];
  screenshots: string[];
}

export async function runJourney(
  stack: WebStack,
  context: BrowserContext,
  label: string,
): Promise<JourneyReport> {
  const report: JourneyReport = { axe: [], pageErrors: [], screenshots: [] };
  const page = await context.newPage();
  page.on('pageerror', (error) => report.pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      report.pageErrors.push(message.text());
    }
  });
  const check = async (name: string): Promise<void> => {
    const file = path.join(ARTIFACTS, `${label}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    report.screenshots.push(file);
    report.axe.push(...(await axe(page, name)));
  };
  const url = stack.api.url;
  const email = uniqueEmail('web');
  stack.emails.push(email);

  // Signed out: any page sends the visitor to sign in.
  await page.goto(`${url}/keys`);
  await page.getByRole('heading', { name: 'Sign in to Easel' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/signin');
  await check('sign-in');

  // A wrong password reads as a sentence.
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^[A-Z].*\.$/);

  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByRole('heading', { name: 'Create your Easel account' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await check('sign-up');
  await page.getByRole('button', { name: 'Create account' }).click();

  // Back where it started (the keys page), with the sign-up grant.
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  await expect.poll(() => page.getByTestId('balance').textContent()).toBe('200 credits');
  await page.getByLabel('Key name').fill('browser');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.getByTestId('new-key-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^esl_/);
  // The key works for programs, and the quick-start shows it.
  const balance = await fetch(`${url}/api/balance`, { headers: { authorization: `Bearer ${secret}` } });
  expect(await balance.json()).toEqual({ credits: 200 });
  await check('key-created');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect.poll(() => page.getByTestId('snippet-curl').textContent()).toContain(secret);
  await expect.poll(() => page.getByTestId('keys-table').textContent()).toContain('browser');
  await check('keys');

  // Generate: the engine the test worker serves, the cost before, the picture and balance after.
  await page.getByRole('link', { name: 'Generate', exact: true }).click();
  await pickEngine(page, stack.engine);
  await page
    .getByLabel('Prompt', { exact: true })
    .fill('a large red circle on the left on a blue background');
  await expect
    .poll(() => page.getByTestId('cost').textContent())
    .toContain('Costs 1 credit (64×64, 1 image)');
  await check('generate');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await waitForImage(page, '[data-testid=result-image]');
  await expect.poll(() => page.getByTestId('balance').textContent()).toBe('199 credits');
  await check('generate-result');

  // History: the picture is there; open it.
  await page.getByRole('link', { name: 'History' }).click();
  await waitForImage(page, '[data-testid=gallery-card] img');
  await check('history');
  await page.getByTestId('gallery-card').first().click();
  await waitForImage(page, '[data-testid=detail-image]');
  await expect.poll(() => page.getByRole('dialog').textContent()).toContain('a large red circle');
  await check('history-detail');

  // Inpaint it: use it as the init image, paint a mask, generate.
  await page.getByRole('button', { name: 'Use as init image' }).first().click();
  await page.getByRole('heading', { name: 'Generate' }).waitFor();
  await page.getByRole('tab', { name: 'Inpainting' }).click();
  const canvas = page.getByTestId('mask-canvas');
  await canvas.waitFor();
  // Mouse coordinates are the viewport's: bring the canvas into it first.
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.6, { steps: 8 });
  await page.mouse.up();
  await expect.poll(() => page.getByTestId('mask-coverage').textContent()).toMatch(/\d+% of the image/);
  await page
    .getByLabel('Prompt', { exact: true })
    .fill('a large yellow star in the center on a blue background');
  await check('inpaint');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await waitForImage(page, '[data-testid=result-image]');
  await expect.poll(() => page.getByTestId('balance').textContent()).toBe('198 credits');
  const inpainted = (await (
    await fetch(`${url}/api/generations?limit=1`, { headers: { authorization: `Bearer ${secret}` } })
  ).json()) as { data: { mode: string; status: string }[] };
  expect(inpainted.data[0]).toMatchObject({ mode: 'inpaint', status: 'succeeded' });

  // Buy credits: Stripe's checkout (the test server's page), back to the dashboard, the balance rises.
  await page.getByRole('link', { name: 'Credits', exact: true }).click();
  await page.getByRole('heading', { name: 'Buy credits' }).waitFor();
  await check('credits');
  const buy = page.getByRole('button', { name: /^Buy \d+ credits/ }).first();
  const bought = Number(/^Buy (\d+) credits/.exec((await buy.getAttribute('aria-label')) ?? '')![1]);
  await buy.click();
  await page.getByTestId('pay').click({ timeout: SLOW });
  await page.getByText('Payment received').waitFor({ timeout: SLOW });
  expect(new URL(page.url()).searchParams.get('checkout')).toBe('success');
  await expect
    .poll(() => page.getByTestId('balance').textContent(), { timeout: SLOW })
    .toBe(`${(198 + bought).toLocaleString('en-US')} credits`);
  await expect.poll(() => page.getByTestId('ledger').textContent()).toContain('Purchase');
  await check('credits-paid');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Easel' }).waitFor();
  await page.close();
  return report;
}

async function pickEngine(page: Page, engine: string): Promise<void> {
  await page.locator('#engine').click();
  await page.getByRole('option', { name: new RegExp(`\\(${engine}\\)`) }).click();
  await expect.poll(() => page.locator('#engine').textContent()).toContain(engine);
}

/** Waits until an <img> has loaded real pixels (not just its element). */
async function waitForImage(page: Page, selector: string): Promise<void> {
  // A function, not a string: the page's CSP forbids eval. Typed by hand, as this file is typed for Node.
  await page.waitForFunction(
    (sel) => {
      type Img = { complete: boolean; naturalWidth: number };
      const doc = (globalThis as unknown as { document: { querySelector(s: string): Img | null } }).document;
      const img = doc.querySelector(sel);
      return img !== null && img.complete && img.naturalWidth > 0;
    },
    selector,
    { timeout: SLOW },
  );
}

/** axe-core's serious and critical findings on the page as it is now. */
async function axe(page: Page, name: string): Promise<AxeFinding[]> {
  // Evaluated through the DevTools protocol: the page's CSP (no inline script) does not apply to it.
  await page.evaluate(axeSource);
  const violations = await page.evaluate<Omit<AxeFinding, 'page'>[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')),
    })))`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ page: name, ...v }));
}
