/**
 * Turns the header blocks and extension bodies of a tar stream into TarEntry values. It does no
 * I/O: a driver (tarIndex.ts over positioned reads, tarStreamParser.ts over pushed chunks) feeds
 * it what `expect` asks for, at `nextOffset`, and passes over the bytes in between (entry data).
 *
 * Semantics follow POSIX pax and GNU tar, with Go archive/tar where they leave room:
 * - 'x' records apply to the next entry; 'g' records to all later ones (per keyword, an empty
 *   value deletes it), except path, linkpath and size, which cannot mean anything for every
 *   file (node-tar ignores them in global headers too).
 * - GNU 'L'/'K' bodies name the next entry / its link target; PAX path/linkpath win over them
 *   (GNU tar decodes PAX records after the long names).
 * - Types 1-6 carry no data whatever their size field says (POSIX ustar; Go isHeaderOnlyType).
 * - End of archive: two zero blocks. One zero block then EOF, or EOF on a header boundary, is
 *   accepted, as are missing padding bytes after the last entry's data (Go TestReadTruncation);
 *   a zero block followed by a header is corrupt (Go: ErrHeader).
 */
import { BLOCK_SIZE, checkHeaderBlock, decodeEntryHeader, decodeSize, decodeStringField, GNU_SPARSE_EXTENSION, HEADER_FIELDS, paddingOf, parseNumericField, typeflagAt, TYPEFLAGS, WordView, type RawHeader } from './header';
import { GNU_SPARSE_KEYS, PAX_KEYS, parsePaxRecords, paxInteger, paxTime } from './pax';
import { parseSparseMapRecord, readGnuSparsePairs, SparseMap10Reader, validateSparseMap, type SparseRegion } from './sparse';
import type { TarEntry } from './tarEntry';
import { TarFormatError } from './tarErrors';

/** Named caps for untrusted tar streams (after containers/image iolimits). */
export interface TarLimits {
  /** Most entries one archive may hold. */
  maxEntries?: number;
  /** Largest total of PAX records, GNU long names and sparse maps for one entry, in bytes. */
  maxExtensionHeaderBytes?: number;
}

export const DEFAULT_TAR_LIMITS: Required<TarLimits> = {
  maxEntries: 2_000_000,
  maxExtensionHeaderBytes: 1024 * 1024,
};

export function resolveTarLimits(limits: TarLimits = {}): Required<TarLimits> {
  return {
    maxEntries: limits.maxEntries ?? DEFAULT_TAR_LIMITS.maxEntries,
    maxExtensionHeaderBytes: limits.maxExtensionHeaderBytes ?? DEFAULT_TAR_LIMITS.maxExtensionHeaderBytes,
  };
}

/** What the next bytes at `nextOffset` are: a 512-byte header, `bodyLength` bytes of body, or nothing. */
export type Expect = 'header' | 'body' | 'end';

type BodyKind = 'pax-local' | 'pax-global' | 'gnu-long-name' | 'gnu-long-link' | 'gnu-sparse-block' | 'sparse-map';

const BODY_NAMES: Record<BodyKind, string> = {
  'pax-local': 'PAX extended header',
  'pax-global': 'PAX global header',
  'gnu-long-name': 'GNU long name',
  'gnu-long-link': 'GNU long link name',
  'gnu-sparse-block': 'GNU sparse map block',
  'sparse-map': 'GNU sparse map (format 1.0)',
};

/** An entry waiting for its sparse map (old GNU extension blocks, or PAX 1.0 map in its data). */
interface PendingSparse {
  entry: TarEntry;
  regions: SparseRegion[];
  /** Stored bytes (header or PAX size) including, for 1.0, the map itself. */
  storedSize: number;
  reader?: SparseMap10Reader;
}

export class TarEntryAssembler {
  expect: Expect = 'header';
  /** Archive offset of the next header or body the driver must feed. */
  nextOffset = 0;
  /** Length of the body `body()` expects next. */
  bodyLength = 0;
  /** Stored data bytes of the entry just returned (for sparse files: the packed data). */
  dataLength = 0;
  entryCount = 0;

  private bodyKind: BodyKind = 'pax-local';
  private bodyHeaderOffset = 0;
  private zeroBlockAt = -1;
  /** Offset of the first extension header of the entry being assembled, or -1. */
  private extensionStart = -1;
  private extensionBytes = 0;
  private local: Map<string, string> | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  private global: Map<string, string> | undefined;
  private sparse: PendingSparse | undefined;
  private lastEntry: TarEntry | undefined;
  private lastDataEnd = 0;
  private lastHeaderOffset = 0;
  private readonly names = new Map<string, string>();
  private readonly words = new WordView();

  constructor(
    private readonly limits: Required<TarLimits> = DEFAULT_TAR_LIMITS,
    /** Named in errors: the archive path or layer. */
    private readonly sourceName?: string,
  ) {}

  /** Feeds the header block `buffer[at, at + 512)`; returns an entry when one is complete. */
  header(buffer: Buffer, at: number): TarEntry | undefined {
    const position = this.nextOffset;
    this.nextOffset = position + BLOCK_SIZE;
    try {
      if (!checkHeaderBlock(buffer, at, position, this.words)) {
        if (this.zeroBlockAt >= 0) this.expect = 'end';
        else this.zeroBlockAt = position;
        return undefined;
      }
      if (this.zeroBlockAt >= 0) {
        throw new TarFormatError('lone-zero-block', `a zero block at offset ${this.zeroBlockAt} is followed by a header at offset ${position}; an archive ends with two zero blocks`, position);
      }
      const typeInfo = TYPEFLAGS[typeflagAt(buffer, at)];
      if (typeInfo.role === 'entry') return this.entryHeader(decodeEntryHeader(buffer, at, position), buffer, at, position);
      const size = decodeSize(buffer, at, position);
      if (typeInfo.role === 'volume-label') {
        // A GNU volume label names the archive, not a member (GNU tar extracts nothing for it).
        this.skipData(undefined, size);
        return undefined;
      }
      if (typeInfo.role !== 'pax-global' && this.extensionStart < 0) this.extensionStart = position;
      this.startBody(typeInfo.role, size, position);
      return undefined;
    } catch (error) {
      throw this.withContext(error);
    }
  }

  /** Feeds the `bodyLength` bytes of body at `buffer[at]`; returns an entry when one is complete. */
  body(buffer: Buffer, at: number): TarEntry | undefined {
    const position = this.nextOffset;
    const length = this.bodyLength;
    this.nextOffset = position + length + paddingOf(length);
    this.expect = 'header';
    try {
      return this.applyBody(buffer, at, at + length, position);
    } catch (error) {
      throw this.withContext(error);
    }
  }

  /** The stream ended at `endOffset`: throws if that cuts a header, a body or entry data. */
  finish(endOffset: number): void {
    if (this.expect === 'end') return;
    const last = this.lastEntry;
    if (endOffset < this.lastDataEnd) {
      const owner = last === undefined ? 'the GNU volume label' : 'this entry';
      throw new TarFormatError('truncated', `the archive ends at offset ${endOffset}, inside the data of ${owner} (header at offset ${this.lastHeaderOffset}), which runs to offset ${this.lastDataEnd}: ${this.lastDataEnd - endOffset} bytes are missing`, endOffset, { source: this.sourceName, subject: last?.path });
    }
    if (this.expect === 'body') {
      const what = BODY_NAMES[this.bodyKind];
      const subject = this.sparse?.entry.path;
      throw new TarFormatError('truncated', `the archive ends at offset ${endOffset}, inside the ${what} of the header at offset ${this.bodyHeaderOffset}, which needs ${this.bodyLength} bytes from offset ${this.nextOffset}`, endOffset, { source: this.sourceName, subject });
    }
    if (endOffset > this.nextOffset) {
      throw new TarFormatError('truncated', `the archive ends at offset ${endOffset}, inside the header block at offset ${this.nextOffset} (${endOffset - this.nextOffset} of 512 bytes present)`, endOffset, { source: this.sourceName });
    }
  }

  private startBody(kind: BodyKind, size: number, position: number): void {
    this.extensionBytes += size;
    const cap = this.limits.maxExtensionHeaderBytes;
    if (size > cap || (kind !== 'pax-global' && this.extensionBytes > cap)) {
      throw new TarFormatError('too-large', `the ${BODY_NAMES[kind]} at offset ${position} brings this entry's extension headers to ${this.extensionBytes} bytes, more than the cap of ${cap} (maxExtensionHeaderBytes)`, position);
    }
    if (kind === 'pax-global') this.extensionBytes -= size;
    this.bodyKind = kind;
    this.bodyHeaderOffset = position;
    if (size === 0) {
      // An empty body still counts: an empty 'L' names the entry "", an empty 'x' changes nothing.
      this.applyBody(Buffer.alloc(0), 0, 0, this.nextOffset);
      return;
    }
    this.bodyLength = size;
    this.expect = 'body';
  }

  private applyBody(buffer: Buffer, start: number, end: number, position: number): TarEntry | undefined {
    switch (this.bodyKind) {
      case 'pax-local':
        this.local = mergeRecords(this.local, parsePaxRecords(buffer, start, end, position));
        return undefined;
      case 'pax-global':
        this.global = mergeGlobal(this.global, parsePaxRecords(buffer, start, end, position));
        this.checkGlobalSize(this.bodyHeaderOffset);
        return undefined;
      case 'gnu-long-name':
        // A C string: GNU and BSD tar cut it at the first NUL (Go gnu-long-nul.tar).
        this.longName = decodeStringField(buffer, start, end - start);
        return undefined;
      case 'gnu-long-link':
        this.longLink = decodeStringField(buffer, start, end - start);
        return undefined;
      case 'gnu-sparse-block':
        return this.gnuSparseBlock(buffer, start, position);
      case 'sparse-map':
        return this.sparseMapBlock(buffer, start, position);
    }
  }

  /** Global records accumulate for the whole archive: the cap bounds what they can hold. */
  private checkGlobalSize(position: number): void {
    let bytes = 0;
    for (const [key, value] of this.global ?? []) bytes += key.length + value.length;
    const cap = this.limits.maxExtensionHeaderBytes;
    if (bytes > cap) throw new TarFormatError('too-large', `the PAX global headers up to the one at offset ${position} hold ${bytes} bytes of records, more than the cap of ${cap} (maxExtensionHeaderBytes)`, position);
  }

  private entryHeader(raw: RawHeader, buffer: Buffer, at: number, position: number): TarEntry | undefined {
    const entry = this.buildEntry(raw, position);
    if (raw.info.gnuSparse) {
      // star has an 'S' type too, with another layout; like Go, only the GNU one is read.
      if (raw.format !== 'gnu') throw new TarFormatError('bad-sparse', `sparse file at offset ${position}: typeflag 'S' in a ${raw.format} header; only GNU tar's old sparse format is supported`, position);
      const regions: SparseRegion[] = [];
      readGnuSparsePairs(buffer, at + HEADER_FIELDS.gnuSparse.offset, 4, regions, position);
      entry.size = gnuRealSize(buffer, at, position);
      this.sparse = { entry, regions, storedSize: raw.size };
      if (buffer[at + HEADER_FIELDS.gnuIsExtended.offset] !== 0) {
        this.startBody('gnu-sparse-block', BLOCK_SIZE, position);
        return undefined;
      }
      return this.completeSparse(position);
    }
    if (this.local !== undefined) {
      const started = this.paxSparse(entry, position);
      if (started) return undefined;
      if (this.sparse !== undefined) return this.completeSparse(position);
    }
    const dataLength = raw.info.hasData ? entry.size : 0;
    if (!raw.info.hasData) entry.size = 0;
    return this.emit(entry, dataLength);
  }

  /** Header fields, then global records, GNU long names and local records, in that order. */
  private buildEntry(raw: RawHeader, position: number): TarEntry {
    const entry: TarEntry = {
      path: raw.name,
      type: raw.info.type,
      size: raw.size,
      dataOffset: 0,
      headerOffset: this.extensionStart >= 0 ? this.extensionStart : position,
      mode: raw.mode,
      uid: raw.uid,
      gid: raw.gid,
      mtime: raw.mtime,
      linkname: raw.linkname,
      uname: this.intern(raw.uname),
      gname: this.intern(raw.gname),
      devmajor: raw.devmajor,
      devminor: raw.devminor,
      pax: undefined,
      sparse: undefined,
      typeflag: String.fromCharCode(raw.typeflag),
    };
    if (this.longName !== undefined) entry.path = this.longName;
    if (this.longLink !== undefined) entry.linkname = this.longLink;
    if (this.global !== undefined || this.local !== undefined) {
      const kept = new Map<string, string>();
      if (this.global !== undefined) applyRecords(entry, this.global, true, kept, position);
      if (this.local !== undefined) applyRecords(entry, this.local, false, kept, position);
      if (kept.size > 0) entry.pax = Object.fromEntries(kept);
    }
    // BSD and GNU tar: a regular file whose name ends in '/' is a directory (old tars wrote them so).
    if ((raw.typeflag === 0 || raw.typeflag === 0x30 || raw.typeflag === 0x37) && entry.path.endsWith('/')) entry.type = 'directory';
    return entry;
  }

  /** PAX GNU sparse formats (Go readGNUSparsePAXHeaders): true when a 1.0 map must be read first. */
  private paxSparse(entry: TarEntry, position: number): boolean {
    const records = this.local as Map<string, string>;
    const major = records.get(GNU_SPARSE_KEYS.major);
    const minor = records.get(GNU_SPARSE_KEYS.minor);
    const map = records.get(GNU_SPARSE_KEYS.map);
    let format: '0.x' | '1.0';
    if (major === '0' && (minor === '0' || minor === '1')) format = '0.x';
    else if (major === '1' && minor === '0') format = '1.0';
    else if (major !== undefined || minor !== undefined) return false; // a version we do not know: plain file
    else if (map !== undefined) format = '0.x'; // 0.0 and 0.1 wrote no version records
    else return false;
    const name = records.get(GNU_SPARSE_KEYS.name);
    if (name !== undefined && name !== '') entry.path = name;
    const storedSize = entry.size;
    const realSize = records.get(GNU_SPARSE_KEYS.size) ?? records.get(GNU_SPARSE_KEYS.realsize);
    if (realSize !== undefined) entry.size = paxInteger('GNU.sparse.size', realSize, position);
    if (entry.pax !== undefined) {
      for (const key of Object.keys(entry.pax)) if (key.startsWith('GNU.sparse.')) delete entry.pax[key];
      if (Object.keys(entry.pax).length === 0) entry.pax = undefined;
    }
    if (format === '0.x') {
      this.sparse = { entry, regions: parseSparseMapRecord(map ?? '', position), storedSize };
      return false;
    }
    this.sparse = { entry, regions: [], storedSize, reader: new SparseMap10Reader() };
    if (storedSize < BLOCK_SIZE) throw new TarFormatError('bad-sparse', `sparse file at offset ${position}: its ${storedSize} bytes of data cannot hold a format 1.0 sparse map`, position);
    this.startBody('sparse-map', BLOCK_SIZE, position);
    return true;
  }

  private gnuSparseBlock(buffer: Buffer, at: number, position: number): TarEntry | undefined {
    const pending = this.sparse as PendingSparse;
    readGnuSparsePairs(buffer, at, GNU_SPARSE_EXTENSION.entries, pending.regions, position);
    if (buffer[at + GNU_SPARSE_EXTENSION.isExtendedAt] !== 0) {
      this.startBody('gnu-sparse-block', BLOCK_SIZE, position);
      return undefined;
    }
    return this.completeSparse(position);
  }

  private sparseMapBlock(buffer: Buffer, at: number, position: number): TarEntry | undefined {
    const pending = this.sparse as PendingSparse;
    const reader = pending.reader as SparseMap10Reader;
    if (!reader.feed(buffer, at, position)) {
      if (reader.bytes >= pending.storedSize) throw new TarFormatError('bad-sparse', `sparse file "${pending.entry.path}": its format 1.0 sparse map runs past its ${pending.storedSize} bytes of data`, position);
      this.startBody('sparse-map', BLOCK_SIZE, pending.entry.headerOffset);
      return undefined;
    }
    pending.regions = reader.regions;
    pending.storedSize -= reader.bytes;
    // The map blocks were fed as bodies but belong to the entry's data; only the cap counted them.
    return this.completeSparse(position);
  }

  private completeSparse(position: number): TarEntry {
    const pending = this.sparse as PendingSparse;
    this.sparse = undefined;
    validateSparseMap(pending.regions, pending.entry.size, position);
    pending.entry.sparse = { storedSize: pending.storedSize, map: pending.regions };
    return this.emit(pending.entry, pending.storedSize);
  }

  private emit(entry: TarEntry, dataLength: number): TarEntry {
    if (++this.entryCount > this.limits.maxEntries) {
      throw new TarFormatError('too-large', `the archive has more than ${this.limits.maxEntries} entries (maxEntries); the one at offset ${entry.headerOffset} is past the cap`, entry.headerOffset);
    }
    entry.dataOffset = this.nextOffset;
    this.dataLength = dataLength;
    this.skipData(entry, dataLength);
    this.extensionStart = -1;
    this.extensionBytes = 0;
    this.local = undefined;
    this.longName = undefined;
    this.longLink = undefined;
    return entry;
  }

  /** The `length` bytes at nextOffset are data (of `entry`, or of a volume label): pass over them. */
  private skipData(entry: TarEntry | undefined, length: number): void {
    this.lastEntry = entry;
    this.lastHeaderOffset = entry?.headerOffset ?? this.nextOffset - BLOCK_SIZE;
    this.lastDataEnd = this.nextOffset + length;
    this.nextOffset = this.lastDataEnd + paddingOf(length);
  }

  /**
   * Owner names repeat across a whole archive ("root" 200,000 times): keep one copy of each, so a
   * large index holds two pointers per entry instead of two strings.
   */
  private intern(name: string | undefined): string | undefined {
    if (name === undefined) return undefined;
    const known = this.names.get(name);
    if (known !== undefined) return known;
    if (this.names.size < 1024) this.names.set(name, name);
    return name;
  }

  private withContext(error: unknown): unknown {
    if (!(error instanceof TarFormatError)) return error;
    return error.withContext(this.sourceName, this.longName ?? this.local?.get(PAX_KEYS.path) ?? undefined);
  }
}

/** The old GNU header's real (logical) size; Go archive/tar reads it the same way. */
function gnuRealSize(buffer: Buffer, at: number, position: number): number {
  const value = parseNumericField(buffer, at, HEADER_FIELDS.gnuRealSize, 'realsize', position);
  if (value < 0) throw new TarFormatError('negative-size', `tar header at offset ${position} has a negative sparse real size (${value})`, position);
  return value;
}

function mergeRecords(previous: Map<string, string> | undefined, next: Map<string, string>): Map<string, string> {
  if (previous === undefined) return next;
  for (const [key, value] of next) previous.set(key, value);
  return previous;
}

/** POSIX: a global value holds until a later global record reassigns it; an empty value deletes it. */
function mergeGlobal(previous: Map<string, string> | undefined, next: Map<string, string>): Map<string, string> | undefined {
  const merged = previous ?? new Map<string, string>();
  for (const [key, value] of next) {
    if (value === '') merged.delete(key);
    else merged.set(key, value);
  }
  return merged.size > 0 ? merged : undefined;
}

/** Folds records into the entry; records without a field of their own go to `kept`. */
function applyRecords(entry: TarEntry, records: Map<string, string>, global: boolean, kept: Map<string, string>, position: number): void {
  for (const [key, value] of records) {
    switch (key) {
      case PAX_KEYS.path:
        if (!global) entry.path = value;
        break;
      case PAX_KEYS.linkpath:
        if (!global) entry.linkname = value;
        break;
      case PAX_KEYS.size:
        if (!global && value !== '') {
          const size = paxInteger(key, value, position);
          if (size < 0) throw new TarFormatError('negative-size', `the PAX size record of the extended header at offset ${position} is negative (${value})`, position);
          entry.size = size;
        }
        break;
      case PAX_KEYS.uid:
        if (value !== '') entry.uid = paxInteger(key, value, position);
        break;
      case PAX_KEYS.gid:
        if (value !== '') entry.gid = paxInteger(key, value, position);
        break;
      case PAX_KEYS.mtime:
        if (value !== '') entry.mtime = paxTime(key, value, position);
        break;
      case PAX_KEYS.uname:
        entry.uname = value;
        break;
      case PAX_KEYS.gname:
        entry.gname = value;
        break;
      case PAX_KEYS.devmajor:
        if (value !== '') entry.devmajor = paxInteger(key, value, position);
        break;
      case PAX_KEYS.devminor:
        if (value !== '') entry.devminor = paxInteger(key, value, position);
        break;
      default:
        if (value === '') kept.delete(key);
        else kept.set(key, value);
    }
  }
}
