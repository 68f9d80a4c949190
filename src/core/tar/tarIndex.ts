/**
 * Indexes a seekable tar: walks header to header with positioned reads and never reads entry
 * data, so listing a multi-GB layer costs one read per header run, not a scan of its bytes.
 */
import { throttledProgress, throwIfCancelled, type OperationOptions } from '../cancellation';
import type { ByteSource } from '../io/byteSource';
import { BLOCK_SIZE } from './header';
import { resolveTarLimits, TarEntryAssembler, type TarLimits } from './entryAssembler';
import type { TarEntry } from './tarEntry';

export interface IndexTarOptions extends OperationOptions, TarLimits {}

/** Headers of small entries are read this many bytes at a time (one read serves ~60 small files). */
const READ_AHEAD = 64 * 1024;
/** After seeking past a large entry the next header is likely alone: read less. */
const READ_AFTER_SEEK = 16 * 1024;
/** Cancellation and progress are checked this often (entries), besides at every read. */
const CHECK_EVERY = 4096;

/**
 * Lists every entry of the tar in `source` with the offset and size of its data. Throws a
 * TarFormatError (an ImageError: 'corrupt', 'truncated' or 'too-large', naming the offset) for
 * damaged archives, and ImageError 'cancelled' when `options.signal` aborts.
 */
export async function indexTar(source: ByteSource, options: IndexTarOptions = {}): Promise<TarEntry[]> {
  const assembler = new TarEntryAssembler(resolveTarLimits(options), source.name);
  const reader = new ReadAhead(source);
  const progress = throttledProgress(options.progress);
  const what = `indexing ${source.name}`;
  const message = `Indexing ${source.name}`;
  const size = source.size;
  const entries: TarEntry[] = [];
  let sinceCheck = 0;
  throwIfCancelled(options.signal, what);
  while (assembler.expect !== 'end') {
    const position = assembler.nextOffset;
    const needed = assembler.expect === 'header' ? BLOCK_SIZE : assembler.bodyLength;
    if (position + needed > size) {
      assembler.finish(size);
      break;
    }
    if (!reader.holds(position, needed)) {
      throwIfCancelled(options.signal, what);
      progress({ message, done: position, total: size });
      await reader.fill(position, needed);
    }
    const at = position - reader.start;
    const entry = assembler.expect === 'header' ? assembler.header(reader.buffer, at) : assembler.body(reader.buffer, at);
    if (entry === undefined) continue;
    entries.push(entry);
    if (++sinceCheck === CHECK_EVERY) {
      sinceCheck = 0;
      throwIfCancelled(options.signal, what);
      progress({ message, done: position, total: size });
    }
  }
  progress({ message, done: size, total: size });
  return entries;
}

/**
 * The bytes around the walk's position. While entries are small the walk is sequential, so the
 * next window is read while this one is parsed; after a seek past a large entry a smaller read
 * fetches the next header, and nothing is read ahead.
 */
class ReadAhead {
  buffer: Buffer = Buffer.alloc(0);
  /** Offset of `buffer[0]` in the source. */
  start = 0;
  private next: { start: number; read: Promise<Buffer> } | undefined;

  constructor(private readonly source: ByteSource) {}

  holds(position: number, length: number): boolean {
    const at = position - this.start;
    return at >= 0 && at + length <= this.buffer.length;
  }

  /** Makes `buffer` hold `[position, position + length)`. */
  async fill(position: number, length: number): Promise<void> {
    const next = this.next;
    this.next = undefined;
    if (next !== undefined && position >= next.start) {
      const buffer = await next.read;
      if (position + length <= next.start + buffer.length) {
        this.buffer = buffer;
        this.start = next.start;
        this.readAhead();
        return;
      }
    }
    const sequential = position - (this.start + this.buffer.length) <= READ_AHEAD;
    const readLength = Math.min(Math.max(length, sequential ? READ_AHEAD : READ_AFTER_SEEK), this.source.size - position);
    this.buffer = await this.source.read(position, readLength);
    this.start = position;
    if (sequential) this.readAhead();
  }

  private readAhead(): void {
    const start = this.start + this.buffer.length;
    const length = Math.min(READ_AHEAD, this.source.size - start);
    if (length <= 0) return;
    const read = this.source.read(start, length);
    read.catch(() => undefined); // an error surfaces if and when the walk needs these bytes
    this.next = { start, read };
  }
}
