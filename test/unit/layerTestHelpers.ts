/**
 * Helpers for the layer tests (test/unit/layer*.test.ts): in-memory and single-file image
 * sources, a source wrapper that counts reads, tar and compression by real tools, and a
 * deterministic pseudo-random generator for layer content.
 */
import { isUtf8 } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as assert from 'node:assert/strict';
import type { OperationOptions } from '../../src/core/cancellation';
import { detectCompression } from '../../src/core/compression/detect';
import type { LayerStore } from '../../src/core/layers/layerStore';
import { buildImageGraph } from '../../src/core/model/imageGraph';
import { ImageError } from '../../src/core/errors';
import type { Descriptor } from '../../src/core/model/descriptor';
import type { BlobRange, ImageSource, SourceRoot } from '../../src/core/sources/imageSource';
import type { TarEntry } from '../../src/core/tar/tarEntry';
import { listTar } from './support/tools';

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function layerDescriptor(digest: string, size: number, mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'): Descriptor {
  return { mediaType, digest, size };
}

/** Blobs held in memory (synthetic layers: bombs, cut or damaged streams). Streams in 64 KiB chunks. */
export class MemorySource implements ImageSource {
  readonly kind = 'oci-layout';
  readonly format = 'test blobs in memory';
  private readonly blobs = new Map<string, Buffer>();

  constructor(readonly location = 'memory') {}

  /** Adds a blob and returns its descriptor. */
  add(bytes: Buffer, mediaType?: string): Descriptor {
    const digest = sha256Digest(bytes);
    this.blobs.set(digest, bytes);
    return layerDescriptor(digest, bytes.length, mediaType);
  }

  /** Adds bytes under a digest that is not theirs (a damaged blob). */
  put(digest: string, bytes: Buffer): void {
    this.blobs.set(digest, bytes);
  }

  async roots(): Promise<SourceRoot[]> {
    return [];
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    const blob = this.blobs.get(digest);
    return blob === undefined ? undefined : { size: blob.length };
  }

  async open(digest: string, range?: BlobRange): Promise<Readable> {
    const blob = this.blobs.get(digest);
    if (blob === undefined) throw new ImageError('missing-blob', 'no such blob', { source: this.location, subject: digest });
    const bytes = range === undefined ? blob : blob.subarray(range.start, range.end);
    function* chunks(): Generator<Buffer> {
      for (let offset = 0; offset < bytes.length; offset += 64 * 1024) yield bytes.subarray(offset, offset + 64 * 1024);
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async list(): Promise<string[]> {
    return [...this.blobs.keys()];
  }

  async close(): Promise<void> {}
}

/** One file on disk as the only blob of a source (a bare layer from the corpus). */
export class FileBlobSource implements ImageSource {
  readonly kind = 'oci-layout';
  readonly format = 'a single layer file';
  readonly digest: string;
  readonly size: number;

  constructor(readonly location: string) {
    this.digest = sha256Digest(readFileSync(location));
    this.size = statSync(location).size;
  }

  descriptor(mediaType?: string): Descriptor {
    return layerDescriptor(this.digest, this.size, mediaType);
  }

  async roots(): Promise<SourceRoot[]> {
    return [];
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    return digest === this.digest ? { size: this.size } : undefined;
  }

  async open(digest: string, range?: BlobRange): Promise<Readable> {
    if (digest !== this.digest) throw new ImageError('missing-blob', 'no such blob', { source: this.location, subject: digest });
    if (range !== undefined && range.end <= range.start) return Readable.from([]);
    const window = range === undefined ? {} : { start: range.start, end: range.end - 1 };
    return createReadStream(this.location, { highWaterMark: 1024 * 1024, ...window });
  }

  async list(): Promise<string[]> {
    return [this.digest];
  }

  async close(): Promise<void> {}
}

/** Wraps a source and counts what is read through it. */
export class CountingSource implements ImageSource {
  opens = 0;
  bytes = 0;
  readonly ranges: Array<BlobRange | undefined> = [];

  constructor(private readonly inner: ImageSource) {}

  get kind() {
    return this.inner.kind;
  }

  get location() {
    return this.inner.location;
  }

  get format() {
    return this.inner.format;
  }

  roots(options?: OperationOptions) {
    return this.inner.roots(options);
  }

  stat(digest: string, options?: OperationOptions) {
    return this.inner.stat(digest, options);
  }

  async open(digest: string, range?: BlobRange, options?: OperationOptions): Promise<Readable> {
    this.opens++;
    this.ranges.push(range);
    const stream = await this.inner.open(digest, range, options);
    stream.on('data', (chunk: Buffer) => (this.bytes += chunk.length));
    return stream;
  }

  list(options?: OperationOptions) {
    return this.inner.list(options);
  }

  close() {
    return this.inner.close();
  }
}

export async function readAll(readable: Readable | AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of readable) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Runs a tool with `input` on stdin and returns its stdout; throws on failure. */
export function pipeThrough(command: string, args: string[], input: Buffer): Buffer {
  const result = spawnSync(command, args, { input, maxBuffer: 1024 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr?.toString()}`);
  return result.stdout;
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** xorshift32: the same bytes on every run, so failures reproduce. */
export class Random {
  constructor(private state: number) {}

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  below(limit: number): number {
    return this.next() % limit;
  }

  bytes(length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    for (let index = 0; index < length; index++) buffer[index] = this.next() & 0xff;
    return buffer;
  }
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'layer', 'image', 'manifest', 'config', 'blob', 'digest', 'tar', 'gzip', '\n', '{', '}', '0', '42'];

/** Text that compresses like source code: dictionary words, numbers, line breaks. */
export function text(random: Random, length: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const word = random.below(5) === 0 ? random.next().toString(16) : WORDS[random.below(WORDS.length)];
    parts.push(word, ' ');
    size += word.length + 1;
  }
  return Buffer.from(parts.join('').slice(0, length), 'latin1');
}

/**
 * A GNU tar (made by the real tar) of a tree with text, random bytes, long runs of zeros, a
 * symlink, a hard link and an empty file: every kind of deflate block appears when compressed.
 */
export function makeMixedTar(seed: number, approximateBytes: number): Buffer {
  const random = new Random(seed);
  const dir = mkdtempSync(path.join(tmpdir(), 'cie-layer-tar-'));
  try {
    const root = path.join(dir, 'root');
    let written = 0;
    let index = 0;
    while (written < approximateBytes) {
      const folder = path.join(root, `d${index % 7}`, `sub${index % 3}`);
      mkdirSync(folder, { recursive: true });
      const kind = index % 5;
      const size = kind === 4 ? 0 : 1 + random.below(kind === 0 ? 4096 : 600 * 1024);
      const content = kind === 1 ? random.bytes(size) : kind === 2 ? Buffer.alloc(size) : text(random, size);
      writeFileSync(path.join(folder, `file-${index}.${['txt', 'bin', 'zero', 'log', 'empty'][kind]}`), content);
      written += size + 512;
      index++;
    }
    writeFileSync(path.join(root, 'last-file.txt'), 'the last file\n');
    spawnSync('ln', ['-s', 'last-file.txt', path.join(root, 'link-to-last')]);
    spawnSync('ln', [path.join(root, 'last-file.txt'), path.join(root, 'hard-link-to-last')]);
    const result = spawnSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@1700000000', '-cf', '-', '-C', root, '.'], { maxBuffer: 1024 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`tar failed: ${result.stderr?.toString()}`);
    return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function temporaryDirectory(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** GNU tar's type letter for an entry, as `tar -tv` prints it. */
const TYPE_LETTER: Record<TarEntry['type'], string> = { file: '-', directory: 'd', symlink: 'l', hardlink: 'h', 'character-device': 'c', 'block-device': 'b', fifo: 'p', contiguous: '-', unknown: '?' };

/** A name as `tar --quoting-style=escape` prints it (C escapes, octal for other bytes). */
function gnuEscape(bytes: Buffer): string {
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 92: '\\\\' };
  let text = '';
  for (const byte of bytes) text += named[byte] ?? (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, '0')}`);
  return text;
}

/** The ways `tar -tv` may print a name: as is in a UTF-8 locale, escaped bytes in the C locale. */
function escapedNames(name: string): string[] {
  return [name, gnuEscape(Buffer.from(name, 'utf8')), gnuEscape(Buffer.from(name, 'latin1'))];
}

export async function layersOf(source: ImageSource): Promise<Descriptor[]> {
  const graph = await buildImageGraph(source);
  return graph.nodes.filter((node) => node.kind === 'layer' && node.present).map((node) => ({ mediaType: node.mediaType, digest: node.digest, size: node.size }));
}

/** The layer blob decompressed by the real tools, written to a file for GNU tar. */
async function decompressedLayer(source: ImageSource, layer: Descriptor, dir: string): Promise<string> {
  const blob = await readAll(await source.open(layer.digest));
  const compression = detectCompression(blob);
  const tar = compression === 'gzip' ? pipeThrough('gzip', ['-dc'], blob) : compression === 'zstd' ? pipeThrough('zstd', ['-dc'], blob) : blob;
  const file = path.join(dir, `${layer.digest.slice(7, 19)}.tar`);
  writeFileSync(file, tar);
  return file;
}


function readAsLatin1(name: string): boolean {
  for (let index = 0; index < name.length; index++) if (name.charCodeAt(index) > 0xff) return false;
  return !isUtf8(Buffer.from(name, 'latin1'));
}

/**
 * Indexes `layer` and checks it against GNU tar on the layer decompressed by gzip/zstd: the same
 * entries in order (name, type, size of files), the same size, and every regular file read
 * through the store equal to its bytes in the tar and (names seen once) to `tar -xOf`.
 */
export async function compareWithGnuTar(store: LayerStore, source: ImageSource, layer: Descriptor, workDir: string, options: { tarMayFail?: boolean; maxTarExtracts?: number } = {}): Promise<void> {
  const index = await store.index(source, layer);
  const tarFile = await decompressedLayer(source, layer, workDir);
  const tar = readFileSync(tarFile);
  assert.equal(index.uncompressedSize, tar.length, `${layer.digest}: uncompressed size`);
  const listing = listTar(tarFile);
  if (listing.error === undefined) {
    assert.equal(index.entries.length, listing.entries.length, `${layer.digest}: entry count`);
    index.entries.forEach((entry, position) => {
      const item = listing.entries[position];
      assert.ok(escapedNames(entry.path).includes(item.path), `${layer.digest}: entry ${position} is ${item.path}, we have ${entry.path}`);
      assert.equal(TYPE_LETTER[entry.type], item.type, `${entry.path}: type`);
      if (entry.type === 'file') assert.equal(entry.size, item.size, `${entry.path}: size`);
    });
  } else {
    assert.ok(options.tarMayFail, `GNU tar failed on ${layer.digest}: ${listing.error}`);
  }
  const files = index.entries.filter((entry) => entry.type === 'file');
  const seen = new Map<string, number>();
  files.forEach((entry) => seen.set(entry.path, (seen.get(entry.path) ?? 0) + 1));
  let extracts = 0;
  for (const entry of files) {
    const data = await readAll(await store.readEntry(source, layer, entry));
    if (entry.sparse === undefined) assert.ok(data.equals(tar.subarray(entry.dataOffset, entry.dataOffset + entry.size)), `${entry.path}: data at its offset`);
    // A name that was not UTF-8 (read as Latin-1) cannot be passed to tar as an argument.
    if (listing.error !== undefined || seen.get(entry.path) !== 1 || readAsLatin1(entry.path) || extracts++ >= (options.maxTarExtracts ?? 200)) continue;
    const byTar = spawnSync('tar', ['-xOf', tarFile, '--no-wildcards', '--', entry.path], { maxBuffer: 256 * 1024 * 1024 });
    assert.equal(byTar.status, 0, byTar.stderr?.toString());
    assert.ok(data.equals(byTar.stdout), `${entry.path}: same bytes as tar -xOf`);
  }
}
