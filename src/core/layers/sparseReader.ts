/**
 * The logical content of a sparse tar entry (GNU or PAX sparse formats): its stored data holds
 * only the regions of the map, back to back; holes read as zeros (GNU tar, Go archive/tar).
 */
import type { TarEntry } from '../tar/tarEntry';

type StoredReader = (storedStart: number, storedEnd: number) => AsyncIterable<Buffer>;

const ZERO_CHUNK = 64 * 1024;

/** Yields the logical bytes `[start, end)` of a sparse entry, reading stored data through `readStored`. */
export async function* readSparse(entry: TarEntry, start: number, end: number, readStored: StoredReader): AsyncGenerator<Buffer> {
  const map = entry.sparse?.map ?? [];
  let storedOffset = 0;
  let position = start;
  for (const region of map) {
    const regionEnd = region.offset + region.length;
    if (regionEnd <= position) {
      storedOffset += region.length;
      continue;
    }
    if (region.offset >= end) break;
    yield* zeros(position, Math.min(region.offset, end));
    position = Math.max(position, region.offset);
    const takeEnd = Math.min(regionEnd, end);
    const from = storedOffset + (position - region.offset);
    yield* readStored(from, from + (takeEnd - position));
    position = takeEnd;
    storedOffset += region.length;
  }
  yield* zeros(position, end);
}

function* zeros(from: number, to: number): Generator<Buffer> {
  for (let position = from; position < to; position += ZERO_CHUNK) yield Buffer.alloc(Math.min(ZERO_CHUNK, to - position));
}
