import * as assert from 'node:assert/strict';
import { createReadStream, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';
import { isImageError } from '../../src/core/errors';
import { BufferByteSource, FileByteSource } from '../../src/core/io/byteSource';
import type { TarEntry } from '../../src/core/tar/tarEntry';
import { isTarFormatError, TarFormatError } from '../../src/core/tar/tarErrors';
import { indexTar } from '../../src/core/tar/tarIndex';
import { parseTarStream, TarStreamParser, type TarStreamOptions } from '../../src/core/tar/tarStreamParser';
import {
  assertMatchesGnu,
  CORPUS_DIR,
  corpusBytes,
  corpusTars,
  END,
  entry,
  gnuList,
  hasGnuTar,
  makeHeader,
  paxHeader,
  random,
  requireCorpus,
  runTar,
  withTimeout,
} from './tarFixtures';

/** What a driver made of an archive: its entries, or the error it stopped with. */
interface Outcome {
  entries: TarEntry[];
  error?: { code: string; reason: string; offset: number; message: string };
  /** Captured data per entry index (stream driver only). */
  data?: Map<number, Buffer>;
}

function describeError(error: unknown): Outcome['error'] {
  if (!(error instanceof TarFormatError)) throw new Error(`not a TarFormatError: ${String(error)}`, { cause: error });
  return { code: error.code, reason: error.reason, offset: error.offset, message: error.message };
}

/** indexTar over the file itself when given one, else over the bytes. */
async function viaIndex(bytes: Buffer, name = 'archive.tar', file?: string): Promise<Outcome> {
  const source = file === undefined ? new BufferByteSource(name, bytes) : await FileByteSource.open(file);
  try {
    return { entries: await withTimeout(indexTar(source), 10_000, 'indexTar') };
  } catch (error) {
    return { entries: [], error: describeError(error) };
  } finally {
    if (source instanceof FileByteSource) await source.close();
  }
}

/** Pushes `bytes` in chunks of the sizes `nextSize` gives, capturing every entry's data. */
function viaStream(bytes: Buffer, nextSize: () => number, options: TarStreamOptions = { name: 'archive.tar' }): Outcome & { emitted: number } {
  const entries: TarEntry[] = [];
  const data = new Map<number, Buffer[]>();
  const parser = new TarStreamParser(
    {
      onEntry(item) {
        entries.push(item);
        data.set(entries.length - 1, []);
        return 'capture';
      },
      onData(item, chunk) {
        assert.equal(item, entries.at(-1), 'data belongs to the entry just announced');
        data.get(entries.length - 1)?.push(Buffer.from(chunk));
      },
    },
    options,
  );
  try {
    for (let offset = 0; offset < bytes.length; ) {
      const size = Math.max(1, nextSize());
      parser.push(bytes.subarray(offset, offset + size));
      offset += size;
    }
    parser.end();
  } catch (error) {
    return { entries: [], error: describeError(error), emitted: entries.length };
  }
  const joined = new Map([...data].map(([at, chunks]) => [at, Buffer.concat(chunks)]));
  return { entries, data: joined, emitted: entries.length };
}

/** Both drivers agree: same entries, or the same error at the same offset; captured data is right. */
function assertAgree(index: Outcome, stream: Outcome, bytes: Buffer, label: string): void {
  if (index.error !== undefined || stream.error !== undefined) {
    assert.deepEqual(stream.error, index.error, `${label}: errors differ`);
    return;
  }
  assert.deepEqual(stream.entries, index.entries, `${label}: entries differ`);
  stream.entries.forEach((item, at) => {
    const stored = item.sparse?.storedSize ?? item.size;
    const expected = bytes.subarray(item.dataOffset, item.dataOffset + stored);
    assert.ok(stream.data?.get(at)?.equals(expected) ?? stored === 0, `${label}: captured data of ${item.path}`);
  });
}

function chunkers(seed: number, length: number): Array<[string, () => number]> {
  const next = random(seed);
  const list: Array<[string, () => number]> = [
    ['whole', () => length],
    ['random 1-1000 bytes', () => 1 + Math.floor(next() * 1000)],
    ['random 1-100000 bytes', () => 1 + Math.floor(next() * 100_000)],
    ['512-byte aligned 64 KiB', () => 65536],
  ];
  if (length <= 512 * 1024) list.push(['1 byte', () => 1]);
  return list;
}

describe('TarStreamParser: agrees with indexTar on every corpus tar, in any chunking', function () {
  before(function () {
    requireCorpus(this);
  });

  it('finds the corpus', function () {
    requireCorpus(this);
    assert.ok(corpusTars().length > 20);
  });

  for (const relative of corpusTars()) {
    it(relative, async function () {
      const bytes = corpusBytes(relative);
      const file = path.join(CORPUS_DIR, relative);
      const plain = readFileSync(file).subarray(0, 2).toString('hex') !== '1f8b';
      // Plain tars are indexed from the file (FileByteSource), gzip ones from their bytes; errors name the file either way.
      const index = await viaIndex(bytes, file, plain ? file : undefined);
      for (const [how, nextSize] of chunkers(relative.length, bytes.length)) assertAgree(index, viaStream(bytes, nextSize, { name: file }), bytes, `${relative} (${how})`);
    });
  }
});

/** Go archive/tar TestReadTruncation, with archives of the same layout written here. */
describe('TarStreamParser and indexTar: where an archive may end (Go TestReadTruncation)', () => {
  // data1 is laid out like Go's gnu.tar: two small files, then the end blocks.
  const data1 = Buffer.concat([entry({ name: 'small.txt', format: 'gnu' }, 'Kilts'), entry({ name: 'small2.txt', format: 'gnu' }, 'Google.com\n'), END]);
  // data2 like ustar-file-reg.tar: one file whose data ends at 1196, padding to 1536, ten zero blocks.
  const data2 = Buffer.concat([entry({ name: 'foo' }, Buffer.alloc(684, 'r')), Buffer.alloc(10 * 512)]);
  const pax = paxHeader([['path', 'PAX1/PAX1/long-path-name']]);
  const trash = Buffer.from('garbage '.repeat(64));
  const cut = (bytes: Buffer, end: number) => bytes.subarray(0, end);
  const join = (...parts: Buffer[]) => Buffer.concat(parts);
  const vectors: Array<[string, Buffer, number, 'ok' | 'truncated' | 'corrupt']> = [
    ['empty', Buffer.alloc(0), 0, 'ok'],
    ['data1[:511]', cut(data1, 511), 0, 'truncated'],
    ['data1[:512]', cut(data1, 512), 1, 'truncated'],
    ['data1[:1024]', cut(data1, 1024), 1, 'ok'],
    ['data1[:1536]', cut(data1, 1536), 2, 'truncated'],
    ['data1[:2048]', cut(data1, 2048), 2, 'ok'],
    ['data1', data1, 2, 'ok'],
    ['data1[:2048] + data2[:1536]', join(cut(data1, 2048), cut(data2, 1536)), 3, 'ok'],
    ['data2[:511]', cut(data2, 511), 0, 'truncated'],
    ['data2[:512]', cut(data2, 512), 1, 'truncated'],
    ['data2[:1195]', cut(data2, 1195), 1, 'truncated'],
    ['data2[:1196] (end of data, no padding)', cut(data2, 1196), 1, 'ok'],
    ['data2[:1200]', cut(data2, 1200), 1, 'ok'],
    ['data2[:1535]', cut(data2, 1535), 1, 'ok'],
    ['data2[:1536]', cut(data2, 1536), 1, 'ok'],
    ['data2[:1536] + trash[:1]', join(cut(data2, 1536), trash.subarray(0, 1)), 1, 'truncated'],
    ['data2[:1536] + trash[:511]', join(cut(data2, 1536), trash.subarray(0, 511)), 1, 'truncated'],
    ['data2[:1536] + trash', join(cut(data2, 1536), trash), 1, 'corrupt'],
    ['data2[:2048] (one zero block)', cut(data2, 2048), 1, 'ok'],
    ['data2[:2048] + trash[:1]', join(cut(data2, 2048), trash.subarray(0, 1)), 1, 'truncated'],
    ['data2[:2048] + trash[:511]', join(cut(data2, 2048), trash.subarray(0, 511)), 1, 'truncated'],
    ['data2[:2048] + trash', join(cut(data2, 2048), trash), 1, 'corrupt'],
    ['data2[:2560] (two zero blocks)', cut(data2, 2560), 1, 'ok'],
    ['data2[:2560] + trash[:1]', join(cut(data2, 2560), trash.subarray(0, 1)), 1, 'ok'],
    ['data2[:2560] + trash[:511]', join(cut(data2, 2560), trash.subarray(0, 511)), 1, 'ok'],
    ['data2[:2560] + trash', join(cut(data2, 2560), trash), 1, 'ok'],
    ['data2[:3072]', cut(data2, 3072), 1, 'ok'],
    ['pax (a PAX header, no entry)', pax, 0, 'ok'],
    ['pax + trash[:1]', join(pax, trash.subarray(0, 1)), 0, 'truncated'],
    ['pax + trash[:511]', join(pax, trash.subarray(0, 511)), 0, 'truncated'],
  ];
  for (const [label, input, count, outcome] of vectors) {
    it(`${label}: ${count} entries, ${outcome}`, async () => {
      const index = await viaIndex(input);
      const streams = chunkers(count, input.length).map(([, size]) => viaStream(input, size));
      for (const result of [index, ...streams]) assert.equal(result.error?.code ?? 'ok', outcome, `${label}: ${result.error?.message}`);
      if (index.error === undefined) assert.equal(index.entries.length, count);
      for (const result of streams) {
        assert.equal(result.emitted, count, `${label}: entries announced before the end`);
        assertAgree(index, result, input, label);
      }
    });
  }
});

describe('TarStreamParser: data capture', () => {
  const archive = Buffer.concat([entry({ name: 'a' }, 'A'.repeat(700)), paxHeader([['path', 'b'.repeat(300)]]), entry({ name: 'b' }, 'B'.repeat(5)), entry({ name: 'c' }, 'C'.repeat(1024)), END]);

  it('hands over data only for entries the handler captures, as views of the pushed chunk', () => {
    const seen: string[] = [];
    const parser = new TarStreamParser({
      onEntry: (item) => (item.path === 'c' ? 'capture' : undefined),
      onData(item, chunk) {
        seen.push(`${item.path}:${chunk.length}`);
        assert.equal(chunk.buffer, archive.buffer, 'no copy of the data');
      },
    });
    parser.push(archive);
    parser.end();
    assert.deepEqual(seen, ['c:1024']);
  });

  it('splits captured data at chunk boundaries and never hands over padding', () => {
    const chunks: string[] = [];
    const parser = new TarStreamParser({ onEntry: () => 'capture', onData: (item, chunk) => chunks.push(`${item.path.slice(0, 1)}${chunk.length}`) });
    for (let offset = 0; offset < archive.length; offset += 600) parser.push(archive.subarray(offset, offset + 600));
    parser.end();
    assert.deepEqual(chunks, ['a88', 'a600', 'a12', 'b5', 'c104', 'c600', 'c320']);
  });

  it('calls onEnd once on a clean end, never after an error, and refuses pushes after a failure', () => {
    let ends = 0;
    const parser = new TarStreamParser({ onEntry: () => undefined, onEnd: () => ends++ });
    parser.push(archive);
    parser.end();
    parser.end();
    assert.equal(ends, 1);
    const failing = new TarStreamParser({ onEntry: () => undefined, onEnd: () => ends++ }, { name: 'cut.tar' });
    failing.push(archive.subarray(0, 1000));
    assert.throws(() => failing.end(), (error: unknown) => isTarFormatError(error, 'truncated') && /^cut\.tar: a: /.test((error as Error).message));
    assert.throws(() => failing.push(archive), (error: unknown) => isTarFormatError(error, 'truncated'));
    assert.equal(ends, 1);
  });

  it('streams past a base-256 size of 9 GiB without copying, in well under a second per GiB', () => {
    const nineGiB = 9 * 1024 ** 3;
    const size = Buffer.alloc(12);
    size[0] = 0x80;
    size.writeUIntBE(nineGiB, 6, 6);
    const zeros = Buffer.alloc(1024 * 1024);
    const names: Array<[string, number, number]> = [];
    const parser = new TarStreamParser({ onEntry: (item) => void names.push([item.path, item.size, item.dataOffset]) });
    const started = Date.now();
    parser.push(makeHeader({ name: 'huge.img', format: 'gnu', raw: [[124, size]] }));
    for (let pushed = 0; pushed < nineGiB; pushed += zeros.length) parser.push(zeros);
    parser.push(Buffer.concat([entry({ name: 'after' }, 'x'), END]));
    parser.end();
    assert.deepEqual(names, [
      ['huge.img', nineGiB, 512],
      ['after', 1, 512 + nineGiB + 512],
    ]);
    assert.ok(Date.now() - started < 9_000, `took ${Date.now() - started} ms`);
  });
});

describe('parseTarStream', () => {
  const files = Array.from({ length: 300 }, (_, at) => entry({ name: `dir/file-${at}.txt`, mtime: 1_600_000_000 + at }, `content of ${at}\n`.repeat(at % 7)));
  const archive = Buffer.concat([...files, END]);

  it('reads a gzip stream from disk with the same entries as indexTar', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'cie-tar-stream-'));
    try {
      const file = path.join(work, 'layer.tar.gz');
      writeFileSync(file, gzipSync(archive));
      const entries: TarEntry[] = [];
      await parseTarStream(createReadStream(file).pipe(createGunzip()), { onEntry: (item) => void entries.push(item) }, { name: file });
      assert.deepEqual(entries, await indexTar(new BufferByteSource('layer.tar', archive)));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('pulls the input only as fast as it parses it (backpressure)', async () => {
    let produced = 0;
    let seen = 0;
    let maxAhead = 0;
    const block = entry({ name: 'f' }, 'x'.repeat(100));
    const input = new Readable({
      highWaterMark: 4096,
      read() {
        maxAhead = Math.max(maxAhead, produced - seen);
        this.push(produced++ < 20_000 ? block : null);
      },
    });
    await parseTarStream(input, { onEntry: () => void seen++ });
    assert.equal(seen, 20_000);
    assert.ok(maxAhead < 2_000, `read ${maxAhead} entries ahead of the parser`);
  });

  it('stops reading when a handler throws, and passes its error on', async () => {
    let produced = 0;
    const input = Readable.from(
      (function* () {
        for (const file of files) {
          produced++;
          yield file;
        }
      })(),
    );
    const failure = new Error('handler failed');
    await assert.rejects(
      parseTarStream(input, {
        onEntry: (item) => {
          if (item.path === 'dir/file-10.txt') throw failure;
        },
      }),
      (error: unknown) => error === failure,
    );
    assert.ok(produced < 100, `produced ${produced} of ${files.length} entries`);
  });

  it('rejects with ImageError cancelled on abort, before or during the stream', async () => {
    const before = new AbortController();
    before.abort();
    const unread = Readable.from([archive]);
    await assert.rejects(parseTarStream(unread, { onEntry: () => undefined }, { signal: before.signal }), (error: unknown) => isImageError(error, 'cancelled'));
    assert.ok(unread.destroyed, 'the input is released');
    const during = new AbortController();
    let seen = 0;
    const slow = Readable.from(
      (async function* () {
        for (const file of files) {
          await new Promise((resolve) => setImmediate(resolve));
          yield file;
        }
      })(),
    );
    await assert.rejects(
      parseTarStream(
        slow,
        {
          onEntry: () => {
            if (++seen === 5) during.abort();
          },
        },
        { signal: during.signal },
      ),
      (error: unknown) => isImageError(error, 'cancelled'),
    );
    assert.ok(seen < 50);
  });

  it('passes the readable’s own error through untouched, and names the stream in tar errors', async () => {
    const broken = new Error('incorrect header check');
    const failing = new Readable({
      read() {
        this.destroy(broken);
      },
    });
    await assert.rejects(parseTarStream(failing, { onEntry: () => undefined }), (error: unknown) => error === broken);
    await assert.rejects(parseTarStream(Readable.from([archive.subarray(0, 5000)]), { onEntry: () => undefined }, { name: 'layer sha256:ab12' }), (error: unknown) => isTarFormatError(error, 'truncated') && /^layer sha256:ab12: /.test((error as Error).message));
    await assert.rejects(parseTarStream(Readable.from([Buffer.alloc(1024, 'x')]), { onEntry: () => undefined }, { name: 'notes.txt' }), (error: unknown) => isTarFormatError(error, 'not-a-tar') && /^notes\.txt: not a tar/.test((error as Error).message));
  });
});

/** Random archives, written by GNU tar and by hand: both drivers must agree, and match GNU tar. */
describe('TarStreamParser and indexTar: property tests', function () {
  const names = ['plain', 'caf\u00e9', '\u263a\u263b', 'sp ace', 'dots.and-dashes_', 'UPPER', '0123456789'];

  function randomName(next: () => number, length: number): string {
    let name = '';
    while (name.length < length) name += `${names[Math.floor(next() * names.length)]}${name.length % 3 === 0 ? '/' : '-'}`;
    return name.replace(/\/+$/, '').slice(0, length).replace(/\/$/, 'x');
  }

  it('archives of random trees written by GNU tar in random formats', async function () {
    if (!hasGnuTar()) this.skip();
    const work = mkdtempSync(path.join(tmpdir(), 'cie-tar-property-'));
    try {
      for (let seed = 1; seed <= 12; seed++) {
        const next = random(seed);
        const tree = path.join(work, `tree-${seed}`);
        mkdirSync(tree);
        const written: string[] = [];
        for (let file = 0; file < 25; file++) {
          const relative = `${randomName(next, 1 + Math.floor(next() * (next() < 0.3 ? 250 : 40)))}-${file}`;
          const full = path.join(tree, relative);
          mkdirSync(path.dirname(full), { recursive: true });
          const kind = next();
          if (kind < 0.1 && written.length > 0) symlinkSync(written[Math.floor(next() * written.length)], full);
          else if (kind < 0.2 && written.length > 0) linkSync(path.join(tree, written[Math.floor(next() * written.length)]), full);
          else {
            const sizes = [0, 1, 511, 512, 513, 1024, 4097, Math.floor(next() * 70_000)];
            writeFileSync(full, Buffer.alloc(sizes[Math.floor(next() * sizes.length)], String(file % 10)));
            written.push(relative);
          }
        }
        const format = ['gnu', 'oldgnu', 'pax', 'posix'][seed % 4];
        const file = path.join(work, `${seed}.tar`);
        const created = runTar(['--format', format, '-cf', file, '-C', tree, '.']);
        assert.equal(created.status, 0, created.stderr);
        const bytes = readFileSync(file);
        const index = await viaIndex(bytes, file);
        assert.equal(index.error, undefined);
        assertMatchesGnu(index.entries, gnuList(bytes).listing, `seed ${seed} (${format})`);
        for (const [how, size] of chunkers(seed, bytes.length)) assertAgree(index, viaStream(bytes, size), bytes, `seed ${seed} ${format} ${how}`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('hand-written archives mixing PAX, global, GNU long names and odd sizes', async () => {
    for (let seed = 100; seed < 160; seed++) {
      const next = random(seed);
      const parts: Buffer[] = [];
      const expected: Array<{ path: string; data: Buffer }> = [];
      const count = 1 + Math.floor(next() * 12);
      for (let at = 0; at < count; at++) {
        const name = `${randomName(next, 1 + Math.floor(next() * 300))}#${at}`;
        const data = Buffer.alloc([0, 1, 511, 512, 513, Math.floor(next() * 5000)][Math.floor(next() * 6)], at);
        const style = next();
        if (style < 0.15) parts.push(paxHeader([['comment', `global ${at}`]], 'g'));
        if (Buffer.byteLength(name) < 100 && style < 0.5) parts.push(entry({ name }, data));
        else if (style < 0.75) parts.push(entry({ name: '././@LongLink', typeflag: 'L', format: 'gnu' }, `${name}\0`), entry({ name: 'placeholder', format: 'gnu' }, data));
        else parts.push(paxHeader([['path', name], ['mtime', `${seed}.${at}`]]), entry({ name: 'placeholder' }, data));
        expected.push({ path: name, data });
      }
      parts.push(next() < 0.5 ? END : Buffer.alloc(512 * Math.floor(next() * 3)));
      const bytes = Buffer.concat(parts);
      const index = await viaIndex(bytes);
      assert.equal(index.error, undefined, `seed ${seed}: ${index.error?.message}`);
      assert.deepEqual(
        index.entries.map((item) => item.path),
        expected.map((item) => item.path),
        `seed ${seed}`,
      );
      index.entries.forEach((item, at) => assert.ok(bytes.subarray(item.dataOffset, item.dataOffset + item.size).equals(expected[at].data), `seed ${seed} entry ${at}`));
      for (const [how, size] of chunkers(seed, bytes.length)) assertAgree(index, viaStream(bytes, size), bytes, `seed ${seed} ${how}`);
    }
  });
});
