// Runs the `easel` command as a process from its TypeScript sources (no build needed), as a shell user would.
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './client-stack.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `env` is the whole environment besides PATH (HOME, EASEL_CONFIG, EASEL_BASE_URL, …); stdin is closed after `stdin`. */
export function startCli(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(
    process.execPath,
    ['--conditions=@easel/source', '--import', './tools/db/register.mjs', 'libs/sdk/src/cli/bin.ts', ...args],
    { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin ?? '');
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}
