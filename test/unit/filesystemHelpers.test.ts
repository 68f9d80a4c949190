/**
 * Helpers for the filesystem tests (test/unit/filesystem*.test.ts), with tests of their own:
 * layers written as real tars by tar-stream, an in-memory image source, and a tiny LayerReader
 * (indexTar over uncompressed layers, parseTarStream over gzip) independent of LayerStore.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';
import * as tarStream from 'tar-stream';
import { detectCompression } from '../../src/core/compression/detect';
import { BufferByteSource } from '../../src/core/io/byteSource';
import type { LayerIndex, LayerReader } from '../../src/core/layers/layerIndex';
import type { Descriptor } from '../../src/core/model/descriptor';
import type { ImageSource } from '../../src/core/sources/imageSource';
import { indexTar } from '../../src/core/tar/tarIndex';
import { MemorySource } from './layerTestHelpers';
import type { TarEntry } from '../../src/core/tar/tarEntry';
import { parseTarStream } from '../../src/core/tar/tarStreamParser';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/corpus');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test/fixtures/generated');

/** One entry of a layer to write: a file (with content), directory, symlink, hard link or device. */
export interface LayerEntrySpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
}

/** A real tar (ustar/PAX as tar-stream writes it) of `entries`, in the order given. */
export async function writeLayer(entries: readonly LayerEntrySpec[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const spec of entries) {
    const type = spec.type ?? 'file';
    const content = type === 'file' ? Buffer.from(spec.content ?? '') : Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      pack.entry(
        {
          name: spec.name,
          type,
          linkname: spec.linkname,
          mode: spec.mode ?? (type === 'directory' ? 0o755 : 0o644),
          uid: spec.uid ?? 0,
          gid: spec.gid ?? 0,
          mtime: new Date((spec.mtime ?? 1_700_000_000) * 1000),
          size: content.length,
        },
        content,
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The entries of an uncompressed tar held in memory. */
export async function entriesOf(tar: Buffer): Promise<TarEntry[]> {
  return indexTar(new BufferByteSource('layer.tar', tar));
}

/** Blobs in memory: layers made by writeLayer, as an image source (the layer tests' MemorySource). */
export class MemoryImage extends MemorySource {
  constructor() {
    super('memory-image');
  }

  /** Adds a layer (gzip-compressed with `gzip`) and returns its descriptor; a media type string adds the bytes as they are. */
  override add(tar: Buffer, gzip: boolean | string = false): Descriptor {
    if (typeof gzip === 'string') return super.add(tar, gzip);
    return gzip ? super.add(gzipSync(tar), 'application/vnd.oci.image.layer.v1.tar+gzip') : super.add(tar, 'application/vnd.oci.image.layer.v1.tar');
  }
}

async function readAll(readable: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The smallest LayerReader that works: indexTar over an uncompressed layer, parseTarStream over a
 * gunzipped one; readEntry slices the whole decompressed tar (fine for test-sized layers).
 */
export class TinyLayerReader implements LayerReader {
  async index(source: ImageSource, layer: Descriptor): Promise<LayerIndex> {
    const blob = await readAll(await source.open(layer.digest));
    const compression = detectCompression(blob);
    let entries: TarEntry[];
    let uncompressedSize = blob.length;
    if (compression === 'gzip') {
      entries = [];
      const gunzip = Readable.from([blob]).pipe(createGunzip());
      let seen = 0;
      gunzip.on('data', (chunk: Buffer) => (seen += chunk.length));
      await parseTarStream(gunzip, { onEntry: (entry) => void entries.push(entry) });
      uncompressedSize = seen;
    } else entries = await entriesOf(blob);
    return { digest: layer.digest, compression, compressedSize: blob.length, uncompressedSize, entries };
  }

  async readEntry(source: ImageSource, layer: Descriptor, entry: TarEntry, range?: { start: number; end: number }): Promise<Readable> {
    let tar = await readAll(await source.open(layer.digest));
    if (detectCompression(tar) === 'gzip') tar = await readAll(Readable.from([tar]).pipe(createGunzip()));
    const start = entry.dataOffset + (range?.start ?? 0);
    return Readable.from([tar.subarray(start, entry.dataOffset + (range?.end ?? entry.size))]);
  }
}

export async function readStream(readable: Readable): Promise<Buffer> {
  return readAll(readable);
}

/** Skips the calling test or suite (from a hook) when ../shared/corpus is absent, saying so once. */
let corpusWarned = false;
export function requireCorpus(context: Mocha.Context, relative = ''): string {
  const full = path.join(CORPUS_DIR, relative);
  if (!existsSync(full)) {
    if (!corpusWarned) console.warn(`      skipped: corpus not found at ${full}`);
    corpusWarned = true;
    context.skip();
  }
  return full;
}

describe('filesystem test helpers', () => {
  it('writeLayer writes a tar that indexTar and the tiny reader read back, plain and gzip', async () => {
    const tar = await writeLayer([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/hostname', content: 'box\n' },
      { name: 'etc/link', type: 'symlink', linkname: 'hostname' },
    ]);
    const image = new MemoryImage();
    const reader = new TinyLayerReader();
    for (const gzip of [false, true]) {
      const layer = image.add(tar, gzip);
      const index = await reader.index(image, layer);
      assert.deepEqual(
        index.entries.map((entry) => [entry.path, entry.type]),
        [
          ['etc/', 'directory'],
          ['etc/hostname', 'file'],
          ['etc/link', 'symlink'],
        ],
      );
      const data = await readStream(await reader.readEntry(image, layer, index.entries[1]));
      assert.equal(data.toString(), 'box\n');
    }
  });
});
