/**
 * Shared by the tar*.test.ts files: the Go archive/tar corpus, GNU tar as an independent reader,
 * and a tiny header writer for crafted archives. Nothing here runs the code under test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isUtf8 } from 'node:buffer';
import * as assert from 'node:assert/strict';
import type { TarEntry } from '../../src/core/tar/tarEntry';

export const CORPUS_DIR = path.resolve(__dirname, '../../../shared/corpus');
export const TAR_SPLIT_DIR = path.join(CORPUS_DIR, 'vbatts__tar-split');

let warned = false;

/** Skips the calling test or suite (from a hook), saying why, when the corpus is absent. */
export function requireCorpus(context: Mocha.Context): void {
  if (existsSync(TAR_SPLIT_DIR)) return;
  if (!warned) console.warn(`      skipped: corpus not found at ${TAR_SPLIT_DIR}`);
  warned = true;
  context.skip();
}

/** Every tar in the corpus (plain or gzip), relative to CORPUS_DIR, sorted. */
export function corpusTars(): string[] {
  if (!existsSync(CORPUS_DIR)) return [];
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const full = path.join(directory, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(tar|tar\.gz|tgz)$/.test(name)) found.push(path.relative(CORPUS_DIR, full));
    }
  };
  walk(CORPUS_DIR);
  return found.sort();
}

/** The uncompressed tar bytes of a corpus file. */
export function corpusBytes(relative: string): Buffer {
  const raw = readFileSync(path.join(CORPUS_DIR, relative));
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

export function hasGnuTar(): boolean {
  const result = spawnSync('tar', ['--version']);
  return result.status === 0 && /GNU tar/.test(result.stdout.toString());
}

/** One line of `tar -tv` output. */
export interface GnuListing {
  /** The first column: '-', 'd', 'l', 'h', 'c', 'b', 'p', 'C', 'V', … */
  kind: string;
  permissions: string;
  uid: number;
  gid: number;
  /** Bytes, or undefined for devices. */
  size: number | undefined;
  device: string | undefined;
  /** Seconds since the epoch, fraction included when tar prints one. */
  mtime: number;
  path: string;
  target: string | undefined;
}

/** Names are bytes: read them as UTF-8 when valid, Latin-1 otherwise (the rule under test, restated). */
export function bytesToName(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}

const LINE = /^(\S)(\S{9}) +(\d+)\/(\d+) +(\d+|\d+,\d+) ((\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?)(.*)$/s;

/**
 * Parses `TZ=UTC tar --numeric-owner --full-time --quoting-style=literal -tv` output. GNU tar
 * (list.c print_header) left-justifies the time in a column as wide as the widest time printed
 * so far ("%-*s"), so names after a fractional time are preceded by padding we must remove.
 */
export function parseGnuListing(stdout: Buffer): GnuListing[] {
  const listing: GnuListing[] = [];
  let dateWidth = 'YYYY-MM-DD HH:MM'.length;
  // Split the bytes, not a decoded string: names may not be UTF-8.
  let start = 0;
  while (start < stdout.length) {
    let end = stdout.indexOf(0x0a, start);
    if (end === -1) end = stdout.length;
    const line = stdout.subarray(start, end);
    start = end + 1;
    const match = LINE.exec(line.toString('latin1'));
    if (!match) throw new Error(`unexpected tar -tv line: ${JSON.stringify(line.toString('latin1'))}`);
    const [, kind, permissions, uid, gid, sizeOrDevice, time, year, month, day, hour, minute, second, fraction, afterTime] = match;
    dateWidth = Math.max(dateWidth, time.length);
    const padding = dateWidth - time.length + 1;
    if (afterTime.slice(0, padding) !== ' '.repeat(padding)) throw new Error(`unexpected padding after the time in ${JSON.stringify(line.toString('latin1'))}`);
    const rest = afterTime.slice(padding);
    let name = rest;
    let target: string | undefined;
    const separator = kind === 'l' ? ' -> ' : kind === 'h' ? ' link to ' : undefined;
    if (separator !== undefined) {
      const at = rest.indexOf(separator);
      name = rest.slice(0, at);
      target = bytesToName(Buffer.from(rest.slice(at + separator.length), 'latin1'));
    }
    const seconds = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) / 1000;
    listing.push({
      kind,
      permissions,
      uid: Number(uid),
      gid: Number(gid),
      size: sizeOrDevice.includes(',') ? undefined : Number(sizeOrDevice),
      device: sizeOrDevice.includes(',') ? sizeOrDevice : undefined,
      mtime: seconds + (fraction === undefined ? 0 : Number(fraction)),
      path: bytesToName(Buffer.from(name, 'latin1')),
      target,
    });
  }
  return listing;
}

export interface GnuRun {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runTar(args: string[], options: { input?: Buffer; cwd?: string } = {}): GnuRun {
  const result = spawnSync('tar', args, { input: options.input, cwd: options.cwd, env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' }, maxBuffer: 512 * 1024 * 1024, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout ?? Buffer.alloc(0), stderr: result.stderr?.toString() ?? '' };
}

/** GNU tar's listing of an archive given as bytes. */
export function gnuList(bytes: Buffer): { listing: GnuListing[]; status: number | null; stderr: string } {
  const result = runTar(['--numeric-owner', '--full-time', '--quoting-style=literal', '-tvf', '-'], { input: bytes });
  return { listing: parseGnuListing(result.stdout), status: result.status, stderr: result.stderr };
}

/** Everything `tar -xO` prints: the contents of the regular files, in archive order. */
export function gnuExtractAll(bytes: Buffer): Buffer {
  return runTar(['-xOf', '-'], { input: bytes }).stdout;
}

/** `tar -xOf - member`: one member's content. */
export function gnuExtractMember(bytes: Buffer, member: string): Buffer {
  return runTar(['-xOf', '-', '--', member], { input: bytes }).stdout;
}

/** ls -l style permissions of a mode, as GNU tar prints them after the type letter. */
export function permissionString(mode: number): string {
  const triple = (bits: number, special: boolean, letter: string) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${special ? (bits & 1 ? letter : letter.toUpperCase()) : bits & 1 ? 'x' : '-'}`;
  return triple(mode >> 6, (mode & 0o4000) !== 0, 's') + triple(mode >> 3, (mode & 0o2000) !== 0, 's') + triple(mode, (mode & 0o1000) !== 0, 't');
}

/** The letter GNU tar's listing starts a line with for this entry (GNU tar list.c print_header). */
export function kindLetter(item: TarEntry): string {
  if (item.typeflag === 'D') return 'd';
  const letters: Record<TarEntry['type'], string> = { file: '-', directory: 'd', symlink: 'l', hardlink: 'h', 'character-device': 'c', 'block-device': 'b', fifo: 'p', contiguous: 'C', unknown: '?' };
  return letters[item.type];
}

/** Stored data of a file entry, sparse holes filled with zeros: what `tar -xO` prints for it. */
export function contentOf(item: TarEntry, archive: Buffer): Buffer {
  if (item.sparse === undefined) return archive.subarray(item.dataOffset, item.dataOffset + item.size);
  const expanded = Buffer.alloc(item.size);
  let stored = item.dataOffset;
  for (const region of item.sparse.map) {
    archive.copy(expanded, region.offset, stored, stored + region.length);
    stored += region.length;
  }
  return expanded;
}

/** Asserts our entries say what GNU tar's listing says, line by line. */
export function assertMatchesGnu(entries: TarEntry[], listing: GnuListing[], label: string): void {
  const expected = listing.filter((line) => line.kind !== 'V'); // volume labels are not members
  assert.equal(entries.length, expected.length, `${label}: entry count (ours: ${entries.map((item) => item.path).join(', ')})`);
  expected.forEach((gnu, index) => {
    const item = entries[index];
    const where = `${label} entry ${index} "${gnu.path}"`;
    assert.equal(item.path, gnu.path, `${where}: path`);
    assert.equal(kindLetter(item), gnu.kind, `${where}: type (ours ${item.type}, typeflag ${JSON.stringify(item.typeflag)})`);
    assert.equal(permissionString(item.mode), gnu.permissions, `${where}: permissions`);
    assert.equal(item.uid, gnu.uid, `${where}: uid`);
    assert.equal(item.gid, gnu.gid, `${where}: gid`);
    assert.ok(Math.abs(item.mtime - gnu.mtime) < 1e-6, `${where}: mtime ${item.mtime} vs GNU ${gnu.mtime}`);
    if (gnu.kind === '-' || gnu.kind === 'C' || item.typeflag === 'D') assert.equal(item.size, gnu.size, `${where}: size`);
    if (gnu.device !== undefined) assert.equal(`${item.devmajor},${item.devminor}`, gnu.device, `${where}: device numbers`);
    if (gnu.target !== undefined) assert.equal(item.linkname, gnu.target, `${where}: link target`);
  });
}

/** Regular files' content, concatenated in archive order: compare with `tar -xO`. */
export function allContent(entries: TarEntry[], archive: Buffer): Buffer {
  return Buffer.concat(entries.filter((item) => item.type === 'file' || item.type === 'contiguous').map((item) => contentOf(item, archive)));
}

// ---- A minimal writer for crafted archives (POSIX ustar layout; checksum as GNU tar computes it). ----

export interface HeaderFields {
  name?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  mtime?: number;
  typeflag?: string;
  linkname?: string;
  /** 'ustar' (default), 'gnu' or 'v7'. */
  format?: 'ustar' | 'gnu' | 'v7';
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  prefix?: string;
  /** Raw bytes to put into a field instead (offset -> bytes), applied before the checksum. */
  raw?: Array<[number, Buffer]>;
}

function octal(value: number, length: number): Buffer {
  return Buffer.from(`${value.toString(8).padStart(length - 1, '0')}\0`, 'latin1');
}

/** A 512-byte header with a correct checksum (unless `checksum` forces a value). */
export function makeHeader(fields: HeaderFields, checksum?: number): Buffer {
  const block = Buffer.alloc(512);
  const put = (offset: number, bytes: Buffer) => bytes.copy(block, offset);
  put(0, Buffer.from(fields.name ?? 'file', 'utf8'));
  put(100, octal(fields.mode ?? 0o644, 8));
  put(108, octal(fields.uid ?? 0, 8));
  put(116, octal(fields.gid ?? 0, 8));
  put(124, octal(fields.size ?? 0, 12));
  put(136, octal(fields.mtime ?? 0, 12));
  put(156, Buffer.from(fields.typeflag ?? '0', 'latin1'));
  put(157, Buffer.from(fields.linkname ?? '', 'utf8'));
  const format = fields.format ?? 'ustar';
  if (format === 'ustar') put(257, Buffer.from('ustar\u000000', 'latin1'));
  if (format === 'gnu') put(257, Buffer.from('ustar  \u0000', 'latin1'));
  if (format !== 'v7') {
    put(265, Buffer.from(fields.uname ?? '', 'utf8'));
    put(297, Buffer.from(fields.gname ?? '', 'utf8'));
    put(329, octal(fields.devmajor ?? 0, 8));
    put(337, octal(fields.devminor ?? 0, 8));
  }
  if (fields.prefix !== undefined) put(345, Buffer.from(fields.prefix, 'utf8'));
  for (const [offset, bytes] of fields.raw ?? []) put(offset, bytes);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, Buffer.from(`${(checksum ?? sum).toString(8).padStart(6, '0')}\0 `, 'latin1'));
  return block;
}

/** One PAX record, its length prefix computed the way POSIX defines it (it counts itself). */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

/** Data padded to whole blocks. */
export function blocks(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const padded = Buffer.alloc(Math.ceil(bytes.length / 512) * 512);
  bytes.copy(padded);
  return padded;
}

/** An entry: header plus padded data; `data` sets the size unless `fields.size` does. */
export function entry(fields: HeaderFields, data: Buffer | string = ''): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([makeHeader({ size: bytes.length, ...fields }), blocks(bytes)]);
}

/** A PAX 'x' (or 'g') extended header followed by nothing: put the entry after it. */
export function paxHeader(records: Array<[string, string]>, typeflag: 'x' | 'g' = 'x'): Buffer {
  const body = records.map(([key, value]) => paxRecord(key, value)).join('');
  return entry({ name: 'PaxHeaders/x', typeflag }, body);
}

export const END = Buffer.alloc(1024);

/** A deterministic PRNG (mulberry32), so a failing property case can be replayed from its seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rejects if `promise` does not settle in time: a parser must never hang on bad input. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
