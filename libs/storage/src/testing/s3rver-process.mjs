// Runs s3rver as its own process on 127.0.0.1 and an OS-chosen port, storing under argv[2].
// Started with --openssl-legacy-provider: s3rver builds ListObjectsV2 continuation tokens with
// DES, which OpenSSL 3 only offers through its legacy provider.
import process from 'node:process';

import S3rver from 's3rver';

const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.on('SIGTERM', stop);
// The parent holds our stdin open; if it dies without stopping us, stdin ends and we go too.
process.stdin.on('end', stop);
process.stdin.resume();
