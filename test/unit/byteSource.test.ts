import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { FileByteSource } from '../../src/core/io/byteSource';
import { isImageError } from '../../src/core/errors';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('FileByteSource streams', () => {
  let directory: string;
  let file: string;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'cie-bytes-'));
    file = path.join(directory, 'data.bin');
    writeFileSync(file, Buffer.from(Array.from({ length: 100 }, (_, index) => index)));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('streams exactly the range asked for', async () => {
    const source = await FileByteSource.open(file);
    try {
      assert.deepEqual([...(await readAll(source.stream(10, 20)))], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    } finally {
      await source.close();
    }
  });

  // Found by the integration test that truncates an open archive: the stream ended early, silently.
  it('fails with truncated, naming the file, when the file shrank after it was opened', async () => {
    const source = await FileByteSource.open(file);
    try {
      truncateSync(file, 40);
      await assert.rejects(readAll(source.stream(10, 90)), (error: unknown) => {
        assert.ok(isImageError(error, 'truncated'), String(error));
        assert.match(error.message, /data\.bin: file ended at 40 while reading bytes 10-90/);
        return true;
      });
    } finally {
      await source.close();
    }
  });
});
