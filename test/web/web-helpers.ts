// Small steps the browser tests share: a signed-in page for a fresh account, the engine picker, waiting for
// pictures, the API as the account's programs see it.
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import { uniqueEmail } from '../support/app.js';
import { createTestUser } from '../support/database.js';
import type { WebStack } from './web-harness.js';

export const PASSWORD = 'correct horse battery';
/** A real process has to answer (a generation, a webhook): generous, but each wait ends as soon as it holds. */
export const SLOW = 45_000;

export interface WebUser {
  id: string;
  email: string;
}

/** An account holding `credits` (deleted when the stack closes). */
export async function newUser(stack: WebStack, credits: number): Promise<WebUser> {
  const email = uniqueEmail('web');
  stack.emails.push(email);
  const user = await createTestUser(stack.prisma, { email, credits, password: PASSWORD });
  return { id: user.id, email };
}

/** A page signed in as `user` (the session cookie set through the API, as the sign-in form would). */
export async function signedInPage(stack: WebStack, context: BrowserContext, user: WebUser): Promise<Page> {
  const reply = await context.request.post(`${stack.api.url}/api/session`, {
    data: { email: user.email, password: PASSWORD },
  });
  expect(reply.status(), await reply.text()).toBeLessThan(300);
  const page = await context.newPage();
  trackErrors(page);
  return page;
}

const pageErrors = new WeakMap<Page, string[]>();

/** Uncaught exceptions and console errors other than failed loads (a 4xx the app shows as a sentence). */
export function trackErrors(page: Page): void {
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
}

export function errorsOf(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

/** Opens Generate with the stack's engine chosen. */
export async function openGenerate(page: Page, stack: WebStack): Promise<void> {
  await page.goto(`${stack.api.url}/`);
  await page.getByRole('heading', { name: 'Generate', exact: true }).waitFor();
  await pickEngine(page, stack.engine);
}

export async function pickEngine(page: Page, engine: string): Promise<void> {
  await page.locator('#engine').click();
  await page.getByRole('option', { name: new RegExp(`\\(${engine}\\)`) }).click();
  await expect.poll(() => page.locator('#engine').textContent()).toContain(engine);
}

/** Waits until an <img> has loaded real pixels (not just its element). */
export async function waitForImage(page: Page, selector: string): Promise<void> {
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

export async function balanceOf(page: Page): Promise<string | null> {
  return page.getByTestId('balance').textContent();
}

/** GET through the dashboard's own session (the page's cookie): what the API says about the account. */
export async function apiGet<T>(context: BrowserContext, stack: WebStack, path: string): Promise<T> {
  const reply = await context.request.get(`${stack.api.url}/api/dashboard/${path}`);
  expect(reply.status(), await reply.text()).toBe(200);
  return (await reply.json()) as T;
}

/** A solid PNG with a differently coloured square in its top-left quarter. */
export async function testPng(width = 64, height = 64, colour = '#2050d0'): Promise<Buffer> {
  const square = await sharp({
    create: { width: width / 2, height: height / 2, channels: 3, background: '#e02020' },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .composite([{ input: square, left: 0, top: 0 }])
    .png()
    .toBuffer();
}

export interface GenerationJson {
  id: string;
  status: string;
  mode: string;
  cost: number;
  params: Record<string, unknown>;
  artifacts: { seed: number; url: string; width: number; height: number }[];
  animation: { url: string } | null;
  imagesDeletedAt: string | null;
}
