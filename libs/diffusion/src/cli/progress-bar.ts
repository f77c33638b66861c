import type { ProgressEvent } from '../pipeline/index.js';

export interface TextSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** A one-line progress bar: redrawn in place on a terminal, one line per 10% otherwise (logs stay short). */
export function progressBar(out: TextSink, width = 30): { update(e: ProgressEvent): void; done(): void } {
  let lastDecile = -1;
  let drawn = false;
  return {
    update(e) {
      const fraction = e.totalSteps === 0 ? 1 : e.step / e.totalSteps;
      const filled = Math.round(fraction * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.step}/${e.totalSteps} ${(e.elapsedMs / 1000).toFixed(1)}s`;
      if (out.isTTY) {
        out.write(`\r${line}`);
        drawn = true;
      } else if (Math.floor(fraction * 10) > lastDecile) {
        lastDecile = Math.floor(fraction * 10);
        out.write(`${line}\n`);
      }
    },
    done() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}
