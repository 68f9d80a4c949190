/**
 * GNU sparse file maps (GNU tar manual, "Storing Sparse Files"; Go archive/tar sparse handling):
 * - old GNU ('S' typeflag): (offset, numbytes) pairs in the header and in extension blocks;
 * - PAX 0.0/0.1: GNU.sparse.offset/numbytes records or a GNU.sparse.map "o,n,o,n" record;
 * - PAX 1.0: the map is text at the start of the entry's data, "count\n" then "o\nn\n" pairs,
 *   padded to a block; the file's stored data begins after it.
 */
import { BLOCK_SIZE, parseNumericField } from './header';
import type { TarEntry } from './tarEntry';
import { TarFormatError } from './tarErrors';

export type SparseRegion = NonNullable<TarEntry['sparse']>['map'][number];

const PAIR_SIZE = 24;
const OFFSET_FIELD = { offset: 0, length: 12 } as const;
const LENGTH_FIELD = { offset: 12, length: 12 } as const;

/**
 * Reads up to `count` old-GNU pairs starting at `buffer[start]` into `regions`. A pair whose
 * offset field starts with NUL ends the list (GNU tar and Go stop there too).
 */
export function readGnuSparsePairs(buffer: Buffer, start: number, count: number, regions: SparseRegion[], position: number): void {
  for (let index = 0; index < count; index++) {
    const at = start + index * PAIR_SIZE;
    if (buffer[at] === 0) return;
    regions.push({
      offset: parseNumericField(buffer, at, OFFSET_FIELD, 'sparse offset', position),
      length: parseNumericField(buffer, at, LENGTH_FIELD, 'sparse numbytes', position),
    });
  }
}

/** The GNU.sparse.map record of formats 0.0 (joined by the PAX parser) and 0.1. */
export function parseSparseMapRecord(value: string, position: number): SparseRegion[] {
  if (value === '') return [];
  const parts = value.split(',');
  if (parts.length % 2 !== 0) throw badMap(position, `GNU.sparse.map has an odd number of values (${parts.length})`);
  const regions: SparseRegion[] = [];
  for (let index = 0; index < parts.length; index += 2) {
    regions.push({ offset: decimal(parts[index], position), length: decimal(parts[index + 1], position) });
  }
  return regions;
}

function decimal(text: string, position: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw badMap(position, `"${text}" is not a decimal number`);
  return value;
}

/** Reads the PAX 1.0 map one data block at a time. */
export class SparseMap10Reader {
  readonly regions: SparseRegion[] = [];
  /** Bytes of map consumed so far (whole blocks). */
  bytes = 0;
  private count = -1;
  private pending: number | undefined;
  private value = 0;
  private digits = 0;

  /** Feeds the block at `buffer[at]` (archive offset `position`); true once the map is complete. */
  feed(buffer: Buffer, at: number, position: number): boolean {
    this.bytes += BLOCK_SIZE;
    for (let index = 0; index < BLOCK_SIZE; index++) {
      const byte = buffer[at + index];
      if (byte >= 0x30 && byte <= 0x39) {
        this.value = this.value * 10 + (byte - 0x30);
        this.digits++;
        if (this.value > Number.MAX_SAFE_INTEGER) throw badMap(position + index, 'a number in the sparse map is too large');
        continue;
      }
      if (byte !== 0x0a || this.digits === 0) throw badMap(position + index, 'the sparse map (format 1.0) holds something other than decimal numbers on their own lines');
      if (this.number(this.value)) return true;
      this.value = 0;
      this.digits = 0;
    }
    return false;
  }

  private number(value: number): boolean {
    if (this.count === -1) this.count = value;
    else if (this.pending === undefined) this.pending = value;
    else {
      this.regions.push({ offset: this.pending, length: value });
      this.pending = undefined;
    }
    return this.regions.length === this.count && this.pending === undefined;
  }
}

/** Regions must be in order, not overlap and lie within the file (Go validateSparseEntries). */
export function validateSparseMap(regions: SparseRegion[], realSize: number, position: number): void {
  let previousEnd = 0;
  for (const region of regions) {
    if (region.offset < 0 || region.length < 0) throw badMap(position, `the region at ${region.offset} (${region.length} bytes) is negative`);
    const end = region.offset + region.length;
    if (end > realSize) throw badMap(position, `the region at ${region.offset} (${region.length} bytes) lies beyond the file's size of ${realSize}`);
    if (region.offset < previousEnd) throw badMap(position, `the region at ${region.offset} overlaps or comes before the previous one`);
    previousEnd = end;
  }
}

function badMap(position: number, problem: string): TarFormatError {
  return new TarFormatError('bad-sparse', `sparse file at offset ${position}: ${problem}`, position);
}
