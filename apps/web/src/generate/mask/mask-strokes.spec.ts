import { describe, expect, it } from 'vitest';
import { maskCoverage, maskToRgba, rasterizeMask, type Stroke } from './mask-strokes';

const at = (mask: Uint8ClampedArray, width: number, x: number, y: number): number => mask[y * width + x];

describe('rasterizeMask', () => {
  it('paints a disc of the brush size around a single click, nothing else', () => {
    const mask = rasterizeMask([{ tool: 'brush', size: 4, points: [{ x: 8, y: 8 }] }], 16, 16);
    expect(at(mask, 16, 8, 8)).toBe(255);
    expect(at(mask, 16, 7, 7)).toBe(255);
    expect(at(mask, 16, 0, 0)).toBe(0);
    expect(at(mask, 16, 12, 8)).toBe(0);
    // A 4 px disc covers about π·2² ≈ 12.6 pixels.
    expect(maskCoverage(mask) * 256).toBeGreaterThanOrEqual(10);
    expect(maskCoverage(mask) * 256).toBeLessThanOrEqual(16);
  });

  it('covers a dragged line without gaps, even between far-apart pointer samples', () => {
    const stroke: Stroke = {
      tool: 'brush',
      size: 2,
      points: [
        { x: 1, y: 10.5 },
        { x: 30, y: 10.5 },
      ],
    };
    const mask = rasterizeMask([stroke], 32, 32);
    for (let x = 1; x < 30; x++) expect(at(mask, 32, x, 10)).toBe(255);
    expect(at(mask, 32, 15, 20)).toBe(0);
  });

  it('clips strokes that leave the image', () => {
    const mask = rasterizeMask([{ tool: 'brush', size: 10, points: [{ x: -2, y: -2 }] }], 8, 8);
    expect(at(mask, 8, 0, 0)).toBe(255);
    expect(mask.length).toBe(64);
  });

  it('lets the eraser clear what the brush painted, in stroke order', () => {
    const strokes: Stroke[] = [
      { tool: 'brush', size: 16, points: [{ x: 8, y: 8 }] },
      { tool: 'eraser', size: 4, points: [{ x: 8, y: 8 }] },
    ];
    const mask = rasterizeMask(strokes, 16, 16);
    expect(at(mask, 16, 8, 8)).toBe(0);
    expect(at(mask, 16, 2, 8)).toBe(255);
  });
});

describe('maskToRgba', () => {
  it('writes white for repaint and opaque black for keep', () => {
    const rgba = maskToRgba(new Uint8ClampedArray([255, 0]));
    expect(Array.from(rgba)).toEqual([255, 255, 255, 255, 0, 0, 0, 255]);
  });
});
