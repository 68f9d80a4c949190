/**
 * Pure decoding of one 512-byte tar header block (POSIX.1-2017 pax "ustar Interchange Format",
 * GNU tar manual "Basic Tar Format", Go archive/tar format.go/strconv.go). Every function reads
 * a block in place (`buffer`, `at`) so a streaming parser can decode straight out of a chunk, and
 * takes the block's archive `position` only to name it in errors.
 *
 * The tar reader, layer by layer: header.ts (one block), pax.ts (PAX records), sparse.ts (GNU
 * sparse maps), entryAssembler.ts (headers + extensions -> TarEntry, end and truncation rules),
 * then two drivers over it: tarIndex.ts (positioned reads) and tarStreamParser.ts (pushed chunks).
 */
import { isUtf8 } from 'node:buffer';
import type { TarEntryType } from './tarEntry';
import { TarFormatError } from './tarErrors';

export const BLOCK_SIZE = 512;

/** Bytes after `size` bytes of data up to the next 512-byte boundary. */
export function paddingOf(size: number): number {
  const rest = size % BLOCK_SIZE;
  return rest === 0 ? 0 : BLOCK_SIZE - rest;
}

interface Field {
  readonly offset: number;
  readonly length: number;
}

/** The header layout: ustar fields, and where GNU (oldgnu) and star put theirs instead. */
export const HEADER_FIELDS = {
  name: { offset: 0, length: 100 },
  mode: { offset: 100, length: 8 },
  uid: { offset: 108, length: 8 },
  gid: { offset: 116, length: 8 },
  size: { offset: 124, length: 12 },
  mtime: { offset: 136, length: 12 },
  checksum: { offset: 148, length: 8 },
  typeflag: { offset: 156, length: 1 },
  linkname: { offset: 157, length: 100 },
  magic: { offset: 257, length: 6 },
  version: { offset: 263, length: 2 },
  uname: { offset: 265, length: 32 },
  gname: { offset: 297, length: 32 },
  devmajor: { offset: 329, length: 8 },
  devminor: { offset: 337, length: 8 },
  prefix: { offset: 345, length: 155 },
  /** star keeps atime/ctime at 476/488, so its prefix is shorter; "tar\0" at 508 marks it. */
  starPrefix: { offset: 345, length: 131 },
  starTrailer: { offset: 508, length: 4 },
  /** Old GNU sparse: four (offset, numbytes) pairs of 12 bytes, a continuation flag, the real size. */
  gnuSparse: { offset: 386, length: 96 },
  gnuIsExtended: { offset: 482, length: 1 },
  gnuRealSize: { offset: 483, length: 12 },
} as const satisfies Record<string, Field>;

/** A GNU sparse extension block holds 21 pairs, then its own continuation flag at byte 504. */
export const GNU_SPARSE_EXTENSION = { entries: 21, isExtendedAt: 504 } as const;

export type HeaderFormat = 'v7' | 'ustar' | 'gnu' | 'star';

/** What a header is: an entry of the archive, or a record that changes the next entry. */
export type HeaderRole = 'entry' | 'pax-local' | 'pax-global' | 'gnu-long-name' | 'gnu-long-link' | 'volume-label';

export interface TypeflagInfo {
  role: HeaderRole;
  /** The entry type (meaningful when role is 'entry'). */
  type: TarEntryType;
  /** Data blocks follow the header (POSIX: none for types 1-6; Go archive/tar isHeaderOnlyType). */
  hasData: boolean;
  /** Old GNU sparse file ('S'): the header carries a sparse map. */
  gnuSparse: boolean;
}

function info(role: HeaderRole, type: TarEntryType, hasData: boolean, gnuSparse = false): TypeflagInfo {
  return { role, type, hasData, gnuSparse };
}

const REGULAR = info('entry', 'file', true);

/**
 * Typeflag byte -> meaning. POSIX: "an unrecognized typeflag shall be treated as a regular file",
 * so every byte not listed here maps to REGULAR (GNU tar: "extracted as normal file").
 */
export const TYPEFLAGS: readonly TypeflagInfo[] = (() => {
  const table: TypeflagInfo[] = new Array<TypeflagInfo>(256).fill(REGULAR);
  const set = (flag: string, value: TypeflagInfo) => (table[flag.charCodeAt(0)] = value);
  set('\0', REGULAR); // pre-POSIX "AREGTYPE"
  set('0', REGULAR);
  set('1', info('entry', 'hardlink', false));
  set('2', info('entry', 'symlink', false));
  set('3', info('entry', 'character-device', false));
  set('4', info('entry', 'block-device', false));
  set('5', info('entry', 'directory', false));
  set('6', info('entry', 'fifo', false));
  set('7', info('entry', 'contiguous', true));
  set('x', info('pax-local', 'unknown', true));
  set('g', info('pax-global', 'unknown', true));
  // Solaris and early star wrote 'X' for what POSIX later called 'x'; GNU tar reads both alike.
  set('X', info('pax-local', 'unknown', true));
  set('L', info('gnu-long-name', 'unknown', true));
  set('K', info('gnu-long-link', 'unknown', true));
  set('S', info('entry', 'file', true, true));
  // GNU incremental dump: a directory whose data lists its contents.
  set('D', info('entry', 'directory', true));
  set('V', info('volume-label', 'unknown', true));
  // GNU multi-volume continuation and obsolete long-names records: data we cannot interpret.
  set('M', info('entry', 'unknown', true));
  set('N', info('entry', 'unknown', true));
  return table;
})();

/** The typeflag byte of the header at `at`. */
export function typeflagAt(buffer: Buffer, at: number): number {
  return buffer[at + HEADER_FIELDS.typeflag.offset];
}

/**
 * Checks the block is a header: returns false for an all-zero block (half of the end-of-archive
 * marker), true when the checksum adds up, and throws otherwise. POSIX sums the bytes as unsigned
 * with the checksum field taken as spaces; old Sun tar summed signed chars, which GNU tar and Go
 * both still accept, and so do we.
 */
export function checkHeaderBlock(buffer: Buffer, at: number, position: number, view?: WordView): boolean {
  const checksumStart = at + HEADER_FIELDS.checksum.offset;
  const unsigned = unsignedChecksum(buffer, at, view);
  const stored = parseChecksumField(buffer, checksumStart);
  if (stored === unsigned) return true;
  if (isZeroBlock(buffer, at)) return false;
  if (stored === signedChecksum(buffer, at)) return true;
  if (position === 0) {
    throw new TarFormatError('not-a-tar', `not a tar archive: the first 512-byte block at offset 0 is not a tar header (its checksum field says ${describeChecksum(stored)}, the bytes add up to ${unsigned})`, 0);
  }
  throw new TarFormatError('bad-checksum', `tar header at offset ${position} has a bad checksum (field says ${describeChecksum(stored)}, the bytes add up to ${unsigned}): the archive is damaged or the previous entry's size is wrong`, position);
}

/**
 * A 32-bit view of the memory under the chunks being parsed (headers sit on 4-byte boundaries in
 * practice). Each parser owns one, so no buffer outlives the parse that used it.
 */
export class WordView {
  private of: ArrayBufferLike | undefined;
  private view: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  over(memory: ArrayBufferLike): Uint32Array<ArrayBufferLike> {
    if (this.of !== memory) {
      this.of = memory;
      this.view = new Uint32Array(memory, 0, memory.byteLength >>> 2);
    }
    return this.view;
  }
}

/**
 * The POSIX (unsigned) checksum. This runs once per entry over 512 bytes, the hottest loop of a
 * listing, so aligned blocks are summed four bytes at a time: masking a word with 0x00ff00ff
 * keeps two bytes in separate 16-bit lanes, and 128 words cannot overflow a lane (128 * 510).
 */
export function unsignedChecksum(buffer: Buffer, at: number, view: WordView = new WordView()): number {
  const checksumStart = at + HEADER_FIELDS.checksum.offset;
  const checksumEnd = checksumStart + HEADER_FIELDS.checksum.length;
  let sum = 8 * 0x20;
  const byteOffset = buffer.byteOffset + at;
  if ((byteOffset & 3) === 0) {
    const words = view.over(buffer.buffer);
    let lanes = 0;
    for (let index = byteOffset >>> 2, end = index + BLOCK_SIZE / 4; index < end; index++) {
      const word = words[index];
      lanes += (word & 0x00ff00ff) + ((word >>> 8) & 0x00ff00ff);
    }
    sum += (lanes & 0xffff) + Math.floor(lanes / 0x10000);
    for (let index = checksumStart; index < checksumEnd; index++) sum -= buffer[index];
    return sum;
  }
  for (let index = at; index < checksumStart; index++) sum += buffer[index];
  for (let index = checksumEnd, end = at + BLOCK_SIZE; index < end; index++) sum += buffer[index];
  return sum;
}

function describeChecksum(stored: number): string {
  return Number.isNaN(stored) ? 'something that is not an octal number' : String(stored);
}

function signedChecksum(buffer: Buffer, at: number): number {
  const checksumStart = at + HEADER_FIELDS.checksum.offset;
  const checksumEnd = checksumStart + HEADER_FIELDS.checksum.length;
  let signed = 8 * 0x20;
  for (let index = at, end = at + BLOCK_SIZE; index < end; index++) {
    if (index >= checksumStart && index < checksumEnd) continue;
    const byte = buffer[index];
    signed += byte < 0x80 ? byte : byte - 0x100;
  }
  return signed;
}

/** The checksum field: up to 7 octal digits ended by NUL or space; NaN when it is not that. */
function parseChecksumField(buffer: Buffer, start: number): number {
  const end = start + HEADER_FIELDS.checksum.length;
  let index = start;
  while (index < end && buffer[index] === 0x20) index++;
  let value = 0;
  let digits = 0;
  for (; index < end; index++, digits++) {
    const byte = buffer[index];
    if (byte < 0x30 || byte > 0x37) break;
    value = value * 8 + (byte - 0x30);
  }
  if (digits === 0 || (index < end && buffer[index] !== 0 && buffer[index] !== 0x20)) return Number.NaN;
  return value;
}

export function isZeroBlock(buffer: Buffer, at: number): boolean {
  for (let index = at, end = at + BLOCK_SIZE; index < end; index++) if (buffer[index] !== 0) return false;
  return true;
}

/**
 * A numeric field: octal digits (leading spaces or NULs allowed, ended by NUL, space or the field's
 * end: GNU tar from_header), or GNU base-256 when the first byte has its top bit set (0x80
 * positive, 0xff negative two's complement; Go archive/tar parseNumeric).
 */
export function parseNumericField(buffer: Buffer, at: number, field: Field, fieldName: string, position: number): number {
  const start = at + field.offset;
  const end = start + field.length;
  const first = buffer[start];
  if (first & 0x80) return parseBase256(buffer, start, end, fieldName, position);
  let index = start;
  while (index < end && (buffer[index] === 0x20 || buffer[index] === 0)) index++;
  let value = 0;
  for (; index < end; index++) {
    const byte = buffer[index];
    if (byte < 0x30 || byte > 0x37) break;
    value = value * 8 + (byte - 0x30);
  }
  if (index < end && buffer[index] !== 0 && buffer[index] !== 0x20) {
    throw new TarFormatError('bad-number', `tar header at offset ${position}: the ${fieldName} field ${quoteBytes(buffer, start, end)} is not an octal number`, position);
  }
  return value;
}

function parseBase256(buffer: Buffer, start: number, end: number, fieldName: string, position: number): number {
  // -a-1 == ~a: invert a negative number's bytes and read it as unsigned (Go archive/tar).
  const invert = buffer[start] & 0x40 ? 0xff : 0;
  let value = 0;
  for (let index = start; index < end; index++) {
    let byte = buffer[index] ^ invert;
    if (index === start) byte &= 0x7f;
    value = value * 256 + byte;
    if (value > Number.MAX_SAFE_INTEGER) {
      throw new TarFormatError('bad-number', `tar header at offset ${position}: the base-256 ${fieldName} field does not fit in 53 bits`, position);
    }
  }
  return invert ? -value - 1 : value;
}

function quoteBytes(buffer: Buffer, start: number, end: number): string {
  return JSON.stringify(buffer.toString('latin1', start, end));
}

/**
 * A NUL-terminated string field (POSIX: "a null-terminated character string unless all bytes are
 * used"). Names are bytes in tar; we read them as UTF-8 when they are valid UTF-8 and as Latin-1
 * otherwise, so no byte is ever lost (GNU tar and Go keep the raw bytes too).
 */
export function decodeStringField(buffer: Buffer, start: number, maxLength: number): string {
  const limit = start + maxLength;
  let end = start;
  let high = 0;
  for (; end < limit; end++) {
    const byte = buffer[end];
    if (byte === 0) break;
    high |= byte;
  }
  if (end === start) return '';
  return high < 0x80 ? buffer.toString('latin1', start, end) : decodeBytes(buffer, start, end);
}

/** Bytes to a string: UTF-8 when valid, else Latin-1 (one char per byte, reversible). */
export function decodeBytes(buffer: Buffer, start: number, end: number): string {
  const slice = buffer.subarray(start, end);
  return isUtf8(slice) ? slice.toString('utf8') : slice.toString('latin1');
}

/** The format a header was written in, from its magic (GNU tar list.c decode_header; Go getFormat). */
export function headerFormat(buffer: Buffer, at: number): HeaderFormat {
  const magic = at + HEADER_FIELDS.magic.offset;
  // "ustar\0" (POSIX; the version field is not checked, as GNU tar does not)
  if (buffer[magic] === 0x75 && buffer[magic + 1] === 0x73 && buffer[magic + 2] === 0x74 && buffer[magic + 3] === 0x61 && buffer[magic + 4] === 0x72) {
    if (buffer[magic + 5] === 0) {
      const trailer = at + HEADER_FIELDS.starTrailer.offset;
      return buffer[trailer] === 0x74 && buffer[trailer + 1] === 0x61 && buffer[trailer + 2] === 0x72 && buffer[trailer + 3] === 0 ? 'star' : 'ustar';
    }
    // "ustar  \0": the old GNU magic + version
    if (buffer[magic + 5] === 0x20 && buffer[magic + 6] === 0x20 && buffer[magic + 7] === 0) return 'gnu';
  }
  return 'v7';
}

/** Everything an entry header says, before PAX records or GNU long names are applied. */
export interface RawHeader {
  typeflag: number;
  info: TypeflagInfo;
  format: HeaderFormat;
  /** ustar prefix and name joined with '/'. */
  name: string;
  linkname: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  /** Absent in v7 headers. */
  uname: string | undefined;
  gname: string | undefined;
  /** Only decoded for device entries. */
  devmajor: number | undefined;
  devminor: number | undefined;
}

/** Decodes the size field; negative sizes (possible in base-256) are refused. */
export function decodeSize(buffer: Buffer, at: number, position: number): number {
  const size = parseNumericField(buffer, at, HEADER_FIELDS.size, 'size', position);
  if (size < 0) throw new TarFormatError('negative-size', `tar header at offset ${position} has a negative size (${size})`, position);
  return size;
}

/** Decodes an entry header; the caller has checked the block with checkHeaderBlock. */
export function decodeEntryHeader(buffer: Buffer, at: number, position: number): RawHeader {
  const typeflag = typeflagAt(buffer, at);
  const typeInfo = TYPEFLAGS[typeflag];
  const format = headerFormat(buffer, at);
  let name = decodeStringField(buffer, at, HEADER_FIELDS.name.length);
  if ((format === 'ustar' || format === 'star') && buffer[at + HEADER_FIELDS.prefix.offset] !== 0) {
    const prefixLength = format === 'star' ? HEADER_FIELDS.starPrefix.length : HEADER_FIELDS.prefix.length;
    name = `${decodeStringField(buffer, at + HEADER_FIELDS.prefix.offset, prefixLength)}/${name}`;
  }
  const isDevice = typeInfo.type === 'character-device' || typeInfo.type === 'block-device';
  const hasOwners = format !== 'v7';
  return {
    typeflag,
    info: typeInfo,
    format,
    name,
    linkname: buffer[at + HEADER_FIELDS.linkname.offset] === 0 ? '' : decodeStringField(buffer, at + HEADER_FIELDS.linkname.offset, HEADER_FIELDS.linkname.length),
    mode: parseNumericField(buffer, at, HEADER_FIELDS.mode, 'mode', position),
    uid: parseNumericField(buffer, at, HEADER_FIELDS.uid, 'uid', position),
    gid: parseNumericField(buffer, at, HEADER_FIELDS.gid, 'gid', position),
    size: decodeSize(buffer, at, position),
    mtime: parseNumericField(buffer, at, HEADER_FIELDS.mtime, 'mtime', position),
    uname: hasOwners ? decodeStringField(buffer, at + HEADER_FIELDS.uname.offset, HEADER_FIELDS.uname.length) : undefined,
    gname: hasOwners ? decodeStringField(buffer, at + HEADER_FIELDS.gname.offset, HEADER_FIELDS.gname.length) : undefined,
    devmajor: isDevice && hasOwners ? parseNumericField(buffer, at, HEADER_FIELDS.devmajor, 'devmajor', position) : undefined,
    devminor: isDevice && hasOwners ? parseNumericField(buffer, at, HEADER_FIELDS.devminor, 'devminor', position) : undefined,
  };
}
