// Entry point of the `easel` command (bin/easel.js runs the compiled copy of this file).
import process from 'node:process';
import { run } from './main.js';

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: stop waiting for the cancel
  controller.abort(new Error('interrupted'));
});
process.exitCode = await run(process.argv.slice(2), process, controller.signal);
