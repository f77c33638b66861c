// The playground beyond the journey: an init image pasted and dropped, the mask editor's eraser, undo and clear
// (checked in the pixels the page sends), cancel mid-run with the refund, out of credits, interpolation.
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { WebStack } from './web-harness.js';
import {
  apiGet,
  balanceOf,
  errorsOf,
  newUser,
  openGenerate,
  signedInPage,
  SLOW,
  testPng,
  waitForImage,
  type GenerationJson,
} from './web-helpers.js';

const PROMPT = 'a large red circle on the left on a blue background';

/** Bodies of the generation requests the page sends (the SDK sends images as base64 JSON). */
async function captureGenerationRequests(page: Page): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  await page.route('**/api/dashboard/generations', async (route) => {
    const request = route.request();
    if (request.method() === 'POST')
      bodies.push(JSON.parse(request.postData() ?? '{}') as Record<string, unknown>);
    await route.continue();
  });
  return bodies;
}

/** Drops a PNG file on the image input, as a file dragged from the desktop. */
async function dropFile(page: Page, png: Buffer, name: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, name }) => {
      // Browser globals, typed by hand: this file is typed for Node.
      const g = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: File): void } };
      };
      const transfer = new g.DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
      return transfer;
    },
    { bytes: [...png], name },
  );
  await page.dispatchEvent('[data-testid=dropzone]', 'dragover', { dataTransfer });
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer });
}

export async function pasteAndDrop(stack: WebStack, context: BrowserContext): Promise<string[]> {
  const user = await newUser(stack, 200);
  const page = await signedInPage(stack, context, user);
  const bodies = await captureGenerationRequests(page);
  await openGenerate(page, stack);
  await page.getByRole('tab', { name: 'Image to image' }).click();

  // Paste: the system clipboard holds a PNG; Ctrl+V on the page (not in a field) takes it.
  const pasted = await testPng(64, 64, '#20a040');
  await page.evaluate(
    async (bytes) => {
      const g = globalThis as unknown as {
        ClipboardItem: new (items: Record<string, Blob>) => unknown;
        navigator: { clipboard: { write(items: unknown[]): Promise<void> } };
      };
      const blob = new Blob([new Uint8Array(bytes)], { type: 'image/png' });
      await g.navigator.clipboard.write([new g.ClipboardItem({ 'image/png': blob })]);
    },
    [...pasted],
  );
  await page.getByRole('heading', { name: 'Generate', exact: true }).click();
  await page.keyboard.press('Control+V');
  await expect.poll(() => page.locator('.image-input').textContent()).toMatch(/, 64×64/);
  await waitForImage(page, 'img.init-preview');

  // Drop: a file dragged onto the drop zone replaces it.
  const dropped = await testPng(64, 64, '#d0d020');
  await dropFile(page, dropped, 'dropped.png');
  await expect.poll(() => page.locator('.image-input').textContent()).toContain('dropped.png, 64×64');

  await page.getByLabel('Prompt', { exact: true }).fill(PROMPT);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await waitForImage(page, '[data-testid=result-image]');
  // The dropped file's own bytes went to the API as the init image.
  expect(bodies).toHaveLength(1);
  expect(bodies[0]).toMatchObject({ mode: 'image-to-image', initImage: dropped.toString('base64') });
  const list = await apiGet<{ data: GenerationJson[] }>(context, stack, 'generations?limit=1');
  expect(list.data[0]).toMatchObject({ mode: 'image-to-image', status: 'succeeded' });
  await page.close();
  return errorsOf(page);
}

/** Whether the mask canvas shows paint at these image pixels. */
async function paintedAt(page: Page, points: [number, number][]): Promise<boolean[]> {
  return page.evaluate((pts) => {
    type Canvas = {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      };
    };
    const doc = (globalThis as unknown as { document: { querySelector(s: string): Canvas } }).document;
    const canvas = doc.querySelector('[data-testid=mask-canvas]');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    return pts.map(([x, y]) => data[(y * canvas.width + x) * 4 + 3] > 0);
  }, points);
}

export async function maskEditing(stack: WebStack, context: BrowserContext): Promise<string[]> {
  const user = await newUser(stack, 200);
  const page = await signedInPage(stack, context, user);
  const bodies = await captureGenerationRequests(page);
  await openGenerate(page, stack);
  await page.getByRole('tab', { name: 'Inpainting' }).click();
  await dropFile(page, await testPng(), 'to-inpaint.png');
  const canvas = page.getByTestId('mask-canvas');
  await canvas.waitFor();
  // Mouse coordinates are the viewport's, and clicking a tool may scroll: measure the canvas before each use.
  const at = async (x: number, y: number): Promise<[number, number]> => {
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    return [box.x + ((x + 0.5) / 64) * box.width, box.y + ((y + 0.5) / 64) * box.height];
  };
  const stroke = async (from: [number, number], to: [number, number]): Promise<void> => {
    const [start, end] = [await at(...from), await at(...to)];
    await page.mouse.move(...start);
    await page.mouse.down();
    await page.mouse.move(...end, { steps: 10 });
    await page.mouse.up();
  };
  const dab = async (x: number, y: number): Promise<void> => {
    await page.mouse.move(...(await at(x, y)));
    await page.mouse.down();
    await page.mouse.up();
  };
  const coverage = page.getByTestId('mask-coverage');
  const centre: [number, number] = [32, 32];
  const line: [number, number][] = [
    [12, 32],
    [52, 32],
  ];
  const away: [number, number][] = [
    [32, 8],
    [32, 56],
  ];

  // A brush stroke across the middle, then Clear: nothing left.
  await stroke([10, 32], [54, 32]);
  await expect.poll(() => coverage.textContent()).toMatch(/\d+% of the image will be repainted/);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect.poll(() => coverage.textContent()).toBe('Nothing painted yet.');
  expect(await paintedAt(page, [centre, ...line])).toEqual([false, false, false]);

  // Paint again; the eraser clears the centre, undo brings it back, the eraser clears it again.
  await stroke([10, 32], [54, 32]);
  await expect
    .poll(() => paintedAt(page, [centre, ...line, ...away]))
    .toEqual([true, true, true, false, false]);
  await page.getByRole('radio', { name: 'Eraser' }).check();
  await dab(...centre);
  await expect.poll(() => paintedAt(page, [centre, ...line])).toEqual([false, true, true]);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => paintedAt(page, [centre])).toEqual([true]);
  await dab(...centre);
  await expect.poll(() => paintedAt(page, [centre, ...line])).toEqual([false, true, true]);

  await page
    .getByLabel('Prompt', { exact: true })
    .fill('a large yellow star in the center on a blue background');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await waitForImage(page, '[data-testid=result-image]');

  // The mask the API got: white where painted, black where erased or never painted.
  expect(bodies).toHaveLength(1);
  expect(bodies[0]).toMatchObject({ mode: 'inpaint', maskSource: 'MASK_IMAGE_WHITE' });
  const mask = await sharp(Buffer.from(bodies[0].mask as string, 'base64'))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  expect([mask.info.width, mask.info.height]).toEqual([64, 64]);
  const pixel = ([x, y]: [number, number]): number => mask.data[y * 64 + x];
  expect([centre, ...line, ...away].map(pixel)).toEqual([0, 255, 255, 0, 0]);
  const list = await apiGet<{ data: GenerationJson[] }>(context, stack, 'generations?limit=1');
  expect(list.data[0]).toMatchObject({ mode: 'inpaint', status: 'succeeded' });
  await page.close();
  return errorsOf(page);
}

/** The Interpolation tab with two prompts, `frames` frames of `steps` steps, once its quote shows the price. */
async function fillInterpolation(page: Page, frames: number, steps: number): Promise<void> {
  await page.getByRole('tab', { name: 'Interpolation' }).click();
  await page.getByLabel('Prompt', { exact: true }).fill(PROMPT);
  await page.getByLabel('Second prompt').fill('a large yellow star in the center on a blue background');
  await page.getByLabel('Frames').fill(String(frames));
  await page.locator('#steps').fill(String(steps));
  await expect
    .poll(() => page.getByTestId('cost').textContent())
    .toContain(`Costs ${frames} credits (64×64, ${frames} images)`);
}

export async function cancelMidRun(stack: WebStack, context: BrowserContext): Promise<string[]> {
  const user = await newUser(stack, 200);
  const page = await signedInPage(stack, context, user);
  await openGenerate(page, stack);
  // The longest run easel-tiny takes: 60 frames of 150 steps (60 credits), stopped at its first steps.
  await fillInterpolation(page, 60, 150);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect
    .poll(() => page.getByTestId('progress').textContent(), { timeout: SLOW })
    .toMatch(/Step \d+ of \d+/);
  await expect.poll(() => balanceOf(page)).toBe('140 credits');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect
    .poll(() => page.getByTestId('generation-status').textContent(), { timeout: SLOW })
    .toBe('Canceled. The 60 credits were refunded.');
  await expect.poll(() => balanceOf(page)).toBe('200 credits');
  const list = await apiGet<{ data: GenerationJson[] }>(context, stack, 'generations?limit=1');
  expect(list.data[0]).toMatchObject({ mode: 'interpolate', status: 'canceled', cost: 60, artifacts: [] });
  expect(await apiGet(context, stack, 'balance')).toEqual({ credits: 200 });
  await page.close();
  return errorsOf(page);
}

export async function outOfCredits(stack: WebStack, context: BrowserContext): Promise<string[]> {
  const user = await newUser(stack, 0);
  const page = await signedInPage(stack, context, user);
  await openGenerate(page, stack);
  await expect.poll(() => balanceOf(page)).toBe('0 credits');
  await page.getByLabel('Prompt', { exact: true }).fill(PROMPT);
  await expect.poll(() => page.getByTestId('cost').textContent()).toContain('Costs 1 credit');
  // Warned before sending, and the API's 402 reads as a sentence with the way out.
  await page.getByText('That costs more than your balance.').waitFor();
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const result = page.locator('section.result');
  await expect
    .poll(() => result.getByRole('alert').textContent())
    .toBe('You are out of credits for this generation. Buy credits to keep going.');
  await result.getByRole('link', { name: 'Buy credits' }).click();
  await page.getByRole('heading', { name: 'Buy credits' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/credits');
  expect(await apiGet<{ data: unknown[] }>(context, stack, 'generations?limit=1')).toMatchObject({
    data: [],
  });
  await page.close();
  return errorsOf(page);
}

export async function interpolation(stack: WebStack, context: BrowserContext): Promise<string[]> {
  const user = await newUser(stack, 200);
  const page = await signedInPage(stack, context, user);
  await openGenerate(page, stack);
  await fillInterpolation(page, 4, 8);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await waitForImage(page, 'img[alt^="Animation:"]');
  await expect.poll(() => balanceOf(page)).toBe('196 credits');
  const list = await apiGet<{ data: GenerationJson[] }>(context, stack, 'generations?limit=1');
  expect(list.data[0]).toMatchObject({ mode: 'interpolate', status: 'succeeded', cost: 4 });
  expect(list.data[0].animation).not.toBeNull();
  expect(list.data[0].artifacts).toHaveLength(4);
  await page.close();
  return errorsOf(page);
}
