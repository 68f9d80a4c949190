/**
 * The on-disk layer index: every entry field survives a round trip (PAX records, sparse maps,
 * devices, non-UTF-8 and lone-surrogate names, values beyond 32 bits), and a damaged, foreign or
 * older file is refused with IndexFormatError so the store rebuilds it.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeLayerIndex, encodeLayerIndex, IndexFormatError, INDEX_FORMAT_VERSION, type StoredLayer } from '../../src/core/layers/indexCodec';
import type { TarEntry } from '../../src/core/tar/tarEntry';
import { TarStreamParser } from '../../src/core/tar/tarStreamParser';
import { makeMixedTar } from './layerTestHelpers';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const GO_TAR_TESTDATA = path.resolve(__dirname, '../../../shared/corpus/vbatts__tar-split/archive/tar/testdata');

function entriesOf(tar: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  const parser = new TarStreamParser({ onEntry: (entry) => void entries.push(entry) });
  parser.push(tar);
  parser.end();
  return entries;
}

function layer(entries: TarEntry[]): StoredLayer {
  return {
    index: { digest: DIGEST, compression: 'gzip', compressedSize: 1234, uncompressedSize: 99999, entries },
    checkpoints: [
      { kind: 'member', compressedOffset: 0, uncompressedOffset: 0, bits: 0 },
      { kind: 'deflate', compressedOffset: 500, uncompressedOffset: 70000, bits: 5, window: Buffer.from('window '.repeat(4000)) },
      { kind: 'deflate', compressedOffset: 900, uncompressedOffset: 90000, bits: 0, window: Buffer.from(Array.from({ length: 32768 }, (_, index) => (index * 7919) % 251)) },
    ],
    span: 65536,
  };
}

function roundTrip(stored: StoredLayer): StoredLayer {
  return decodeLayerIndex(encodeLayerIndex(stored), stored.index.digest);
}

function entry(overrides: Partial<TarEntry>): TarEntry {
  return {
    path: 'a',
    type: 'file',
    size: 1,
    dataOffset: 512,
    headerOffset: 0,
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: 1700000000,
    linkname: '',
    uname: 'root',
    gname: 'root',
    devmajor: undefined,
    devminor: undefined,
    pax: undefined,
    sparse: undefined,
    typeflag: '0',
    ...overrides,
  };
}

describe('layers: index file format', () => {
  it('round-trips the entries of a real tar and the checkpoints', () => {
    const stored = layer(entriesOf(makeMixedTar(5, 2 * 1024 * 1024)));
    assert.deepStrictEqual(roundTrip(stored), stored);
  });

  it('round-trips unusual fields', () => {
    const stored = layer([
      entry({ path: 'caf\u00e9/\u{1F600}', linkname: 'x'.repeat(5000), typeflag: '2', type: 'symlink', size: 0 }),
      entry({ path: 'lone \ud800 surrogate', uname: undefined, gname: undefined, typeflag: undefined }),
      entry({ path: 'big', uid: 2 ** 40, gid: 4294967295, mode: 2 ** 33, mtime: 1700000000.123456, size: 2 ** 45, dataOffset: 2 ** 46, headerOffset: 2 ** 46 - 2 ** 33 }),
      entry({ path: 'dev', type: 'character-device', devmajor: 1, devminor: 3, size: 0, typeflag: '3' }),
      entry({ path: 'pax', pax: { 'SCHILY.xattr.user.k': 'v', comment: '' } }),
      entry({ path: 'sparse', size: 1 << 20, sparse: { storedSize: 8192, map: [{ offset: 0, length: 4096 }, { offset: 1 << 19, length: 4096 }] } }),
      entry({ path: '', typeflag: '\0' }),
    ]);
    assert.deepStrictEqual(roundTrip(stored), stored);
  });

  it('round-trips the Go archive/tar test corpus', function () {
    if (!existsSync(GO_TAR_TESTDATA)) this.skip();
    for (const name of readdirSync(GO_TAR_TESTDATA).filter((file) => file.endsWith('.tar'))) {
      let entries: TarEntry[];
      try {
        entries = entriesOf(readFileSync(path.join(GO_TAR_TESTDATA, name)));
      } catch {
        continue; // archives Go's tests expect to fail
      }
      const stored = layer(entries);
      assert.deepStrictEqual(roundTrip(stored), stored, name);
    }
  });

  it('round-trips an empty layer', () => {
    const stored = layer([]);
    stored.checkpoints = [];
    assert.deepStrictEqual(roundTrip(stored), stored);
  });

  it('refuses damaged, truncated, foreign and other-version files', () => {
    const bytes = encodeLayerIndex(layer(entriesOf(makeMixedTar(6, 300_000))));
    const refuses = (file: Buffer, digest = DIGEST) => assert.throws(() => decodeLayerIndex(file, digest), IndexFormatError);
    for (const offset of [0, 10, 100, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const damaged = Buffer.from(bytes);
      damaged[offset] ^= 0x40;
      refuses(damaged);
    }
    refuses(bytes.subarray(0, bytes.length - 10));
    refuses(Buffer.alloc(0));
    refuses(bytes, `sha256:${'cd'.repeat(32)}`);
    const otherVersion = Buffer.from(bytes);
    otherVersion.writeUInt32LE(INDEX_FORMAT_VERSION + 1, 8);
    refuses(otherVersion);
  });
});
