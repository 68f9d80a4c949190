import { createReadStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { createDecompressor } from '../compression/decompress';
import type { Compression } from '../compression/detect';
import { ImageError } from '../errors';
import type { ByteSource } from './byteSource';
import { RangeTransform } from './rangeTransform';

/**
 * A window of the decompressed bytes of a compressed file (an entry of `docker save | gzip`).
 * Reading decodes from the start of the file up to the window: there are no seek points in a
 * plain gzip or zstd stream. Small entries are kept in memory by the indexer instead.
 */
export class DecompressedSliceSource implements ByteSource {
  constructor(
    readonly name: string,
    private readonly file: string,
    private readonly compression: Compression,
    private readonly offset: number,
    readonly size: number,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream(offset, offset + length)) chunks.push(chunk as Buffer);
    const result = Buffer.concat(chunks);
    if (result.length !== length) throw new ImageError('truncated', `expected ${length} bytes, the compressed archive gave ${result.length}`, { subject: this.name });
    return result;
  }

  stream(start = 0, end = this.size): Readable {
    if (start < 0 || end > this.size || start > end) {
      throw new ImageError('truncated', `range ${start}-${end} is outside the ${this.size} bytes available`, { subject: this.name });
    }
    const output = new PassThrough();
    const file = createReadStream(this.file, { highWaterMark: 1 << 20 });
    const decoder = createDecompressor(this.compression, this.file);
    let stopped = false;
    const stop = () => {
      stopped = true;
      file.destroy();
      decoder.destroy();
    };
    const range = new RangeTransform(this.offset + start, this.offset + end, stop);
    const fail = (error: Error) => {
      // Stopping the decoder once the range is complete makes it report an abort: not a failure.
      if (stopped) return;
      stop();
      output.destroy(new ImageError('corrupt', `cannot decompress ${this.compression} archive: ${error.message}`, { subject: this.name, cause: error }));
    };
    file.on('error', fail);
    decoder.on('error', fail);
    range.on('error', fail);
    output.on('close', stop);
    file.pipe(decoder).pipe(range).pipe(output);
    return output;
  }
}
