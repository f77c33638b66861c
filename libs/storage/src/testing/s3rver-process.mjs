// Runs s3rver as its own process on 127.0.0.1 and an OS-chosen port, storing under argv[2].
// Started with --openssl-legacy-provider: s3rver builds ListObjectsV2 continuation tokens with
// DES, which OpenSSL 3 only offers through its legacy provider.
import process from 'node:process';

import S3rver from 's3rver';

const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
