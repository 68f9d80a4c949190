// Baseline for listing a gzip layer: zlib-inflate the whole blob to nowhere.
// Usage: node dist/bench/baselines/inflate.js LAYER.gz
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

async function main(path: string): Promise<void> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), createGunzip({ chunkSize: 1 << 18 }), sink);
  process.stdout.write(`${bytes} bytes inflated\n`);
}

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: inflate LAYER.gz\n');
  process.exit(2);
}
main(path).catch((error: unknown) => {
  process.stderr.write(`inflate: ${(error as Error).message}\n`);
  process.exit(1);
});
