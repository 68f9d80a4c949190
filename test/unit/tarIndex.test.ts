import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, linkSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { isImageError } from '../../src/core/errors';
import { BufferByteSource, FileByteSource, type ByteSource } from '../../src/core/io/byteSource';
import { entryByteSource } from '../../src/core/tar/entrySource';
import type { TarEntry } from '../../src/core/tar/tarEntry';
import { isTarFormatError, type TarProblem } from '../../src/core/tar/tarErrors';
import { indexTar, type IndexTarOptions } from '../../src/core/tar/tarIndex';
import {
  allContent,
  assertMatchesGnu,
  contentOf,
  CORPUS_DIR,
  corpusBytes,
  corpusTars,
  END,
  entry,
  gnuExtractAll,
  gnuExtractMember,
  gnuList,
  hasGnuTar,
  makeHeader,
  paxHeader,
  paxRecord,
  requireCorpus,
  runTar,
  withTimeout,
} from './tarFixtures';

const TIMEOUT_MS = 10_000;

async function index(source: ByteSource, options?: IndexTarOptions): Promise<TarEntry[]> {
  return withTimeout(indexTar(source, options), TIMEOUT_MS, `indexTar(${source.name})`);
}

/** Plain tars are read from the file; gzip ones (some named .tar) from their decompressed bytes. */
function isPlainFile(relative: string): boolean {
  const head = readFileSync(path.join(CORPUS_DIR, relative)).subarray(0, 2);
  return !(head[0] === 0x1f && head[1] === 0x8b);
}

async function indexFileOrBytes(relative: string, bytes: Buffer): Promise<TarEntry[]> {
  if (isPlainFile(relative)) {
    const file = await FileByteSource.open(path.join(CORPUS_DIR, relative));
    try {
      return await index(file);
    } finally {
      await file.close();
    }
  }
  return index(new BufferByteSource(relative, bytes));
}

async function assertTarError(promise: Promise<unknown>, reason: TarProblem, offset: number, message?: RegExp): Promise<void> {
  await assert.rejects(withTimeout(promise, TIMEOUT_MS, 'indexing a bad archive'), (error: unknown) => {
    assert.ok(isTarFormatError(error), `expected a TarFormatError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    assert.equal(error.offset, offset, error.message);
    assert.match(error.message, new RegExp(`offset ${offset}\\b`));
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** Corpus files GNU tar itself refuses, and the error we give (Go archive/tar refuses them too). */
const BAD_CORPUS: Record<string, { reason: TarProblem; offset: number; message?: RegExp }> = {
  'issue10968.tar': { reason: 'not-a-tar', offset: 0 },
  'issue11169.tar': { reason: 'bad-pax', offset: 512 },
  'pax-bad-hdr-file.tar': { reason: 'bad-pax', offset: 512, message: /newline/ },
  'pax-nul-xattrs.tar': { reason: 'bad-pax', offset: 512, message: /NUL byte in its key/ },
  // A header for a 16 GiB file whose data is absent.
  'writer-big-long.tar': { reason: 'truncated', offset: 1536, message: /16gig\.txt.*17179870720/ },
  // GNU tar lists this one, cutting the path at its NUL; BSD tar and Go refuse it, and so do we.
  'pax-nul-path.tar': { reason: 'bad-pax', offset: 512, message: /NUL byte in its path/ },
};

describe('indexTar: every tar of the corpus, against GNU tar', function () {
  before(function () {
    requireCorpus(this);
    if (!hasGnuTar()) this.skip();
  });

  it('finds the Go archive/tar corpus', function () {
    requireCorpus(this);
    assert.ok(corpusTars().filter((relative) => relative.startsWith('vbatts__tar-split/')).length >= 20);
  });

  for (const relative of corpusTars()) {
    const name = path.basename(relative);
    it(relative, async function () {
      const bytes = corpusBytes(relative);
      const bad = BAD_CORPUS[name];
      if (bad !== undefined) {
        await assertTarError(indexFileOrBytes(relative, bytes), bad.reason, bad.offset, bad.message);
        return;
      }
      const entries = await indexFileOrBytes(relative, bytes);
      const gnu = gnuList(bytes);
      if (name === 'hdr-only.tar') {
        // GNU tar skips data after the second "fifo" (size 5) and loses its way (exit 2). POSIX and
        // Go: types 1-6 have no data. The second 8 entries repeat the first 8 with sizes set
        // (Go TestReadHeaderOnly).
        assert.equal(entries.length, 16);
        assertMatchesGnu(entries.slice(0, 8), gnu.listing.slice(0, 8), name);
        for (let at = 0; at < 8; at++) assert.deepEqual({ ...entries[at + 8], dataOffset: 0, headerOffset: 0 }, { ...entries[at], dataOffset: 0, headerOffset: 0 });
        return;
      }
      if (name === 'pax-global-records.tar') {
        // GNU tar gives every later entry the global header's path; we ignore path in global
        // headers (node-tar does too) and apply mtime until a later global record changes it.
        assert.deepEqual(
          entries.map((item) => [item.path, item.mtime]),
          [
            ['file1', 1500000000],
            ['file2', 1500000000],
            ['file3', 1500000000],
            ['file4', 1400000000],
          ],
        );
        return;
      }
      assert.equal(gnu.status, 0, `GNU tar lists ${relative}: ${gnu.stderr}`);
      assertMatchesGnu(entries, gnu.listing, relative);
      const archive = bytes;
      assert.ok(allContent(entries, archive).equals(gnuExtractAll(bytes)), `${relative}: file contents at dataOffset differ from tar -xO`);
    });
  }
});

describe('indexTar: single members against tar -xOf FILE path', function () {
  before(function () {
    requireCorpus(this);
    if (!hasGnuTar()) this.skip();
  });

  for (const name of ['hardlink.tar', 'pax.tar', 'star.tar', 'ustar.tar', 'v7.tar', 'xattrs.tar']) {
    it(name, async function () {
      const relative = `vbatts__tar-split/archive/tar/testdata/${name}`;
      const bytes = corpusBytes(relative);
      const entries = await indexFileOrBytes(relative, bytes);
      const files = entries.filter((item) => item.type === 'file');
      assert.ok(files.length > 0);
      for (const item of files) assert.ok(contentOf(item, bytes).equals(gnuExtractMember(bytes, item.path)), item.path);
    });
  }

  it('folds PAX xattrs, atime and ctime into pax, and keeps unknown records', async function () {
    const xattrs = await index(new BufferByteSource('xattrs.tar', corpusBytes('vbatts__tar-split/archive/tar/testdata/xattrs.tar')));
    assert.deepEqual(xattrs[0].pax, {
      atime: '1389782991.41987522',
      ctime: '1389782956.794414986',
      'SCHILY.xattr.user.key': 'value',
      'SCHILY.xattr.user.key2': 'value2',
      'SCHILY.xattr.security.selinux': 'unconfined_u:object_r:default_t:s0\0',
    });
    assert.equal(xattrs[0].uname, 'alex');
    const records = await index(new BufferByteSource('pax-records.tar', corpusBytes('vbatts__tar-split/archive/tar/testdata/pax-records.tar')));
    assert.deepEqual(records[0].pax, { 'GOLANG.pkg': 'tar', comment: 'Hello, \u4e16\u754c' });
    assert.equal(records[0].uname, 'long'.repeat(10));
  });

  it('records where each entry starts, extension headers included', async function () {
    const entries = await index(new BufferByteSource('gnu-multi-hdrs.tar', corpusBytes('vbatts__tar-split/archive/tar/testdata/gnu-multi-hdrs.tar')));
    assert.deepEqual(entries.map((item) => [item.headerOffset, item.dataOffset]), [[0, 4608]]);
  });
});

/** Archives written by GNU tar in every format it has, from a tree with awkward names. */
describe('indexTar: archives written by GNU tar', function () {
  let work = '';
  before(function () {
    if (!hasGnuTar()) this.skip();
    work = mkdtempSync(path.join(tmpdir(), 'cie-tar-'));
    const tree = path.join(work, 'tree');
    const deep = path.join(tree, 'deep', 'd'.repeat(90), 'e'.repeat(90), 'f'.repeat(90));
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(deep, 'three-hundred-chars-in-all.txt'), 'deep file\n');
    writeFileSync(path.join(tree, 'empty'), '');
    writeFileSync(path.join(tree, 'block512'), Buffer.alloc(512, 'b'));
    writeFileSync(path.join(tree, 'block513'), Buffer.alloc(513, 'c'));
    writeFileSync(path.join(tree, 'caf\u00e9 \u263a.txt'), 'unicode name\n');
    writeFileSync(path.join(tree, Buffer.from('latin1-\xe4.txt', 'latin1').toString('latin1')), 'x');
    writeFileSync(path.join(tree, 'big.bin'), Buffer.alloc(200_000, 'z'));
    linkSync(path.join(tree, 'block512'), path.join(tree, 'hard-to-block512'));
    symlinkSync('block513', path.join(tree, 'short-link'));
    symlinkSync(`../${'t'.repeat(150)}/target`, path.join(tree, 'long-link'));
    execFileSync('mkfifo', [path.join(tree, 'pipe')]);
    execFileSync('chmod', ['4755', path.join(tree, 'big.bin')]);
    execFileSync('touch', ['-d', '@1234567890.123456789', path.join(tree, 'empty')]);
  });
  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  const formats = ['gnu', 'oldgnu', 'pax', 'posix', 'ustar'];
  for (const format of formats) {
    it(`--format=${format}`, async function () {
      const file = path.join(work, `${format}.tar`);
      const result = runTar(['--format', format, '-cf', file, '-C', path.join(work, 'tree'), '.']);
      // ustar cannot hold the long link target: GNU tar skips it with a warning.
      assert.ok(result.status === 0 || (format === 'ustar' && result.status === 2), result.stderr);
      const bytes = readFileSync(file);
      const source = await FileByteSource.open(file);
      const entries = await index(source).finally(() => source.close());
      assertMatchesGnu(entries, gnuList(bytes).listing, format);
      assert.ok(allContent(entries, bytes).equals(gnuExtractAll(bytes)));
      // ustar holds at most 155 + 100 bytes of path: GNU tar leaves the deep file out.
      if (format !== 'ustar') assert.ok(entries.some((item) => item.path.endsWith('three-hundred-chars-in-all.txt') && item.path.length > 290));
    });
  }

  it('--format=v7 (no prefix field, no uname)', async function () {
    const file = path.join(work, 'v7.tar');
    writeFileSync(path.join(work, 'v7-file'), 'v7 data\n');
    const result = runTar(['--format', 'v7', '-cf', file, '-C', work, 'v7-file']);
    assert.equal(result.status, 0, result.stderr);
    const bytes = readFileSync(file);
    const entries = await index(new BufferByteSource('v7.tar', bytes));
    assertMatchesGnu(entries, gnuList(bytes).listing, 'v7');
    assert.equal(entries[0].uname, undefined);
  });

  for (const version of ['gnu', '0.0', '0.1', '1.0']) {
    it(`sparse files (${version === 'gnu' ? 'old GNU, with extension blocks' : `PAX sparse ${version}`})`, async function () {
      // A 3 MiB file with 40 small written regions and holes between (the holes are real: pwrite past EOF).
      const sparse = path.join(work, 'sparse.bin');
      const expected = Buffer.alloc(3 * 1024 * 1024);
      const descriptor = openSync(sparse, 'w');
      ftruncateSync(descriptor, expected.length);
      for (let region = 0; region < 40; region++) {
        const text = Buffer.from(`region-${region}`);
        text.copy(expected, region * 65536 + 100);
        writeSync(descriptor, text, 0, text.length, region * 65536 + 100);
      }
      closeSync(descriptor);
      const file = path.join(work, `sparse-${version}.tar`);
      const args = version === 'gnu' ? ['--format=gnu', '--sparse'] : ['--format=pax', '--sparse', `--sparse-version=${version}`];
      assert.equal(runTar([...args, '-cf', file, '-C', work, 'sparse.bin']).status, 0);
      const bytes = readFileSync(file);
      const entries = await index(new BufferByteSource(file, bytes));
      assertMatchesGnu(entries, gnuList(bytes).listing, file);
      const [item] = entries;
      assert.ok(item.sparse !== undefined && item.sparse.map.length >= 40, 'a sparse map with every region');
      assert.equal(item.size, 3 * 1024 * 1024);
      assert.ok(contentOf(item, bytes).equals(expected), 'the expanded sparse file equals the original');
      const content = entryByteSource(new BufferByteSource(file, bytes), item);
      assert.ok((await content.read(0, content.size)).equals(expected), 'entryByteSource expands the holes');
      assert.ok((await content.read(65536 * 3 + 90, 70_000)).equals(expected.subarray(65536 * 3 + 90, 65536 * 3 + 90 + 70_000)), 'a read across regions and holes');
      const streamed: Buffer[] = [];
      for await (const chunk of content.stream(1000, 2_500_000)) streamed.push(chunk as Buffer);
      assert.ok(Buffer.concat(streamed).equals(expected.subarray(1000, 2_500_000)), 'a streamed range');
      assert.equal(item.pax === undefined || !Object.keys(item.pax).some((key) => key.startsWith('GNU.sparse.')), true);
    });
  }

  it('GNU incremental dumps (typeflag D) and volume labels (V)', async function () {
    const file = path.join(work, 'incremental.tar');
    const snapshot = path.join(work, 'snapshot');
    assert.equal(runTar(['--format=gnu', '-V', 'my label', '--listed-incremental', snapshot, '-cf', file, '-C', path.join(work, 'tree'), '.']).status, 0);
    const bytes = readFileSync(file);
    const entries = await index(new BufferByteSource(file, bytes));
    assertMatchesGnu(entries, gnuList(bytes).listing, 'incremental');
    const dumpdir = entries.filter((item) => item.typeflag === 'D');
    assert.ok(dumpdir.length > 0 && dumpdir.every((item) => item.type === 'directory' && item.size > 0));
    assert.ok(!entries.some((item) => item.path === 'my label'), 'the volume label is not an entry');
  });
});

/** A ByteSource that is all zeros except for the blocks given: an 8 GiB archive in a few KiB. */
class VirtualTar implements ByteSource {
  readonly name = 'virtual.tar';
  readonly reads: Array<[number, number]> = [];
  constructor(
    readonly size: number,
    private readonly pieces: Array<[number, Buffer]>,
  ) {}
  async read(offset: number, length: number): Promise<Buffer> {
    this.reads.push([offset, length]);
    const buffer = Buffer.alloc(length);
    for (const [at, bytes] of this.pieces) {
      const from = Math.max(at, offset);
      const to = Math.min(at + bytes.length, offset + length);
      if (from < to) bytes.copy(buffer, from - offset, from - at, to - at);
    }
    return buffer;
  }
  stream(): Readable {
    throw new Error('not used');
  }
}

function base256(value: number): Buffer {
  const field = Buffer.alloc(12);
  field[0] = 0x80;
  field.writeUIntBE(value, 6, 6);
  return field;
}

describe('indexTar: crafted archives', () => {
  const nineGiB = 9 * 1024 ** 3 + 3;
  const padded = Math.ceil(nineGiB / 512) * 512;

  it('reads a base-256 size beyond 8 GiB and seeks past the data without reading it', async () => {
    const header = makeHeader({ name: 'huge.img', format: 'gnu', raw: [[124, base256(nineGiB)]] });
    const next = makeHeader({ name: 'after', size: 0 });
    const source = new VirtualTar(512 + padded + 512 + 1024, [
      [0, header],
      [512 + padded, next],
    ]);
    const entries = await index(source);
    assert.deepEqual(
      entries.map((item) => [item.path, item.size, item.dataOffset]),
      [
        ['huge.img', nineGiB, 512],
        ['after', 0, 512 + padded + 512],
      ],
    );
    const bytesRead = source.reads.reduce((sum, [, length]) => sum + length, 0);
    assert.ok(bytesRead < 200 * 1024, `read ${bytesRead} bytes of a 9 GiB archive`);
  });

  it('reads a PAX size beyond 8 GiB', async () => {
    const pax = paxHeader([['size', String(nineGiB)], ['path', `${'long/'.repeat(60)}huge.img`]]);
    const header = makeHeader({ name: 'huge.img', size: 0 });
    const source = new VirtualTar(pax.length + 512 + padded + 1024, [
      [0, pax],
      [pax.length, header],
    ]);
    const [item] = await index(source);
    assert.equal(item.size, nineGiB);
    assert.equal(item.path, `${'long/'.repeat(60)}huge.img`);
    assert.equal(item.headerOffset, 0);
    assert.equal(item.dataOffset, pax.length + 512);
  });

  it('refuses a negative base-256 size', async () => {
    const archive = Buffer.concat([entry({ name: 'ok' }, 'fine'), makeHeader({ name: 'neg', format: 'gnu', raw: [[124, Buffer.alloc(12, 0xff)]] }), END]);
    await assertTarError(indexTar(new BufferByteSource('neg.tar', archive)), 'negative-size', 1024);
  });

  it('applies GNU long names and links, PAX records over them, and cuts long names at NUL', async () => {
    const archive = Buffer.concat([
      entry({ name: '././@LongLink', typeflag: 'L', format: 'gnu' }, `${'n'.repeat(150)}\0ignored`),
      entry({ name: '././@LongLink', typeflag: 'K', format: 'gnu' }, `${'k'.repeat(150)}\0`),
      entry({ name: 'short', typeflag: '2', format: 'gnu', linkname: 'short-target' }),
      entry({ name: '././@LongLink', typeflag: 'L', format: 'gnu' }, 'gnu-name\0'),
      paxHeader([['path', 'pax-name']]),
      entry({ name: 'header-name' }, 'data'),
      END,
    ]);
    const entries = await index(new BufferByteSource('long.tar', archive));
    assert.deepEqual(
      entries.map((item) => [item.path, item.linkname, item.headerOffset]),
      [
        ['n'.repeat(150), 'k'.repeat(150), 0],
        ['pax-name', '', 2560],
      ],
    );
  });

  it('applies global PAX records to later entries, but never path or size; an empty value deletes', async () => {
    const archive = Buffer.concat([
      paxHeader([['path', 'global-path'], ['mtime', '1500000000.5'], ['uname', 'builder'], ['comment', 'hi'], ['size', '99']], 'g'),
      entry({ name: 'a' }, 'aa'),
      paxHeader([['uname', '']], 'g'),
      paxHeader([['uid', '4000000000']]),
      entry({ name: 'b', uname: 'own' }, 'bbb'),
      END,
    ]);
    const entries = await index(new BufferByteSource('global.tar', archive));
    assert.deepEqual(
      entries.map((item) => [item.path, item.size, item.mtime, item.uname, item.uid, item.pax]),
      [
        ['a', 2, 1500000000.5, 'builder', 0, { comment: 'hi' }],
        ['b', 3, 1500000000.5, 'own', 4000000000, { comment: 'hi' }],
      ],
    );
    assert.equal(entries[1].headerOffset, 3072, 'the next entry starts at its own x header, after the global one');
  });

  it('reads Solaris X headers like x, contiguous files, and old directories written as files with a trailing slash', async () => {
    const archive = Buffer.concat([
      entry({ name: 'ignored', typeflag: 'X' }, paxRecord('path', 'from-solaris')),
      entry({ name: 'x' }, 'solaris'),
      entry({ name: 'contiguous', typeflag: '7' }, 'cont'),
      entry({ name: 'olddir/', typeflag: '\0', format: 'v7' }),
      entry({ name: 'vendor', typeflag: 'A' }, 'acl'),
      END,
    ]);
    const entries = await index(new BufferByteSource('odd.tar', archive));
    assert.deepEqual(
      entries.map((item) => [item.path, item.type, item.size, item.typeflag]),
      [
        ['from-solaris', 'file', 7, '0'],
        ['contiguous', 'contiguous', 4, '7'],
        ['olddir/', 'directory', 0, '\0'],
        ['vendor', 'file', 3, 'A'],
      ],
    );
  });

  it('gives an ordinary entry’s bytes as a slice of the archive', async () => {
    const archive = Buffer.concat([entry({ name: 'a' }, 'first'), entry({ name: 'b' }, 'second file'), END]);
    const source = new BufferByteSource('two.tar', archive);
    const [, second] = await index(source);
    const content = entryByteSource(source, second);
    assert.equal(content.name, 'two.tar: b');
    assert.equal((await content.read(0, content.size)).toString(), 'second file');
  });

  it('skips the size field of header-only types (POSIX: no data for types 1-6)', async () => {
    const archive = Buffer.concat([makeHeader({ name: 'dir/', typeflag: '5', size: 700 }), entry({ name: 'next' }, 'n'), END]);
    const entries = await index(new BufferByteSource('dir.tar', archive));
    assert.deepEqual(
      entries.map((item) => [item.path, item.size, item.dataOffset]),
      [
        ['dir/', 0, 512],
        ['next', 1, 1024],
      ],
    );
  });

  it('accepts the archive endings Go archive/tar accepts, refuses a zero block followed by a header', async () => {
    const one = entry({ name: 'one' }, 'x'.repeat(684));
    const check = async (bytes: Buffer) => (await index(new BufferByteSource('end.tar', bytes))).length;
    assert.equal(await check(Buffer.alloc(0)), 0, 'an empty file is an empty archive');
    assert.equal(await check(one), 1, 'no end marker');
    assert.equal(await check(one.subarray(0, 512 + 684)), 1, 'padding missing after the last data');
    assert.equal(await check(Buffer.concat([one, Buffer.alloc(512)])), 1, 'one zero block');
    assert.equal(await check(Buffer.concat([one, END, Buffer.from('trailing garbage')])), 1, 'anything after two zero blocks');
    assert.equal(await check(paxHeader([['path', 'orphan']])), 0, 'a PAX header with no entry after it (Go: valid)');
    await assertTarError(indexTar(new BufferByteSource('lone.tar', Buffer.concat([one, Buffer.alloc(512), one]))), 'lone-zero-block', 2048);
  });

  it('names the entry and offset where a truncated archive ends', async () => {
    const archive = Buffer.concat([entry({ name: 'first' }, 'a'), entry({ name: 'second.bin' }, Buffer.alloc(5000, 1)), END]);
    await assertTarError(indexTar(new BufferByteSource('cut.tar', archive.subarray(0, 3000))), 'truncated', 3000, /second\.bin.*6536/);
    await assertTarError(indexTar(new BufferByteSource('cut.tar', archive.subarray(0, 1100))), 'truncated', 1100, /header block at offset 1024/);
    const label = entry({ name: 'my label', typeflag: 'V', format: 'gnu' }, Buffer.alloc(2000));
    await assertTarError(indexTar(new BufferByteSource('cut.tar', label.subarray(0, 1000))), 'truncated', 1000, /volume label/);
    const pax = Buffer.concat([paxHeader([['path', 'p'.repeat(300)]]), entry({ name: 'x' })]);
    await assertTarError(indexTar(new BufferByteSource('cut.tar', pax.subarray(0, 700))), 'truncated', 700, /PAX extended header/);
  });

  it('caps extension headers (maxExtensionHeaderBytes, 1 MiB by default) and entries (maxEntries)', async () => {
    const huge = Buffer.concat([paxHeader([['comment', 'c'.repeat(1024 * 1024 + 10)]]), entry({ name: 'f' }), END]);
    await assertTarError(indexTar(new BufferByteSource('huge-pax.tar', huge)), 'too-large', 0, /maxExtensionHeaderBytes/);
    const longName = Buffer.concat([entry({ name: '././@LongLink', typeflag: 'L', format: 'gnu' }, 'n'.repeat(2000)), entry({ name: 'f' }), END]);
    await assertTarError(indexTar(new BufferByteSource('long.tar', longName), { maxExtensionHeaderBytes: 1000 }), 'too-large', 0);
    const globals = Buffer.concat([...Array.from({ length: 40 }, (_, at) => paxHeader([[`key${at}`, 'v'.repeat(30_000)]], 'g')), entry({ name: 'f' }), END]);
    await assertTarError(indexTar(new BufferByteSource('globals.tar', globals)), 'too-large', 34 * 30720, /global headers/);
    const many = Buffer.concat([...Array.from({ length: 5 }, (_, at) => entry({ name: `f${at}` })), END]);
    assert.equal((await indexTar(new BufferByteSource('many.tar', many), { maxEntries: 5 })).length, 5);
    await assertTarError(indexTar(new BufferByteSource('many.tar', many), { maxEntries: 4 }), 'too-large', 2048, /maxEntries/);
    assert.rejects(indexTar(new BufferByteSource('many.tar', many), { maxEntries: 4 }), (error: unknown) => isImageError(error, 'too-large'));
  });

  it('reads 512-byte blocks in batches, and does not read the data of large entries', async () => {
    const small = Buffer.concat([...Array.from({ length: 2000 }, (_, at) => entry({ name: `small/${at}` }, `content ${at}`)), END]);
    const smallSource = new CountingSource(new BufferByteSource('small.tar', small));
    assert.equal((await index(smallSource)).length, 2000);
    assert.ok(smallSource.reads <= Math.ceil(small.length / 65536) + 1, `${smallSource.reads} reads for ${small.length} bytes`);
    const large = Buffer.concat([...Array.from({ length: 20 }, (_, at) => entry({ name: `large/${at}` }, Buffer.alloc(1024 * 1024 + at))), END]);
    const largeSource = new CountingSource(new BufferByteSource('large.tar', large));
    assert.equal((await index(largeSource)).length, 20);
    assert.ok(largeSource.bytes < 21 * 64 * 1024, `read ${largeSource.bytes} of ${large.length} bytes`);
  });

  it('reports progress and honours an AbortSignal', async () => {
    const archive = Buffer.concat([...Array.from({ length: 10_000 }, (_, at) => entry({ name: `f${at}` }, 'x')), END]);
    const updates: Array<[number | undefined, number | undefined]> = [];
    await indexTar(new BufferByteSource('p.tar', archive), { progress: (update) => updates.push([update.done, update.total]) });
    assert.deepEqual(updates.at(-1), [archive.length, archive.length]);
    const before = new AbortController();
    before.abort();
    await assert.rejects(indexTar(new BufferByteSource('p.tar', archive), { signal: before.signal }), (error: unknown) => isImageError(error, 'cancelled'));
    const during = new AbortController();
    const source = new CountingSource(new BufferByteSource('p.tar', archive), () => {
      if (source.reads === 3) during.abort();
    });
    await assert.rejects(indexTar(source, { signal: during.signal }), (error: unknown) => isImageError(error, 'cancelled'));
    assert.ok(source.reads < 10, 'stopped soon after the abort');
  });

  it('never hangs or throws untyped errors on random garbage and random damage', async () => {
    const good = Buffer.concat([paxHeader([['path', 'p'.repeat(200)]]), entry({ name: 'a' }, 'hello'), entry({ name: 'b', typeflag: '5' }), END]);
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 300; round++) {
      const damaged = Buffer.from(good);
      for (let flips = 0; flips < 1 + (round % 5); flips++) damaged[next() % damaged.length] = next() % 256;
      const cut = round % 3 === 0 ? damaged.subarray(0, next() % damaged.length) : damaged;
      try {
        await index(new BufferByteSource('fuzz.tar', cut));
      } catch (error) {
        assert.ok(isTarFormatError(error), `round ${round}: ${String(error)}`);
      }
    }
  });
});

class CountingSource implements ByteSource {
  reads = 0;
  bytes = 0;
  constructor(
    private readonly inner: ByteSource,
    private readonly onRead: () => void = () => undefined,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Promise<Buffer> {
    this.reads++;
    this.bytes += length;
    this.onRead();
    return this.inner.read(offset, length);
  }
  stream(start?: number, end?: number): Readable {
    return this.inner.stream(start, end);
  }
}

/** Layers inside the corpus's docker-save and OCI archives: real tars written by docker, buildkit, … */
describe('indexTar: layers nested in corpus archives, against GNU tar', function () {
  before(function () {
    requireCorpus(this);
    if (!hasGnuTar()) this.skip();
  });

  for (const relative of corpusTars().filter((name) => !name.startsWith('vbatts__tar-split/'))) {
    it(relative, async function () {
      const outer = corpusBytes(relative);
      let entries: TarEntry[];
      try {
        entries = await index(new BufferByteSource(relative, outer));
      } catch {
        this.skip(); // the outer archive's own test covers this
        return;
      }
      let layers = 0;
      for (const item of entries) {
        if (item.type !== 'file' || item.size < 512 || item.size > 64 * 1024 * 1024) continue;
        let layer = outer.subarray(item.dataOffset, item.dataOffset + item.size);
        try {
          if (layer[0] === 0x1f && layer[1] === 0x8b) layer = gunzipSync(layer);
          else if (layer.readUInt32LE(0) === 0xfd2fb528) layer = Buffer.from(zstdDecompress(layer));
        } catch {
          continue;
        }
        if (layer.length < 512 || layer.subarray(257, 262).toString('latin1') !== 'ustar') continue;
        const gnu = gnuList(layer);
        if (gnu.status !== 0) continue;
        const nested = await index(new BufferByteSource(`${relative}: ${item.path}`, layer));
        assertMatchesGnu(nested, gnu.listing, `${relative}: ${item.path}`);
        assert.ok(allContent(nested, layer).equals(gnuExtractAll(layer)), `${relative}: ${item.path}: contents`);
        layers++;
      }
      if (layers === 0) this.skip();
    });
  }
});
