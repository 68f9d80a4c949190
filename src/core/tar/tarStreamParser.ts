/**
 * A push parser for tar streams that cannot seek (decompressed gzip/zstd layers). Headers are
 * decoded in place inside the pushed chunks; only a header or extension body that straddles two
 * chunks is copied. Entry data is passed over without being touched unless the handler asks to
 * see it. Same TarEntryAssembler as indexTar, so both give identical entries.
 */
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { throttledProgress, type OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import { BLOCK_SIZE } from './header';
import { resolveTarLimits, TarEntryAssembler, type TarLimits } from './entryAssembler';
import type { TarEntry } from './tarEntry';
import { TarFormatError } from './tarErrors';

export interface TarStreamHandlers {
  /** Called once per entry, in archive order. Return 'capture' to receive its data via onData. */
  onEntry(entry: TarEntry): void | 'capture';
  /**
   * Data of a captured entry, in order, as views into the pushed chunks (copy to keep them past
   * the producer's reuse). For sparse entries this is the stored (packed) data.
   */
  onData?(entry: TarEntry, chunk: Buffer): void;
  /** The archive ended cleanly. */
  onEnd?(): void;
}

export interface TarStreamOptions extends TarLimits {
  /** Named in errors, e.g. "image.tar: blobs/sha256/ab12…". */
  name?: string;
}

export class TarStreamParser {
  private readonly assembler: TarEntryAssembler;
  /** Stream offset of the first byte of the chunk being pushed (after push: bytes seen). */
  private base = 0;
  /** Bytes to pass over before the next header or body: entry data and padding. */
  private skip = 0;
  /** Of `skip`, the leading bytes that are data of the captured entry. */
  private captureLeft = 0;
  private captured: TarEntry | undefined;
  /** A header or body split across chunks, gathered here. */
  private partial: Buffer = Buffer.allocUnsafe(BLOCK_SIZE);
  private partialLength = 0;
  private failure: unknown;
  private ended = false;

  constructor(
    private readonly handlers: TarStreamHandlers,
    options: TarStreamOptions = {},
  ) {
    this.assembler = new TarEntryAssembler(resolveTarLimits(options), options.name);
  }

  /** Bytes pushed so far (offsets in the uncompressed tar stream). */
  get bytesSeen(): number {
    return this.base;
  }

  push(chunk: Buffer): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) throw new Error('TarStreamParser: push() after end()');
    try {
      this.consume(chunk);
    } catch (error) {
      this.failure = error;
      throw error;
    }
    this.base += chunk.length;
  }

  /** The input is complete: throws if it stopped inside a header, body or entry data. */
  end(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) return;
    this.ended = true;
    try {
      this.assembler.finish(this.base);
    } catch (error) {
      this.failure = error;
      throw error;
    }
    this.handlers.onEnd?.();
  }

  private consume(chunk: Buffer): void {
    const assembler = this.assembler;
    const length = chunk.length;
    let position = 0;
    while (position < length) {
      if (this.skip > 0) {
        const count = Math.min(this.skip, length - position);
        if (this.captureLeft > 0) {
          const data = Math.min(this.captureLeft, count);
          this.captureLeft -= data;
          this.handlers.onData?.(this.captured as TarEntry, chunk.subarray(position, position + data));
        }
        this.skip -= count;
        position += count;
        continue;
      }
      const expect = assembler.expect;
      if (expect === 'end') return; // bytes after the end marker (record padding) are ignored
      const needed = expect === 'header' ? BLOCK_SIZE : assembler.bodyLength;
      let entry: TarEntry | undefined;
      if (this.partialLength === 0 && length - position >= needed) {
        entry = expect === 'header' ? assembler.header(chunk, position) : assembler.body(chunk, position);
        position += needed;
      } else {
        if (this.partialLength === 0 && this.partial.length < needed) this.partial = Buffer.allocUnsafe(needed);
        const count = Math.min(needed - this.partialLength, length - position);
        chunk.copy(this.partial, this.partialLength, position, position + count);
        this.partialLength += count;
        position += count;
        if (this.partialLength < needed) return;
        this.partialLength = 0;
        entry = expect === 'header' ? assembler.header(this.partial, 0) : assembler.body(this.partial, 0);
        if (this.partial.length > BLOCK_SIZE) this.partial = Buffer.allocUnsafe(BLOCK_SIZE);
      }
      this.skip = assembler.nextOffset - (this.base + position);
      if (entry !== undefined && this.handlers.onEntry(entry) === 'capture' && this.handlers.onData !== undefined && assembler.dataLength > 0) {
        this.captured = entry;
        this.captureLeft = assembler.dataLength;
      }
    }
  }
}

export interface ParseTarStreamOptions extends OperationOptions, TarStreamOptions {}

/**
 * Parses a Node Readable (a decompressor's output, say) with backpressure: the next chunk is
 * read only after the handlers are done with this one. Rejects with a TarFormatError for tar
 * problems, ImageError 'cancelled' when `options.signal` aborts, and the stream's own error,
 * untouched, when the readable fails (so a caller can tell a gzip error from a tar one).
 */
export async function parseTarStream(readable: Readable, handlers: TarStreamHandlers, options: ParseTarStreamOptions = {}): Promise<void> {
  const parser = new TarStreamParser(handlers, options);
  const progress = throttledProgress(options.progress);
  const message = options.name === undefined ? 'Reading tar stream' : `Reading ${options.name}`;
  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer | string, _encoding, callback) {
      try {
        parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
        progress({ message, done: parser.bytesSeen });
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    final(callback) {
      try {
        parser.end();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  try {
    // pipeline destroys `readable` on abort too, also when the signal is already aborted.
    await pipeline(readable, sink, { signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw cancelled(options.name, error);
    if (error instanceof TarFormatError) throw error.withContext(options.name);
    throw error;
  }
}

function cancelled(name: string | undefined, cause: unknown): ImageError {
  return new ImageError('cancelled', 'reading the tar stream was cancelled', { source: name, cause });
}
