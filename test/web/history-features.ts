// History beyond the journey: download the PNG (with its parameters), copy the seed, reuse the settings,
// delete; and a lapsed session sends the visitor to sign in.
import { readFile } from 'node:fs/promises';
import type { BrowserContext } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { WebStack } from './web-harness.js';
import {
  apiGet,
  errorsOf,
  newUser,
  openGenerate,
  signedInPage,
  waitForImage,
  type GenerationJson,
} from './web-helpers.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PROMPT = 'a large purple square in the center on a white background';

export async function historyActions(stack: WebStack, context: BrowserContext): Promise<string[]> {
  const url = stack.api.url;
  const user = await newUser(stack, 200);
  const page = await signedInPage(stack, context, user);

  // One picture with settings worth reusing: a negative prompt, 12 steps, guidance 6.5, a fixed seed.
  await openGenerate(page, stack);
  await page.getByLabel('Prompt', { exact: true }).fill(PROMPT);
  await page.getByLabel('Negative prompt').fill('green, blurry');
  await page.locator('#steps').fill('12');
  await page.locator('#cfgScale').fill('6.5');
  await page.getByRole('radio', { name: 'Fixed' }).check();
  await page.getByLabel('Seed value').fill('4242');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await waitForImage(page, '[data-testid=result-image]');

  await page.getByRole('link', { name: 'History' }).click();
  await page.getByTestId('gallery-card').first().click();
  await waitForImage(page, '[data-testid=detail-image]');
  const dialog = page.getByRole('dialog');

  // Download: a PNG whose text chunk holds the parameters it was made with.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('link', { name: 'Download PNG' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^easel-[0-9a-f-]+-4242\.png$/);
  const png = await readFile(await download.path());
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const { comments, width, height } = await sharp(png).metadata();
  expect([width, height]).toEqual([64, 64]);
  const parameters = comments?.find((c) => c.keyword === 'parameters')?.text ?? '';
  expect(parameters).toContain(`${PROMPT}\nNegative prompt: green, blurry\n`);
  for (const field of ['Steps: 12', 'CFG scale: 6.5', 'Seed: 4242', 'Size: 64x64', 'Sampler: ', 'Model: ']) {
    expect(parameters).toContain(field);
  }

  // Copy seed: it lands on the system clipboard.
  await dialog.getByRole('button', { name: 'Copy seed 4242' }).click();
  await page.getByText('Seed 4242 copied.').first().waitFor();
  const clipboard = await page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  );
  expect(clipboard).toBe('4242');

  // Reuse settings: Generate, filled in as it was.
  await dialog.getByRole('button', { name: 'Reuse settings' }).click();
  await page.getByRole('heading', { name: 'Generate', exact: true }).waitFor();
  await expect.poll(() => page.getByLabel('Prompt', { exact: true }).inputValue()).toBe(PROMPT);
  expect(await page.getByLabel('Negative prompt').inputValue()).toBe('green, blurry');
  expect(await page.locator('#steps').inputValue()).toBe('12');
  expect(await page.locator('#cfgScale').inputValue()).toBe('6.5');
  expect(await page.getByLabel('Seed value').inputValue()).toBe('4242');
  await expect.poll(() => page.locator('#engine').textContent()).toContain(stack.engine);
  await expect
    .poll(() => page.getByTestId('cost').textContent())
    .toContain('Costs 1 credit (64×64, 1 image)');

  // Delete: gone from the gallery; the API keeps the record (and the charge) and says its images are gone.
  await page.getByRole('link', { name: 'History' }).click();
  await page.getByTestId('gallery-card').first().click();
  await waitForImage(page, '[data-testid=detail-image]');
  const { data } = await apiGet<{ data: GenerationJson[] }>(context, stack, 'generations?limit=1');
  const before = data[0];
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('button', { name: 'Yes, delete its pictures' }).click();
  await page.getByText('The generation was deleted.').first().waitFor();
  await page.getByText('Nothing yet.').waitFor();
  expect(await page.getByTestId('gallery-card').count()).toBe(0);
  const after = await apiGet<GenerationJson>(context, stack, `generations/${before.id}`);
  expect(after).toMatchObject({ status: 'succeeded', cost: 1, artifacts: [] });
  expect(after.imagesDeletedAt).toEqual(expect.any(String));
  // Opened by its address, it says so.
  await page.goto(`${url}/history/${before.id}`);
  await expect.poll(() => dialog.textContent()).toContain('Its pictures were deleted on');
  const gone = await context.request.get(new URL(before.artifacts[0].url, url).toString());
  expect(gone.status()).toBe(404);

  // The session lapses (cookie gone): the next page the app loads sends the visitor to sign in, and back.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await context.clearCookies();
  await page.getByRole('link', { name: 'Credits', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in to Easel' }).waitFor();
  expect(new URL(page.url()).searchParams.get('next')).toBe('/credits');
  await page.close();
  return errorsOf(page);
}
