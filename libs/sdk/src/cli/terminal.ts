// Output for people and scripts: tables, JSON, a progress bar, and secret prompts.
import { createInterface } from 'node:readline';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
}

/** A usage mistake: exit code 2 with the message and a pointer to --help. */
export class UsageError extends Error {}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function printTable(io: Io, header: string[], rows: Array<Array<string | number>>): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  for (const row of cells) {
    const line = row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
    io.stdout.write(`${line.trimEnd()}\n`);
  }
}

/** A one-line bar on stderr: redrawn in place on a terminal, one line per 10% otherwise (logs stay short). */
export function progressBar(out: Io['stderr'], width = 30) {
  let lastDecile = -1;
  let drawn = false;
  const started = Date.now();
  return {
    update(step: number, total: number, label = ''): void {
      const fraction = total === 0 ? 1 : Math.min(1, step / total);
      const filled = Math.round(fraction * width);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${step}/${total} ${seconds}s${label}`;
      if (out.isTTY) {
        out.write(`\r${line}\x1b[K`);
        drawn = true;
      } else if (Math.floor(fraction * 10) > lastDecile) {
        lastDecile = Math.floor(fraction * 10);
        out.write(`${line}\n`);
      }
    },
    /** A status line (queued, started) in place of the bar. */
    status(text: string): void {
      if (out.isTTY) {
        out.write(`\r${text}\x1b[K`);
        drawn = true;
      } else out.write(`${text}\n`);
    },
    done(): void {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}

/** All of stdin as text (for --key-stdin, --password-stdin, `echo $KEY | easel login`). */
export async function readAll(stdin: Io['stdin']): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text;
}

/** Asks on the terminal; with `secret`, what is typed is not echoed. */
export async function ask(io: Io, question: string, secret = false): Promise<string> {
  if (!io.stdin.isTTY)
    throw new UsageError(`${question.replace(/:\s*$/, '')} needed, and stdin is not a terminal`);
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  // For a secret, readline's own output is silenced once the question is on screen, so keys are not echoed.
  let muted = false;
  const output = rl as unknown as { _writeToOutput: (text: string) => void };
  const write = output._writeToOutput.bind(rl);
  if (secret) output._writeToOutput = (text) => (muted ? undefined : write(text));
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('close', () => reject(new UsageError('cancelled')));
      // Raw mode turns Ctrl-C into a key: hand it to the process's handler (exit 130), then stop asking.
      rl.once('SIGINT', () => {
        process.emit('SIGINT', 'SIGINT');
        rl.close();
      });
      rl.question(question, (answer) => resolve(answer.trim()));
      muted = secret;
    });
  } finally {
    if (secret) io.stderr.write('\n');
    rl.removeAllListeners('close');
    rl.close();
  }
}
