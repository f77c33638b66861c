// The inpainting mask as data: strokes (brush paints, eraser clears) in image pixels, rasterised to one byte
// per pixel. No DOM here, so it is unit-tested in Node; mask-painter.ts draws it and encodes the PNG.

export type MaskTool = 'brush' | 'eraser';

export interface Point {
  x: number;
  y: number;
}

export interface Stroke {
  tool: MaskTool;
  /** Diameter in image pixels. */
  size: number;
  points: Point[];
}

/** 255 where the image is to be repainted, 0 where it is kept; row-major, width × height. */
export function rasterizeMask(strokes: readonly Stroke[], width: number, height: number): Uint8ClampedArray {
  const mask = new Uint8ClampedArray(width * height);
  for (const stroke of strokes) {
    const value = stroke.tool === 'brush' ? 255 : 0;
    const radius = Math.max(0.5, stroke.size / 2);
    const points = stroke.points;
    if (points.length === 1) stamp(mask, width, height, points[0], radius, value);
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      // Discs close enough together that the segment is covered without gaps.
      const steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / Math.max(0.5, radius / 2)));
      for (let s = 0; s <= steps; s++) {
        const t = s / steps;
        stamp(mask, width, height, { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }, radius, value);
      }
    }
  }
  return mask;
}

function stamp(
  mask: Uint8ClampedArray,
  width: number,
  height: number,
  centre: Point,
  radius: number,
  value: number,
): void {
  const x0 = Math.max(0, Math.floor(centre.x - radius));
  const x1 = Math.min(width - 1, Math.ceil(centre.x + radius));
  const y0 = Math.max(0, Math.floor(centre.y - radius));
  const y1 = Math.min(height - 1, Math.ceil(centre.y + radius));
  const r2 = radius * radius;
  for (let y = y0; y <= y1; y++) {
    // Pixel centres: pixel (x, y) covers [x, x+1) × [y, y+1).
    const dy = y + 0.5 - centre.y;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - centre.x;
      if (dx * dx + dy * dy <= r2) mask[y * width + x] = value;
    }
  }
}

/** The mask as RGBA pixels the API reads with maskSource MASK_IMAGE_WHITE: white repaints, black keeps. */
export function maskToRgba(mask: Uint8ClampedArray): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(mask.length * 4);
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i];
    rgba[i * 4] = v;
    rgba[i * 4 + 1] = v;
    rgba[i * 4 + 2] = v;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** The mask as a translucent overlay for painting over the image. */
export function maskToOverlay(
  mask: Uint8ClampedArray,
  rgb: [number, number, number],
): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(mask.length * 4);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    rgba[i * 4] = rgb[0];
    rgba[i * 4 + 1] = rgb[1];
    rgba[i * 4 + 2] = rgb[2];
    rgba[i * 4 + 3] = 150;
  }
  return rgba;
}

/** Share of pixels to repaint, 0..1. */
export function maskCoverage(mask: Uint8ClampedArray): number {
  let painted = 0;
  for (const v of mask) if (v !== 0) painted++;
  return mask.length === 0 ? 0 : painted / mask.length;
}
