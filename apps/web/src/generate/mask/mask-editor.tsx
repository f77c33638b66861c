import { useEffect, useMemo, useRef, useState, type PointerEvent, type ReactNode } from 'react';
import { maskToPng } from './mask-png';
import { maskCoverage, maskToOverlay, rasterizeMask, type MaskTool, type Stroke } from './mask-strokes';

interface Props {
  /** Object URL of the image being masked (a new image gets a new editor: key it by this). */
  src: string;
  width: number;
  height: number;
  /** The mask PNG after every change; null while nothing is painted. */
  onChange: (mask: Blob | null) => void;
}

const OVERLAY: [number, number, number] = [255, 64, 129];

/** Paint over the image where it should change: brush, eraser, brush size, undo, clear. */
export function MaskEditor({ src, width, height, onChange }: Props): ReactNode {
  const canvas = useRef<HTMLCanvasElement>(null);
  /** The stroke being drawn: drawn straight to the canvas, committed to state when the pointer lifts. */
  const current = useRef<Stroke | null>(null);
  const maxBrush = Math.max(8, Math.round(Math.min(width, height) / 3));
  const [tool, setTool] = useState<MaskTool>('brush');
  const [size, setSize] = useState(() => Math.max(2, Math.round(maxBrush / 3)));
  const [strokes, setStrokes] = useState<Stroke[]>([]);
  const mask = useMemo(() => rasterizeMask(strokes, width, height), [strokes, width, height]);
  const coverage = maskCoverage(mask);

  const paint = (pixels: Uint8ClampedArray): void => {
    canvas.current
      ?.getContext('2d')
      ?.putImageData(new ImageData(maskToOverlay(pixels, OVERLAY), width, height), 0, 0);
  };

  // After each committed change: redraw and report the PNG.
  useEffect(() => {
    paint(mask);
    if (maskCoverage(mask) === 0) {
      onChange(null);
      return;
    }
    let live = true;
    void maskToPng(mask, width, height).then((png) => live && onChange(png));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per committed mask, not per parent render
  }, [mask]);

  const toImage = (event: PointerEvent<HTMLCanvasElement>): { x: number; y: number } => {
    const rect = event.currentTarget.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) / rect.width) * width,
      y: ((event.clientY - rect.top) / rect.height) * height,
    };
  };
  const drawLive = (): void => {
    if (current.current) paint(rasterizeMask([...strokes, current.current], width, height));
  };
  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>): void => {
    event.currentTarget.setPointerCapture(event.pointerId);
    current.current = { tool, size, points: [toImage(event)] };
    drawLive();
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>): void => {
    if (!current.current) return;
    current.current.points.push(toImage(event));
    drawLive();
  };
  const onPointerUp = (): void => {
    const stroke = current.current;
    if (!stroke) return;
    current.current = null;
    setStrokes((list) => [...list, stroke]);
  };
  // Keyboard users (and "repaint everything") need no pointer: one stroke that covers the whole image.
  const fillAll = (): void =>
    setStrokes((list) => [
      ...list,
      { tool: 'brush', size: Math.hypot(width, height) * 2, points: [{ x: width / 2, y: height / 2 }] },
    ]);

  return (
    <div className="mask-editor">
      <div className="mask-stage" style={{ aspectRatio: `${width} / ${height}` }}>
        <img src={src} alt="Image to inpaint" draggable={false} />
        <canvas
          ref={canvas}
          width={width}
          height={height}
          data-testid="mask-canvas"
          aria-label="Mask: paint over the parts of the image to repaint"
          className={tool === 'eraser' ? 'erasing' : undefined}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
        />
      </div>
      <div className="mask-tools" role="toolbar" aria-label="Mask tools">
        <div className="segmented" role="radiogroup" aria-label="Tool">
          {(['brush', 'eraser'] as const).map((t) => (
            <label key={t} className={tool === t ? 'selected' : undefined}>
              <input
                type="radio"
                name="mask-tool"
                value={t}
                checked={tool === t}
                onChange={() => setTool(t)}
              />
              {t === 'brush' ? 'Brush' : 'Eraser'}
            </label>
          ))}
        </div>
        <label className="inline">
          Brush size
          <input
            type="range"
            min={1}
            max={maxBrush}
            value={size}
            onChange={(e) => setSize(Number(e.target.value))}
          />
          <output>{size}px</output>
        </label>
        <button
          type="button"
          className="secondary"
          disabled={strokes.length === 0}
          onClick={() => setStrokes((list) => list.slice(0, -1))}
        >
          Undo
        </button>
        <button
          type="button"
          className="secondary"
          disabled={strokes.length === 0}
          onClick={() => setStrokes([])}
        >
          Clear
        </button>
        <button type="button" className="secondary" onClick={fillAll}>
          Mask everything
        </button>
      </div>
      <p className="hint" aria-live="polite" data-testid="mask-coverage">
        {coverage === 0
          ? 'Nothing painted yet.'
          : `${Math.round(coverage * 100)}% of the image will be repainted.`}
      </p>
    </div>
  );
}
