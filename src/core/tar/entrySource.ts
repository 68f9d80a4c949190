/**
 * The bytes of one entry as a ByteSource over the archive: a slice for ordinary files, and for
 * GNU sparse files the logical file, its holes read as zeros (GNU tar manual, "Storing Sparse
 * Files": the stored data is the map's regions, packed, in order).
 */
import { Readable } from 'node:stream';
import { SliceByteSource, type ByteSource } from '../io/byteSource';
import { ImageError } from '../errors';
import type { SparseRegion } from './sparse';
import type { TarEntry } from './tarEntry';

/** Reads `entry`'s content from `archive` (the uncompressed tar the entry was indexed in). */
export function entryByteSource(archive: ByteSource, entry: TarEntry, name = `${archive.name}: ${entry.path}`): ByteSource {
  if (entry.sparse === undefined) return new SliceByteSource(name, archive, entry.dataOffset, entry.size);
  return new SparseEntrySource(name, new SliceByteSource(name, archive, entry.dataOffset, entry.sparse.storedSize), entry.sparse.map, entry.size);
}

/** A region of the logical file and where its bytes are stored. */
interface Placed {
  offset: number;
  length: number;
  stored: number;
}

const HOLE_CHUNK = 1024 * 1024;

export class SparseEntrySource implements ByteSource {
  private readonly regions: Placed[];

  constructor(
    readonly name: string,
    private readonly stored: ByteSource,
    map: SparseRegion[],
    readonly size: number,
  ) {
    let packed = 0;
    this.regions = map.map((region) => {
      const placed = { offset: region.offset, length: region.length, stored: packed };
      packed += region.length;
      return placed;
    });
  }

  async read(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new ImageError('truncated', `range ${offset}-${offset + length} is outside the ${this.size} bytes available`, { subject: this.name });
    }
    const result = Buffer.alloc(length);
    for (const region of this.regions) {
      const from = Math.max(region.offset, offset);
      const to = Math.min(region.offset + region.length, offset + length);
      if (from >= to) continue;
      const bytes = await this.stored.read(region.stored + (from - region.offset), to - from);
      bytes.copy(result, from - offset);
    }
    return result;
  }

  stream(start = 0, end = this.size): Readable {
    return Readable.from(this.chunks(start, end), { objectMode: false });
  }

  private async *chunks(start: number, end: number): AsyncGenerator<Buffer> {
    for (let at = start; at < end; at += HOLE_CHUNK) yield await this.read(at, Math.min(HOLE_CHUNK, end - at));
  }
}
