/**
 * LayerStore over real image fixtures (test/fixtures/generated, via openSource): every layer's
 * index is compared with GNU tar's listing of the decompressed layer and files with `tar -xOf`;
 * the disk cache is reused by a second store without reading the layer; concurrent callers share
 * one pass; bombs, cut and damaged layers fail with errors that name the layer; cancellation
 * leaves no cache file behind.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { isImageError } from '../../src/core/errors';
import { LayerStore } from '../../src/core/layers/layerStore';
import { openSource } from '../../src/core/sources/openSource';
import type { TarEntry } from '../../src/core/tar/tarEntry';
import { TarStreamParser } from '../../src/core/tar/tarStreamParser';
import { compareWithGnuTar, CountingSource, hasCommand, layersOf, makeMixedTar, MemorySource, readAll, temporaryDirectory } from './layerTestHelpers';

const FIXTURES = path.resolve(__dirname, '../fixtures/generated');
const FIXTURE_SOURCES = ['oci-layout', 'zstd-layout', 'docker-archive.tar', 'docker25.tar', 'oci-archive.tar', 'containerd-save.tar', 'zstd-archive.tar', 'unterminated-layer-layout', 'docker-archive.tar.zst'];

function expectImageError(error: unknown, code: string, pattern: RegExp): true {
  assert.ok(isImageError(error), `expected an ImageError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.match(error.message, pattern);
  return true;
}

function gzipOfZeros(bytes: number): Buffer {
  const deflate = zlib.createGzip({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => parts.push(chunk));
  const block = Buffer.alloc(1 << 20);
  for (let written = 0; written < bytes; written += block.length) deflate.write(block);
  deflate.end();
  return new Promise<Buffer>((resolve) => deflate.on('end', () => resolve(Buffer.concat(parts)))) as unknown as Buffer;
}

describe('layers: LayerStore', function () {
  this.timeout(600_000);
  let cacheDir: string;
  let workDir: string;
  beforeEach(() => {
    cacheDir = temporaryDirectory('cie-layer-cache-');
    workDir = temporaryDirectory('cie-layer-work-');
  });
  afterEach(() => {
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  describe('fixture images against GNU tar', () => {
    for (const name of FIXTURE_SOURCES) {
      it(name, async function () {
        const location = path.join(FIXTURES, name);
        if (!existsSync(location)) this.skip();
        const source = await openSource(location);
        try {
          const store = new LayerStore({ cacheDirectory: cacheDir, span: 64 * 1024 });
          const layers = await layersOf(source);
          assert.ok(layers.length > 0, 'the image has layers');
          for (const layer of layers) await compareWithGnuTar(store, source, layer, workDir, { tarMayFail: name.includes('unterminated') });
        } finally {
          await source.close();
        }
      });
    }
  });

  describe('cache', () => {
    it('a second store loads the index from disk without reading the layer', async function () {
      const location = path.join(FIXTURES, 'oci-layout');
      if (!existsSync(location)) this.skip();
      const source = new CountingSource(await openSource(location));
      try {
        const layers = await layersOf(source);
        const first = new LayerStore({ cacheDirectory: cacheDir });
        const indexes = [];
        for (const layer of layers) indexes.push(await first.index(source, layer));
        assert.equal(first.counters.scans, layers.length);
        const opensAfterFirst = source.opens;
        for (const layer of layers) await first.index(source, layer);
        assert.equal(first.counters.memoryHits, layers.length, 'the same store answers from memory');
        const files = readdirSync(cacheDir);
        assert.deepEqual(files.sort(), layers.map((layer) => `${layer.digest.slice(7)}.cie-layer-index`).sort(), 'one file per layer, named by digest hex');
        const second = new LayerStore({ cacheDirectory: cacheDir });
        for (const [position, layer] of layers.entries()) assert.deepStrictEqual(await second.index(source, layer), indexes[position]);
        assert.equal(source.opens, opensAfterFirst, 'the second store did not open the layers');
        assert.deepEqual(second.counters, { scans: 0, diskHits: layers.length, memoryHits: 0 });
      } finally {
        await source.close();
      }
    });

    it('a damaged cache file is ignored and rewritten', async () => {
      const source = new MemorySource();
      const layer = source.add(zlib.gzipSync(makeMixedTar(11, 200_000)));
      const expected = await new LayerStore({ cacheDirectory: cacheDir }).index(source, layer);
      const file = path.join(cacheDir, `${layer.digest.slice(7)}.cie-layer-index`);
      const damaged = readFileSync(file);
      damaged[Math.floor(damaged.length / 2)] ^= 0xff;
      writeFileSync(file, damaged);
      const store = new LayerStore({ cacheDirectory: cacheDir });
      assert.deepStrictEqual(await store.index(source, layer), expected);
      assert.equal(store.counters.scans, 1);
      const again = new LayerStore({ cacheDirectory: cacheDir });
      await again.index(source, layer);
      assert.equal(again.counters.diskHits, 1, 'the rewritten file is good');
    });

    it('concurrent callers of one digest share one pass', async () => {
      const source = new CountingSource(new MemorySource());
      const inner = (source as unknown as { inner: MemorySource }).inner;
      const layer = inner.add(zlib.gzipSync(makeMixedTar(12, 1_000_000)));
      const store = new LayerStore({ cacheDirectory: cacheDir });
      const results = await Promise.all([store.index(source, layer), store.index(source, layer), store.index(source, layer)]);
      assert.equal(store.counters.scans, 1);
      assert.equal(source.opens, 1);
      assert.ok(results[0] === results[1] && results[1] === results[2]);
    });

    it('still answers when the cache directory cannot be written, and says why', async () => {
      const blocker = path.join(cacheDir, 'a-file');
      writeFileSync(blocker, 'not a directory');
      const warnings: string[] = [];
      const source = new MemorySource();
      const layer = source.add(zlib.gzipSync(makeMixedTar(18, 100_000)));
      const store = new LayerStore({ cacheDirectory: path.join(blocker, 'layers'), onWarning: (message) => warnings.push(message) });
      assert.ok((await store.index(source, layer)).entries.length > 0);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], new RegExp(`could not write the index of layer ${layer.digest}`));
    });

    it('indexes an empty blob and a bare end-of-archive as layers without entries', async () => {
      const source = new MemorySource();
      const store = new LayerStore({ cacheDirectory: cacheDir });
      for (const bytes of [Buffer.alloc(0), Buffer.alloc(1024), zlib.gzipSync(Buffer.alloc(10240))]) {
        const index = await store.index(source, source.add(bytes));
        assert.deepEqual(index.entries, []);
      }
    });

    it('refuses a digest that is not algorithm:hex before it becomes a path', async () => {
      const store = new LayerStore({ cacheDirectory: cacheDir });
      await assert.rejects(store.index(new MemorySource(), { mediaType: 'x', digest: 'sha256:../../etc/passwd', size: 1 }), (error: unknown) => expectImageError(error, 'invalid-digest', /not a valid digest/));
      assert.deepEqual(readdirSync(cacheDir), []);
    });
  });

  describe('reads', () => {
    it('reads a range of a file, and only about a span of compressed bytes for a file at the end', async () => {
      const tar = makeMixedTar(13, 8 * 1024 * 1024);
      const compressed = zlib.gzipSync(tar);
      const memory = new MemorySource();
      const layer = memory.add(compressed);
      const source = new CountingSource(memory);
      const store = new LayerStore({ span: 256 * 1024 });
      const index = await store.index(source, layer);
      const last = index.entries.filter((entry) => entry.type === 'file' && entry.size > 0).at(-1) as TarEntry;
      const before = source.bytes;
      const whole = await readAll(await store.readEntry(source, layer, last));
      assert.ok(whole.equals(tar.subarray(last.dataOffset, last.dataOffset + last.size)));
      // At most one span of output before the data (plus the block it ends in), in compressed bytes.
      assert.ok(source.bytes - before < compressed.length / 4, `read ${source.bytes - before} of ${compressed.length} compressed bytes`);
      const big = index.entries.filter((entry) => entry.type === 'file').sort((a, b) => b.size - a.size)[0];
      const range = { start: Math.floor(big.size / 3), end: Math.floor(big.size / 3) + 1000 };
      const part = await readAll(await store.readEntry(source, layer, big, range));
      assert.ok(part.equals(tar.subarray(big.dataOffset + range.start, big.dataOffset + range.end)));
      await assert.rejects(store.readEntry(source, layer, big, { start: 0, end: big.size + 1 }), (error: unknown) => expectImageError(error, 'usage', /outside the entry/));
    });

    it('reads uncompressed layers with one direct range request', async () => {
      const tar = makeMixedTar(14, 1_000_000);
      const memory = new MemorySource();
      const layer = memory.add(tar, 'application/vnd.oci.image.layer.v1.tar+gzip');
      const source = new CountingSource(memory);
      const store = new LayerStore();
      const index = await store.index(source, layer);
      assert.equal(index.compression, 'none', 'magic bytes win over the media type');
      const file = index.entries.find((entry) => entry.type === 'file' && entry.size > 1000) as TarEntry;
      const data = await readAll(await store.readEntry(source, layer, file, { start: 10, end: 500 }));
      assert.ok(data.equals(tar.subarray(file.dataOffset + 10, file.dataOffset + 500)));
      assert.deepEqual(source.ranges.at(-1), { start: file.dataOffset + 10, end: file.dataOffset + 500 });
    });

    it('reads sparse files (GNU, PAX 0.0/0.1/1.0) as their logical content', async function () {
      if (!hasCommand('truncate')) this.skip();
      const dir = path.join(workDir, 'sparse');
      spawnSync('mkdir', ['-p', dir]);
      const file = path.join(dir, 'holes.bin');
      spawnSync('truncate', ['-s', String(3 * 1024 * 1024), file]);
      const content = Buffer.alloc(3 * 1024 * 1024);
      for (const [offset, text] of [[0, 'start'], [1_000_000, 'middle'], [3 * 1024 * 1024 - 4, 'end!']] as const) {
        spawnSync('dd', ['of=' + file, 'bs=1', `seek=${offset}`, 'conv=notrunc', 'status=none'], { input: text });
        content.write(text, offset, 'latin1');
      }
      for (const format of [['--format=gnu'], ['--format=posix', '--sparse-version=0.0'], ['--format=posix', '--sparse-version=0.1'], ['--format=posix', '--sparse-version=1.0']]) {
        const tar = spawnSync('tar', ['--sparse', ...format, '-cf', '-', '-C', dir, 'holes.bin'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
        const source = new MemorySource();
        const layer = source.add(zlib.gzipSync(tar));
        const store = new LayerStore();
        const [entry] = (await store.index(source, layer)).entries;
        assert.ok(entry.sparse !== undefined, `${format.join(' ')}: a sparse entry`);
        assert.ok((await readAll(await store.readEntry(source, layer, entry))).equals(content), format.join(' '));
        const range = { start: 999_990, end: 1_000_010 };
        assert.ok((await readAll(await store.readEntry(source, layer, entry, range))).equals(content.subarray(range.start, range.end)), `${format.join(' ')} range`);
      }
    });
  });

  describe('hostile and damaged layers', () => {
    it('stops a gzip bomb by ratio and by total size, naming the layer, writing nothing', async () => {
      const bomb = await (gzipOfZeros(200 * 1024 * 1024) as unknown as Promise<Buffer>);
      assert.ok(bomb.length < 300 * 1024, `${bomb.length} bytes of gzip`);
      const source = new MemorySource('bomb.tar');
      const layer = source.add(bomb);
      const byRatio = new LayerStore({ cacheDirectory: cacheDir, limits: { ratioGraceBytes: 1024 * 1024, maxCompressionRatio: 100 } });
      await assert.rejects(byRatio.index(source, layer), (error: unknown) => expectImageError(error, 'too-large', new RegExp(`bomb.tar: ${layer.digest}: the layer expands more than 100:1`)));
      const bySize = new LayerStore({ cacheDirectory: cacheDir, limits: { maxUncompressedBytes: 10 * 1024 * 1024 } });
      await assert.rejects(bySize.index(source, layer), (error: unknown) => expectImageError(error, 'too-large', /more than 10 MiB \(maxUncompressedBytes\)/));
      const byEntries = new LayerStore({ limits: { maxEntries: 5 } });
      const many = source.add(zlib.gzipSync(makeMixedTar(15, 100_000)));
      await assert.rejects(byEntries.index(source, many), (error: unknown) => expectImageError(error, 'too-large', /more than 5 entries/));
      assert.deepEqual(readdirSync(cacheDir), []);
    });

    it('names the layer and the offset for cut, damaged and non-tar layers', async () => {
      const tar = makeMixedTar(16, 2_000_000);
      const good = zlib.gzipSync(tar);
      const source = new MemorySource('image.tar');
      const store = new LayerStore();
      const cut = `sha256:${'1'.repeat(64)}`;
      source.put(cut, good.subarray(0, 500_000));
      await assert.rejects(store.index(source, { mediaType: 'x', digest: cut, size: 0 }), (error: unknown) => expectImageError(error, 'truncated', new RegExp(`image.tar: ${cut}: the gzip data ends at byte 500000, inside the compressed data`)));
      const damaged = Buffer.from(good);
      damaged.fill(0x33, 700_000, 700_100);
      const damagedDigest = `sha256:${'2'.repeat(64)}`;
      source.put(damagedDigest, damaged);
      await assert.rejects(store.index(source, { mediaType: 'x', digest: damagedDigest, size: 0 }), (error: unknown) => expectImageError(error, 'corrupt', new RegExp(`${damagedDigest}: .*(corrupt after byte \\d+|CRC-32|tar header at offset \\d+)`)));
      const notTar = source.add(zlib.gzipSync(Buffer.alloc(4096, 'x')));
      await assert.rejects(store.index(source, notTar), (error: unknown) => expectImageError(error, 'corrupt', /gzip-compressed, but what it decompresses to is not a tar archive/));
      const entries: TarEntry[] = [];
      const parser = new TarStreamParser({ onEntry: (entry) => void entries.push(entry) });
      parser.push(tar);
      const victim = entries[5].headerOffset;
      const badHeader = Buffer.from(tar);
      badHeader.fill(0x41, victim + 100, victim + 108); // the mode field: the checksum no longer adds up
      const badTar = source.add(zlib.gzipSync(badHeader));
      await assert.rejects(store.index(source, badTar), (error: unknown) => expectImageError(error, 'corrupt', new RegExp(`${badTar.digest}: tar header at offset ${victim} has a bad checksum`)));
      const xz = source.add(Buffer.from('fd377a585a000004e6d6b446', 'hex'));
      await assert.rejects(store.index(source, xz), (error: unknown) => expectImageError(error, 'unsupported', /xz-compressed/));
    });

    it('with verifyDigest, refuses bytes that do not hash to the layer digest', async () => {
      const source = new MemorySource('image.tar');
      const bytes = zlib.gzipSync(makeMixedTar(19, 100_000));
      const wrong = `sha256:${'3'.repeat(64)}`;
      source.put(wrong, bytes);
      const store = new LayerStore({ cacheDirectory: cacheDir, verifyDigest: true });
      await assert.rejects(store.index(source, { mediaType: 'x', digest: wrong, size: bytes.length }), (error: unknown) => expectImageError(error, 'digest-mismatch', /hash to sha256:[0-9a-f]{64}, not to its digest/));
      assert.ok((await store.index(source, source.add(bytes))).entries.length > 0, 'the right digest passes');
      assert.equal(readdirSync(cacheDir).length, 1, 'only the verified layer was cached');
    });

    it('says a blob of a few bytes with a gzip magic is cut', async () => {
      const source = new MemorySource();
      await assert.rejects(new LayerStore().index(source, source.add(Buffer.from([0x1f, 0x8b, 8]))), (error: unknown) => expectImageError(error, 'truncated', /inside the header of gzip member 1/));
    });

    it('reports the damaged layer of corrupt-layer.tar', async function () {
      const location = path.join(FIXTURES, 'corrupt-layer.tar');
      if (!existsSync(location)) this.skip();
      const source = await openSource(location);
      try {
        const layers = await layersOf(source);
        const largest = layers.sort((a, b) => b.size - a.size)[0];
        await assert.rejects(new LayerStore().index(source, largest), (error: unknown) => expectImageError(error, 'corrupt', new RegExp(largest.digest)));
      } finally {
        await source.close();
      }
    });
  });

  describe('cancellation and progress', () => {
    const tar = makeMixedTar(17, 12 * 1024 * 1024);
    const compressed = zlib.gzipSync(tar, { level: 1 });

    it('reports compressed bytes read against the total', async () => {
      const source = new MemorySource();
      const layer = source.add(compressed);
      const updates: Array<{ done?: number; total?: number }> = [];
      await new LayerStore().index(source, layer, { progress: (update) => updates.push(update) });
      assert.ok(updates.length >= 1);
      assert.ok(updates.every((update) => update.total === compressed.length && (update.done ?? 0) <= compressed.length));
      assert.equal(updates.at(-1)?.done, compressed.length);
    });

    it('an aborted index() rejects with cancelled and leaves no cache file', async () => {
      const source = new MemorySource();
      const layer = source.add(compressed);
      const store = new LayerStore({ cacheDirectory: cacheDir });
      const controller = new AbortController();
      const pending = store.index(source, layer, { signal: controller.signal, progress: () => controller.abort() });
      await assert.rejects(pending, (error: unknown) => expectImageError(error, 'cancelled', new RegExp(layer.digest)));
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(readdirSync(cacheDir), []);
      // A later call starts afresh and succeeds.
      assert.equal((await store.index(source, layer)).uncompressedSize, tar.length);
    });

    it('one caller giving up does not cancel the pass for the others', async () => {
      const source = new MemorySource();
      const layer = source.add(compressed);
      const store = new LayerStore({ cacheDirectory: cacheDir });
      const controller = new AbortController();
      const quitter = store.index(source, layer, { signal: controller.signal });
      const stayer = store.index(source, layer);
      controller.abort();
      await assert.rejects(quitter, (error: unknown) => expectImageError(error, 'cancelled', /cancelled/));
      assert.equal((await stayer).uncompressedSize, tar.length);
      assert.equal(store.counters.scans, 1);
    });

    it('an aborted read stops with cancelled', async () => {
      const source = new MemorySource();
      const layer = source.add(compressed);
      const store = new LayerStore();
      const index = await store.index(source, layer);
      const big = index.entries.filter((entry) => entry.type === 'file').sort((a, b) => b.size - a.size)[0];
      const controller = new AbortController();
      const readable = await store.readEntry(source, layer, big, undefined, { signal: controller.signal });
      controller.abort();
      await assert.rejects(readAll(readable), (error: unknown) => expectImageError(error, 'cancelled', /cancelled/));
    });
  });
});
