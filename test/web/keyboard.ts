// The dashboard with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows, Escape): sign in, generate,
// open and close the key dialogs with focus going back where it was, and a visible focus ring on every stop.
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { WebStack } from './web-harness.js';
import { errorsOf, newUser, PASSWORD, testPng, trackErrors, waitForImage } from './web-helpers.js';

interface Focused {
  /** tag#id "accessible text", for messages. */
  what: string;
  /** The focus changes how it, its label or a close ancestor looks (outline or box-shadow). */
  visible: boolean;
  dialog: boolean;
}

/**
 * What has focus and whether the focus shows: styles of the element, its labels and two ancestors, compared
 * focused and blurred (then focused again; the last input was a key, so :focus-visible applies again).
 */
async function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    type El = {
      tagName: string;
      id: string;
      textContent: string | null;
      parentElement: El | null;
      labels?: El[] | null;
      getAttribute(name: string): string | null;
      type?: string;
      closest(selector: string): El | null;
      getBoundingClientRect(): { width: number; height: number };
      blur(): void;
      focus(): void;
    };
    const g = globalThis as unknown as {
      document: { activeElement: El | null; body: El };
      getComputedStyle(e: El): {
        outlineStyle: string;
        outlineWidth: string;
        boxShadow: string;
        clip: string;
      };
    };
    const el = g.document.activeElement;
    if (!el || el === g.document.body) return null;
    // A visually hidden control (1 px, clipped) shows nothing of its own ring: then its label or box must.
    const box = el.getBoundingClientRect();
    const shown = box.width > 4 && box.height > 4 && g.getComputedStyle(el).clip === 'auto';
    const related: El[] = [...(shown ? [el] : []), ...Array.from(el.labels ?? [])];
    if (el.parentElement) related.push(el.parentElement);
    if (el.parentElement?.parentElement) related.push(el.parentElement.parentElement);
    const looks = (): string[] =>
      related.map((e) => {
        const s = g.getComputedStyle(e);
        const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? s.outlineWidth : 'none';
        return `${outline}|${s.boxShadow}`;
      });
    const focusedLooks = looks();
    el.blur();
    const blurredLooks = looks();
    el.focus();
    const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
    return {
      what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.tagName === 'INPUT' ? `[${el.type}]` : ''} "${text}"`,
      visible: focusedLooks.some((l, i) => l !== blurredLooks[i]),
      dialog: el.closest('[role=dialog]') !== null,
    };
  });
}

/** Tabs until `match` has focus (at most `limit` presses), collecting every stop on the way. */
async function tabTo(
  page: Page,
  match: (f: Focused) => boolean,
  stops: Focused[],
  limit = 60,
): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now) stops.push(now);
    if (now && match(now)) return;
  }
  throw new Error(`no focus stop matched within ${limit} tabs; saw ${stops.map((s) => s.what).join(', ')}`);
}

/** Tabs once round the whole page, collecting every stop. */
async function tabRound(page: Page, stops: Focused[]): Promise<void> {
  let first: string | null = null;
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (!now) continue;
    if (now.what === first) return;
    first ??= now.what;
    stops.push(now);
  }
}

const named = (text: string) => (f: Focused) => f.what.includes(`"${text}`);

export async function keyboardOnly(stack: WebStack, context: BrowserContext): Promise<string[]> {
  const user = await newUser(stack, 200);
  const page = await context.newPage();
  trackErrors(page);
  const stops: Focused[] = [];

  // Sign in.
  await page.goto(`${stack.api.url}/signin`);
  await page.getByRole('heading', { name: 'Sign in to Easel' }).waitFor();
  await tabTo(page, (f) => f.what.startsWith('input#email['), stops);
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');

  // Generate: the engine (a listbox: Enter opens it, arrows move, Enter picks), the prompt, then Space on Generate.
  await page.getByRole('heading', { name: 'Generate', exact: true }).waitFor();
  await tabTo(page, (f) => f.what.startsWith('button#engine'), stops);
  await page.keyboard.press('Enter');
  const wanted = page.getByRole('option', { name: new RegExp(`\\(${stack.engine}\\)`) });
  await wanted.waitFor();
  for (let i = 0; i < 20 && (await wanted.getAttribute('data-highlighted')) === null; i++) {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('#engine').textContent()).toContain(stack.engine);
  await tabTo(page, (f) => f.what.startsWith('textarea#prompt'), stops);
  await page.keyboard.type('a large red circle on the left on a blue background');
  await tabTo(page, (f) => f.what === 'button "Generate"', stops);
  await page.keyboard.press('Space');
  await waitForImage(page, '[data-testid=result-image]');
  // Every stop on the page, the result's links and buttons included.
  await tabRound(page, stops);

  // Inpainting: the mode tabs (arrows, then Enter), the image from the file chooser (Space on the file input),
  // then every stop of the mask tools.
  await tabTo(page, named('Text to image'), stops, 120);
  // Radix moves focus between tabs a tick after the key: wait for it before the next key, as a person would.
  for (const next of ['Image to image', 'Inpainting']) {
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await focused(page))?.what).toContain(`"${next}"`);
  }
  await page.keyboard.press('Enter');
  await page.getByRole('tab', { name: 'Inpainting', selected: true }).waitFor();
  await tabTo(page, (f) => f.what.includes('[file]'), stops);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await chooser.setFiles({ name: 'chosen.png', mimeType: 'image/png', buffer: await testPng() });
  await page.getByTestId('mask-canvas').waitFor();
  await tabTo(page, named('Mask everything'), stops);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('mask-coverage').textContent()).toContain('100% of the image');
  await tabRound(page, stops);

  // API keys: the nav link, a key through the form, its dialog closed with Escape.
  await page.keyboard.press('Shift+Tab');
  await tabTo(page, named('API keys'), stops, 120);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  await tabTo(page, (f) => f.what.startsWith('input#key-name'), stops);
  await page.keyboard.type('keyboard');
  await tabTo(page, named('Create key'), stops);
  await page.keyboard.press('Enter');
  await page.getByTestId('new-key-secret').waitFor();
  await expect.poll(async () => (await focused(page))?.dialog).toBe(true);
  await tabRound(page, stops);
  await page.keyboard.press('Escape');
  await page.getByTestId('new-key-secret').waitFor({ state: 'detached' });
  // Focus goes back when the dialog has gone (a tick after it leaves the page).
  await expect.poll(async () => (await focused(page))?.what).toBe('button "Create key"');

  // The revoke dialog: opened with Space, left with its Cancel button; focus back on Revoke.
  await tabTo(page, named('Revoke'), stops);
  await page.keyboard.press('Space');
  await page.getByRole('heading', { name: 'Revoke keyboard?' }).waitFor();
  await tabTo(page, named('Cancel'), stops);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Revoke keyboard?' }).waitFor({ state: 'detached' });
  await expect.poll(async () => (await focused(page))?.what ?? '').toMatch(/^button "Revoke/);
  await tabRound(page, stops);

  const unseen = [...new Set(stops.filter((s) => !s.visible).map((s) => s.what))];
  expect(unseen, 'focus stops without a visible focus style').toEqual([]);
  expect(stops.length).toBeGreaterThan(20);
  await page.close();
  return errorsOf(page);
}
