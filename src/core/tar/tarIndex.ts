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
  const progress = throttledProgress(options.progress);
  const what = `indexing ${source.name}`;
  const size = source.size;
  const entries: TarEntry[] = [];
  let window: Buffer = Buffer.alloc(0);
  let windowStart = 0;
  let sinceCheck = 0;
  throwIfCancelled(options.signal, what);
  while (assembler.expect !== 'end') {
    const position = assembler.nextOffset;
    const needed = assembler.expect === 'header' ? BLOCK_SIZE : assembler.bodyLength;
    if (position + needed > size) {
      assembler.finish(size);
      break;
    }
    let buffer = window;
    let at = position - windowStart;
    if (at < 0 || at + needed > window.length) {
      throwIfCancelled(options.signal, what);
      progress({ message: `Indexing ${source.name}`, done: position, total: size });
      const windowEnd = windowStart + window.length;
      const readLength = Math.min(Math.max(needed, position - windowEnd <= READ_AHEAD ? READ_AHEAD : READ_AFTER_SEEK), size - position);
      buffer = await source.read(position, readLength);
      at = 0;
      if (needed <= READ_AHEAD) {
        window = buffer;
        windowStart = position;
      }
    }
    const entry = assembler.expect === 'header' ? assembler.header(buffer, at) : assembler.body(buffer, at);
    if (entry === undefined) continue;
    entries.push(entry);
    if (++sinceCheck === CHECK_EVERY) {
      sinceCheck = 0;
      throwIfCancelled(options.signal, what);
      progress({ message: `Indexing ${source.name}`, done: position, total: size });
    }
  }
  progress({ message: `Indexing ${source.name}`, done: size, total: size });
  return entries;
}
