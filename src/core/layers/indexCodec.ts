/**
 * The on-disk form of a layer index: versioned, checksummed binary, loaded without parsing a
 * line per entry. Entry fields are stored in columns (typed arrays), all path and link strings in
 * one blob sliced by length, rare fields (PAX records, sparse maps, device numbers, values that do
 * not fit 32 bits) as JSON; the entry part is deflated (it shrinks ~10×). Windows of deflate
 * checkpoints are deflated one by one when that saves space (text does, random data does not).
 *
 *   "CIELAYER" | u32 version | u32 header length | header JSON | sections … | u32 CRC-32 of all before
 */
import * as zlib from 'node:zlib';
import type { Compression } from '../compression/detect';
import type { TarEntry, TarEntryType } from '../tar/tarEntry';
import type { Checkpoint, CheckpointKind } from './checkpoint';
import { crc32 } from './crc32';
import type { LayerIndex } from './layerIndex';

/** Bump when the layout changes or the tar parser starts producing different entries. */
export const INDEX_FORMAT_VERSION = 1;
const MAGIC = Buffer.from('CIELAYER', 'latin1');
const PREFIX = MAGIC.length + 8;

export interface StoredLayer {
  index: LayerIndex;
  checkpoints: Checkpoint[];
  /** The checkpoint spacing the index was made with. */
  span: number;
}

/** The cache file is not one we can use (damaged, other version, other layer): rebuild it. */
export class IndexFormatError extends Error {
  override readonly name = 'IndexFormatError';
}

const TYPES: TarEntryType[] = ['file', 'directory', 'symlink', 'hardlink', 'character-device', 'block-device', 'fifo', 'contiguous', 'unknown'];
const NONE = 0xffffffff;
const NO_TYPEFLAG = 0xffff;

interface Section {
  offset: number;
  length: number;
  rawLength: number;
  deflated: boolean;
}

interface StoredCheckpoint {
  kind: CheckpointKind;
  compressedOffset: number;
  uncompressedOffset: number;
  bits: number;
  window?: Section;
}

interface Header {
  digest: string;
  compression: Compression;
  compressedSize: number;
  uncompressedSize: number;
  span: number;
  entryCount: number;
  stringEncoding: 'utf8' | 'utf16le';
  names: string[];
  columns: Section;
  strings: Section;
  extras: Section;
  checkpoints: StoredCheckpoint[];
}

/** Fields an entry has that the columns cannot hold. */
type Extras = Partial<Pick<TarEntry, 'mode' | 'uid' | 'gid' | 'headerOffset' | 'devmajor' | 'devminor' | 'pax' | 'sparse'>>;

/** Per entry: size, dataOffset, mtime (f64); mode, uid, gid, header gap, path and link lengths, uname, gname (u32); typeflag (u16); type (u8). */
const BYTES_PER_ENTRY = 3 * 8 + 8 * 4 + 2 + 1;

function fitsU32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < NONE;
}

class SectionWriter {
  readonly parts: Buffer[] = [];
  length = 0;

  add(raw: Buffer, deflate: 'always' | 'if-smaller' | 'never', level: number): Section {
    let stored = raw;
    let deflated = false;
    if (deflate !== 'never' && raw.length > 0) {
      const packed = zlib.deflateRawSync(raw, { level });
      if (deflate === 'always' || packed.length < raw.length * 0.9) {
        stored = packed;
        deflated = true;
      }
    }
    const section = { offset: this.length, length: stored.length, rawLength: raw.length, deflated };
    this.parts.push(stored);
    this.length += stored.length;
    return section;
  }
}

export function encodeLayerIndex(layer: StoredLayer): Buffer {
  const { index } = layer;
  const entries = index.entries;
  const count = entries.length;
  const columns = Buffer.alloc(count * BYTES_PER_ENTRY);
  const f64 = new Float64Array(columns.buffer, columns.byteOffset, count * 3);
  const u32 = new Uint32Array(columns.buffer, columns.byteOffset + count * 24, count * 8);
  const u16 = new Uint16Array(columns.buffer, columns.byteOffset + count * 56, count);
  const u8 = new Uint8Array(columns.buffer, columns.byteOffset + count * 58, count);
  const names = new Map<string, number>();
  const nameIndex = (name: string | undefined) => {
    if (name === undefined) return NONE;
    let found = names.get(name);
    if (found === undefined) names.set(name, (found = names.size));
    return found;
  };
  const strings: string[] = [];
  const extras: Array<[number, Extras]> = [];
  for (let index = 0; index < count; index++) {
    const entry = entries[index];
    f64[index] = entry.size;
    f64[count + index] = entry.dataOffset;
    f64[2 * count + index] = entry.mtime;
    let extra: Extras | undefined;
    const gap = entry.dataOffset - entry.headerOffset;
    u32[index] = fitsU32(entry.mode) ? entry.mode : (((extra ??= {}).mode = entry.mode), 0);
    u32[count + index] = fitsU32(entry.uid) ? entry.uid : (((extra ??= {}).uid = entry.uid), 0);
    u32[2 * count + index] = fitsU32(entry.gid) ? entry.gid : (((extra ??= {}).gid = entry.gid), 0);
    u32[3 * count + index] = fitsU32(gap) ? gap : (((extra ??= {}).headerOffset = entry.headerOffset), 0);
    u32[4 * count + index] = entry.path.length;
    u32[5 * count + index] = entry.linkname.length;
    u32[6 * count + index] = nameIndex(entry.uname);
    u32[7 * count + index] = nameIndex(entry.gname);
    u16[index] = entry.typeflag === undefined ? NO_TYPEFLAG : entry.typeflag.charCodeAt(0);
    u8[index] = TYPES.indexOf(entry.type);
    strings.push(entry.path, entry.linkname);
    if (entry.devmajor !== undefined) (extra ??= {}).devmajor = entry.devmajor;
    if (entry.devminor !== undefined) (extra ??= {}).devminor = entry.devminor;
    if (entry.pax !== undefined) (extra ??= {}).pax = entry.pax;
    if (entry.sparse !== undefined) (extra ??= {}).sparse = entry.sparse;
    if (extra !== undefined) extras.push([index, extra]);
  }
  const text = strings.join('');
  let stringEncoding: Header['stringEncoding'] = 'utf8';
  let stringBytes = Buffer.from(text, 'utf8');
  // Lone surrogates do not survive UTF-8; UTF-16 keeps any JS string as it is.
  if (stringBytes.toString('utf8') !== text) {
    stringEncoding = 'utf16le';
    stringBytes = Buffer.from(text, 'utf16le');
  }
  const body = new SectionWriter();
  const header: Header = {
    digest: index.digest,
    compression: index.compression,
    compressedSize: index.compressedSize,
    uncompressedSize: index.uncompressedSize,
    span: layer.span,
    entryCount: count,
    stringEncoding,
    names: [...names.keys()],
    columns: body.add(columns, 'always', 1),
    strings: body.add(stringBytes, 'always', 1),
    extras: body.add(Buffer.from(JSON.stringify(extras), 'utf8'), 'if-smaller', 1),
    checkpoints: layer.checkpoints.map((checkpoint) => ({
      kind: checkpoint.kind,
      compressedOffset: checkpoint.compressedOffset,
      uncompressedOffset: checkpoint.uncompressedOffset,
      bits: checkpoint.bits,
      window: checkpoint.window === undefined ? undefined : body.add(checkpoint.window, 'if-smaller', 6),
    })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(INDEX_FORMAT_VERSION, MAGIC.length);
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length + 4);
  const withoutCrc = Buffer.concat([prefix, headerBytes, ...body.parts]);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32LE(crc32(withoutCrc), 0);
  return Buffer.concat([withoutCrc, trailer]);
}

export function decodeLayerIndex(file: Buffer, expectedDigest: string): StoredLayer {
  if (file.length < PREFIX + 4 || !file.subarray(0, MAGIC.length).equals(MAGIC)) throw new IndexFormatError('not a layer index file');
  const version = file.readUInt32LE(MAGIC.length);
  if (version !== INDEX_FORMAT_VERSION) throw new IndexFormatError(`index format ${version}, this version reads ${INDEX_FORMAT_VERSION}`);
  const stored = file.readUInt32LE(file.length - 4);
  if (crc32(file.subarray(0, file.length - 4)) !== stored) throw new IndexFormatError('checksum mismatch');
  const headerLength = file.readUInt32LE(MAGIC.length + 4);
  if (PREFIX + headerLength > file.length - 4) throw new IndexFormatError('header runs past the end');
  const header = JSON.parse(file.toString('utf8', PREFIX, PREFIX + headerLength)) as Header;
  if (header.digest !== expectedDigest) throw new IndexFormatError(`index of ${header.digest}, expected ${expectedDigest}`);
  const body = file.subarray(PREFIX + headerLength, file.length - 4);
  const section = (part: Section) => readSection(body, part);
  const entries = decodeEntries(header, section(header.columns), section(header.strings), section(header.extras));
  const checkpoints: Checkpoint[] = header.checkpoints.map((checkpoint) => {
    const result: Checkpoint = { kind: checkpoint.kind, compressedOffset: checkpoint.compressedOffset, uncompressedOffset: checkpoint.uncompressedOffset, bits: checkpoint.bits };
    if (checkpoint.window !== undefined) defineLazyWindow(result, body, checkpoint.window);
    return result;
  });
  const index: LayerIndex = { digest: header.digest, compression: header.compression, compressedSize: header.compressedSize, uncompressedSize: header.uncompressedSize, entries };
  return { index, checkpoints, span: header.span };
}

/**
 * A read needs one window of the hundreds a big layer has: each is decoded on first use (the file's
 * CRC already vouches for the bytes; bounds are checked now so a bad file still fails to load).
 */
function defineLazyWindow(checkpoint: Checkpoint, body: Buffer, part: Section): void {
  checkSectionBounds(body, part);
  let window: Buffer | undefined;
  Object.defineProperty(checkpoint, 'window', { enumerable: true, configurable: true, get: () => (window ??= readSection(body, part)) });
}

function checkSectionBounds(body: Buffer, section: Section): void {
  if (!(section.offset >= 0 && section.offset + section.length <= body.length)) throw new IndexFormatError('section out of bounds');
}

function readSection(body: Buffer, section: Section): Buffer {
  checkSectionBounds(body, section);
  const stored = body.subarray(section.offset, section.offset + section.length);
  // A fresh buffer (typed-array views need aligned offsets; inflate output always is).
  const raw = section.deflated ? zlib.inflateRawSync(stored) : Buffer.from(stored);
  if (raw.length !== section.rawLength) throw new IndexFormatError('section length mismatch');
  return raw;
}

function decodeEntries(header: Header, columns: Buffer, stringBytes: Buffer, extrasBytes: Buffer): TarEntry[] {
  const count = header.entryCount;
  if (columns.length !== count * BYTES_PER_ENTRY) throw new IndexFormatError('column size mismatch');
  const aligned = columns.byteOffset % 8 === 0 ? columns : Buffer.from(columns);
  const f64 = new Float64Array(aligned.buffer, aligned.byteOffset, count * 3);
  const u32 = new Uint32Array(aligned.buffer, aligned.byteOffset + count * 24, count * 8);
  const u16 = new Uint16Array(aligned.buffer, aligned.byteOffset + count * 56, count);
  const u8 = new Uint8Array(aligned.buffer, aligned.byteOffset + count * 58, count);
  const text = stringBytes.toString(header.stringEncoding);
  const names = header.names;
  const typeflags = Array.from({ length: 256 }, (_, code) => String.fromCharCode(code));
  const entries: TarEntry[] = new Array(count);
  let position = 0;
  for (let index = 0; index < count; index++) {
    const pathEnd = position + u32[4 * count + index];
    const linkLength = u32[5 * count + index];
    const linkEnd = pathEnd + linkLength;
    const dataOffset = f64[count + index];
    const uname = u32[6 * count + index];
    const gname = u32[7 * count + index];
    const typeflag = u16[index];
    entries[index] = {
      path: text.slice(position, pathEnd),
      type: TYPES[u8[index]],
      size: f64[index],
      dataOffset,
      headerOffset: dataOffset - u32[3 * count + index],
      mode: u32[index],
      uid: u32[count + index],
      gid: u32[2 * count + index],
      mtime: f64[2 * count + index],
      linkname: linkLength === 0 ? '' : text.slice(pathEnd, linkEnd),
      uname: uname === NONE ? undefined : names[uname],
      gname: gname === NONE ? undefined : names[gname],
      devmajor: undefined,
      devminor: undefined,
      pax: undefined,
      sparse: undefined,
      typeflag: typeflag === NO_TYPEFLAG ? undefined : typeflag < 256 ? typeflags[typeflag] : String.fromCharCode(typeflag),
    };
    position = linkEnd;
  }
  if (position !== text.length) throw new IndexFormatError('string table length mismatch');
  const extras = JSON.parse(extrasBytes.toString('utf8')) as Array<[number, Extras]>;
  for (const [index, extra] of extras) {
    if (!(index >= 0 && index < count)) throw new IndexFormatError('extra for a missing entry');
    Object.assign(entries[index], extra);
  }
  return entries;
}
