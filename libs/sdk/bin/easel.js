#!/usr/bin/env node
// The easel command: runs the compiled CLI in dist/ (`npm ci` builds it; otherwise `npm run build`).
// A committed shim, so npm links the command at install time even before the first build.
import process from 'node:process';

try {
  await import('../dist/cli/bin.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/bin.js')) {
    process.stderr.write('easel: @easel/sdk is not built yet; run `npm run build` first\n');
    process.exitCode = 1;
  } else {
    throw err;
  }
}
