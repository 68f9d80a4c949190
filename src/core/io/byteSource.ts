import { createReadStream, promises as fs } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { ImageError } from '../errors';

/**
 * Random access to bytes: a file, a slice of a file (a tar entry), or a buffer. Sources index an
 * archive once and then answer every blob read with a positioned read, never a rescan.
 */
export interface ByteSource {
  /** Shown in errors: the file path, or "archive.tar: blobs/sha256/ab12…". */
  readonly name: string;
  readonly size: number;
  /** Reads exactly `length` bytes at `offset`; fewer bytes available is a `truncated` error. */
  read(offset: number, length: number): Promise<Buffer>;
  /** Streams `[start, end)`. */
  stream(start?: number, end?: number): Readable;
}

function checkRange(source: ByteSource, start: number, end: number): void {
  if (start < 0 || end < start || end > source.size) {
    throw new ImageError('truncated', `range ${start}-${end} is outside the ${source.size} bytes available`, { subject: source.name });
  }
}

export class FileByteSource implements ByteSource {
  private constructor(
    readonly name: string,
    readonly size: number,
    private readonly handle: fs.FileHandle,
  ) {}

  static async open(path: string): Promise<FileByteSource> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (error) {
      throw new ImageError('not-found', `cannot open: ${(error as Error).message}`, { source: path, cause: error });
    }
    const stats = await handle.stat();
    return new FileByteSource(path, stats.size, handle);
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, offset + length);
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) throw new ImageError('truncated', `file ended at ${offset + filled} while reading ${length} bytes at ${offset}`, { source: this.name });
      filled += bytesRead;
    }
    return buffer;
  }

  stream(start = 0, end = this.size): Readable {
    checkRange(this, start, end);
    if (end === start) return Readable.from([]);
    // A separate descriptor per stream: concurrent reads never share a file position.
    const file = createReadStream(this.name, { start, end: end - 1, highWaterMark: 1024 * 1024 });
    // A read stream just ends early when the file has shrunk since it was indexed: say so instead.
    let received = 0;
    const checked = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(null, chunk);
      },
      flush: (done) => done(received === end - start ? null : new ImageError('truncated', `file ended at ${start + received} while reading bytes ${start}-${end}`, { source: this.name })),
    });
    file.on('error', (error) => checked.destroy(error));
    checked.on('close', () => file.destroy());
    return file.pipe(checked);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** A window `[offset, offset + size)` of another byte source, such as one tar entry's data. */
export class SliceByteSource implements ByteSource {
  constructor(
    readonly name: string,
    private readonly parent: ByteSource,
    private readonly offset: number,
    readonly size: number,
  ) {}

  read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, offset + length);
    return this.parent.read(this.offset + offset, length);
  }

  stream(start = 0, end = this.size): Readable {
    checkRange(this, start, end);
    return this.parent.stream(this.offset + start, this.offset + end);
  }
}

export class BufferByteSource implements ByteSource {
  constructor(
    readonly name: string,
    private readonly buffer: Buffer,
  ) {}

  get size(): number {
    return this.buffer.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, offset + length);
    return this.buffer.subarray(offset, offset + length);
  }

  stream(start = 0, end = this.size): Readable {
    checkRange(this, start, end);
    return Readable.from([this.buffer.subarray(start, end)]);
  }
}

/**
 * `length` bytes of a file at `offset` (the whole file when `length` is left out) in one positioned
 * read where it can: fs.readFile reads 512 KiB at a time, ~30 round trips through the thread pool
 * for a 14 MB layer index.
 */
export async function readFileBytes(path: string, offset = 0, length?: number): Promise<Buffer> {
  const file = await FileByteSource.open(path);
  try {
    return await file.read(offset, length ?? file.size - offset);
  } finally {
    await file.close();
  }
}
