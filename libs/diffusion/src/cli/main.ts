import { parseArgs } from 'node:util';
import { DiffusionError } from '../pipeline/index.js';
import { writeTestModel } from '../test-model/index.js';
import { generateCommand, GENERATE_USAGE } from './generate-command.js';
import type { TextSink } from './progress-bar.js';

const USAGE = `usage:
${GENERATE_USAGE}
easel-diffuse make-test-model --out DIR [--inpainting] [--fp16] [--size tiny|bench|sd15] [--seed N]`;

/** The easel-diffuse command line; returns the exit code (0 ok, 1 failure, 2 bad usage or request). */
export async function runCli(
  argv: readonly string[],
  io: { stdout: TextSink; stderr: TextSink } = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'generate':
        await generateCommand(args, io.stdout, io.stderr);
        return 0;
      case 'make-test-model':
        await makeTestModelCommand(args, io.stdout);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        io.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    const usageError =
      err instanceof DiffusionError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.stderr.write(`easel-diffuse: ${err instanceof Error ? err.message : String(err)}\n`);
    return usageError ? 2 : 1;
  }
}

async function makeTestModelCommand(args: string[], stdout: TextSink): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      inpainting: { type: 'boolean' },
      fp16: { type: 'boolean' },
      size: { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  if (!values.out) throw new Error('make-test-model: --out DIR is required');
  const size = values.size ?? 'tiny';
  if (size !== 'tiny' && size !== 'bench' && size !== 'sd15')
    throw new Error(`make-test-model: --size must be tiny, bench or sd15, got "${size}"`);
  await writeTestModel(values.out, {
    inpainting: values.inpainting ?? false,
    halfPrecision: values.fp16 ?? false,
    size,
    seed: values.seed === undefined ? undefined : Number(values.seed),
  });
  const kind = [size, values.inpainting && 'inpainting', values.fp16 && 'fp16'].filter(Boolean).join(', ');
  stdout.write(`test model (${kind}) → ${values.out}\n`);
}
