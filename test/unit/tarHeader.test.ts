import * as assert from 'node:assert/strict';
import { isImageError } from '../../src/core/errors';
import { checkHeaderBlock, decodeEntryHeader, decodeStringField, headerFormat, HEADER_FIELDS, paddingOf, parseNumericField, TYPEFLAGS, unsignedChecksum } from '../../src/core/tar/header';
import { parsePaxRecords, paxInteger, paxTime } from '../../src/core/tar/pax';
import { parseSparseMapRecord, readGnuSparsePairs, SparseMap10Reader, validateSparseMap, type SparseRegion } from '../../src/core/tar/sparse';
import { isTarFormatError, type TarProblem } from '../../src/core/tar/tarErrors';
import { makeHeader, paxRecord } from './tarFixtures';

/** Asserts `run` throws a TarFormatError with this reason, naming `offset` in the message. */
function throwsTar(run: () => unknown, reason: TarProblem, offset: number, message?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isTarFormatError(error, reason), `expected a TarFormatError '${reason}', got ${String(error)}`);
    assert.ok(isImageError(error), 'a TarFormatError is an ImageError');
    assert.equal(error.offset, offset);
    assert.match(error.message, new RegExp(`offset ${offset}\\b`));
    if (message) assert.match(error.message, message);
    return true;
  });
}

function field(bytes: string | number[], length: number): Buffer {
  const buffer = Buffer.alloc(length);
  (typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)).copy(buffer);
  return buffer;
}

const SIZE = HEADER_FIELDS.size;
const parseSize = (bytes: Buffer) => parseNumericField(bytes, -SIZE.offset, SIZE, 'size', 1024);

describe('tar header: checksum and end-of-archive blocks', () => {
  it('accepts the POSIX unsigned sum and tells a zero block apart', () => {
    assert.equal(checkHeaderBlock(makeHeader({ name: 'a.txt' }), 0, 0), true);
    assert.equal(checkHeaderBlock(Buffer.alloc(512), 0, 512), false);
  });

  it('accepts the signed sum old Sun tar wrote for bytes >= 0x80 (GNU tar and Go do too)', () => {
    const unsignedHeader = makeHeader({ name: 'caf\u00e9-\u00fc.txt' });
    let signed = 0;
    for (let index = 0; index < 512; index++) {
      const byte = index >= 148 && index < 156 ? 0x20 : unsignedHeader[index];
      signed += byte < 0x80 ? byte : byte - 256;
    }
    const header = makeHeader({ name: 'caf\u00e9-\u00fc.txt' }, signed);
    assert.notEqual(signed, unsignedChecksum(header, 0));
    assert.equal(checkHeaderBlock(header, 0, 0), true);
  });

  it('sums unaligned blocks the same as aligned ones', () => {
    const header = makeHeader({ name: 'x'.repeat(99), uname: '\u00ff'.repeat(10) });
    const aligned = unsignedChecksum(header, 0);
    for (let shift = 1; shift < 4; shift++) {
      const unaligned = Buffer.alloc(512 + shift);
      header.copy(unaligned, shift);
      assert.equal(unsignedChecksum(unaligned, shift), aligned);
    }
  });

  it('calls a bad first block "not a tar" and a later one a bad checksum, naming the offset', () => {
    const header = makeHeader({ name: 'a' }, 1234);
    throwsTar(() => checkHeaderBlock(header, 0, 0), 'not-a-tar', 0, /not a tar archive/);
    throwsTar(() => checkHeaderBlock(header, 0, 4096), 'bad-checksum', 4096, /checksum/);
    const text = Buffer.alloc(512, 'hello world\n');
    throwsTar(() => checkHeaderBlock(text, 0, 0), 'not-a-tar', 0, /not an octal number/);
  });

  it('pads data to whole blocks', () => {
    assert.deepEqual([0, 1, 511, 512, 513].map(paddingOf), [0, 511, 1, 0, 511]);
  });
});

describe('tar header: numeric fields', () => {
  it('reads octal with NUL or space terminators and leading padding', () => {
    const cases: Array<[string, number]> = [
      ['00000000644\0', 0o644],
      ['00000000644 ', 0o644],
      ['     644 \0\0\0', 0o644],
      ['644\0\0\0\0\0\0\0\0\0', 0o644],
      ['\x00\x00\x00\x00644\x00\x00\x00\x00\x00', 0o644],
      ['777777777777', 0o777777777777],
      ['\0'.repeat(12), 0],
      [' '.repeat(12), 0],
      ['12\0garbage!!', 0o12],
    ];
    for (const [text, expected] of cases) assert.equal(parseSize(field(text, 12)), expected, JSON.stringify(text));
  });

  it('refuses digits that are not octal, naming field and offset', () => {
    throwsTar(() => parseSize(field('0000000009\0\0', 12)), 'bad-number', 1024, /size field/);
    throwsTar(() => parseSize(field('12x4', 12)), 'bad-number', 1024);
  });

  it('reads GNU base-256: sizes beyond 8 GiB, and negative numbers', () => {
    const nineGiB = 9 * 1024 ** 3;
    const big = Buffer.alloc(12);
    big[0] = 0x80;
    big.writeUIntBE(nineGiB, 6, 6);
    assert.equal(parseSize(big), nineGiB);
    assert.equal(parseSize(Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x2a])), 42);
    assert.equal(parseSize(Buffer.alloc(12, 0xff)), -1);
    const minus300 = Buffer.alloc(12, 0xff);
    minus300.writeIntBE(-300, 6, 6);
    assert.equal(parseSize(minus300), -300);
    // Go archive/tar strconv_test: 0x80 followed by the largest int64 overflows us earlier.
    throwsTar(() => parseSize(Buffer.from([0x80, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), 'bad-number', 1024, /53 bits/);
  });

  it('refuses a negative size as corrupt', () => {
    const header = makeHeader({ raw: [[124, Buffer.alloc(12, 0xff)]] });
    throwsTar(() => decodeEntryHeader(header, 0, 2048), 'negative-size', 2048);
    assert.throws(() => decodeEntryHeader(header, 0, 2048), (error: unknown) => isImageError(error, 'corrupt'));
  });
});

describe('tar header: strings, formats and typeflags', () => {
  it('cuts strings at NUL, uses all bytes when there is none, keeps non-UTF-8 bytes as Latin-1', () => {
    assert.equal(decodeStringField(field('abc\0def', 10), 0, 10), 'abc');
    assert.equal(decodeStringField(Buffer.from('0123456789'), 0, 10), '0123456789');
    assert.equal(decodeStringField(Buffer.from('\u263a\0', 'utf8'), 0, 4), '\u263a');
    const latin1 = Buffer.from([0x68, 0x69, 0x80, 0x81, 0xe4, 0]);
    assert.equal(decodeStringField(latin1, 0, 6), 'hi\u0080\u0081\u00e4');
    assert.deepEqual(Buffer.from(decodeStringField(latin1, 0, 6), 'latin1'), latin1.subarray(0, 5));
  });

  it('recognises ustar, GNU, star and v7 by their magic', () => {
    assert.equal(headerFormat(makeHeader({}), 0), 'ustar');
    assert.equal(headerFormat(makeHeader({ format: 'gnu' }), 0), 'gnu');
    assert.equal(headerFormat(makeHeader({ format: 'v7' }), 0), 'v7');
    assert.equal(headerFormat(makeHeader({ raw: [[508, Buffer.from('tar\0', 'latin1')]] }), 0), 'star');
  });

  it('joins the ustar prefix, but not in GNU headers where those bytes are atime/ctime', () => {
    const prefix = 'p'.repeat(155);
    assert.equal(decodeEntryHeader(makeHeader({ name: 'n'.repeat(100), prefix }), 0, 0).name, `${prefix}/${'n'.repeat(100)}`);
    assert.equal(decodeEntryHeader(makeHeader({ format: 'gnu', name: 'foo', prefix: 'aaaa' }), 0, 0).name, 'foo');
    const star = makeHeader({ name: 'f', prefix: 's'.repeat(131), raw: [[476, Buffer.from('00000000000 ')], [508, Buffer.from('tar\0', 'latin1')]] });
    assert.equal(decodeEntryHeader(star, 0, 0).name, `${'s'.repeat(131)}/f`);
  });

  it('decodes every field of an entry header', () => {
    const header = makeHeader({ name: 'dev/null', typeflag: '3', mode: 0o666, uid: 1000, gid: 5, mtime: 1_700_000_000, uname: 'root', gname: 'wheel', devmajor: 1, devminor: 3 });
    const raw = decodeEntryHeader(header, 0, 0);
    assert.deepEqual(
      { name: raw.name, type: raw.info.type, mode: raw.mode, uid: raw.uid, gid: raw.gid, mtime: raw.mtime, uname: raw.uname, gname: raw.gname, devmajor: raw.devmajor, devminor: raw.devminor, format: raw.format },
      { name: 'dev/null', type: 'character-device', mode: 0o666, uid: 1000, gid: 5, mtime: 1_700_000_000, uname: 'root', gname: 'wheel', devmajor: 1, devminor: 3, format: 'ustar' },
    );
    const v7 = decodeEntryHeader(makeHeader({ format: 'v7', name: 'old' }), 0, 0);
    assert.equal(v7.uname, undefined);
  });

  it('maps every typeflag to a role, a type and whether data follows', () => {
    const table = (flag: string) => {
      const info = TYPEFLAGS[flag.charCodeAt(0)];
      return `${info.role}/${info.type}/${info.hasData ? 'data' : 'no-data'}${info.gnuSparse ? '/sparse' : ''}`;
    };
    assert.deepEqual(Object.fromEntries(['\0', '0', '1', '2', '3', '4', '5', '6', '7', 'x', 'g', 'X', 'L', 'K', 'S', 'D', 'V', 'M', 'N', 'Z', 'A'].map((flag) => [flag, table(flag)])), {
      '\0': 'entry/file/data',
      '0': 'entry/file/data',
      '1': 'entry/hardlink/no-data',
      '2': 'entry/symlink/no-data',
      '3': 'entry/character-device/no-data',
      '4': 'entry/block-device/no-data',
      '5': 'entry/directory/no-data',
      '6': 'entry/fifo/no-data',
      '7': 'entry/contiguous/data',
      x: 'pax-local/unknown/data',
      g: 'pax-global/unknown/data',
      X: 'pax-local/unknown/data',
      L: 'gnu-long-name/unknown/data',
      K: 'gnu-long-link/unknown/data',
      S: 'entry/file/data/sparse',
      D: 'entry/directory/data',
      V: 'volume-label/unknown/data',
      M: 'entry/unknown/data',
      N: 'entry/unknown/data',
      // POSIX: unrecognised typeflags are regular files.
      Z: 'entry/file/data',
      A: 'entry/file/data',
    });
  });
});

describe('tar header: PAX records', () => {
  const parse = (text: string, position = 512) => {
    const body = Buffer.from(text, 'utf8');
    return Object.fromEntries(parsePaxRecords(body, 0, body.length, position));
  };

  it('parses the records of Go archive/tar TestParsePAX', () => {
    assert.deepEqual(parse(''), {});
    assert.deepEqual(parse('6 k=1\n'), { k: '1' });
    assert.deepEqual(parse('10 a=name\n'), { a: 'name' });
    assert.deepEqual(parse('30 mtime=1350244992.023960108\n'), { mtime: '1350244992.023960108' });
    assert.deepEqual(parse('13 key1=haha\n13 key2=nana\n13 key3=kaka\n'), { key1: 'haha', key2: 'nana', key3: 'kaka' });
    assert.deepEqual(parse('13 key1=val1\n13 key2=val2\n8 key1=\n'), { key1: '', key2: 'val2' });
    assert.deepEqual(parse('22 GNU.sparse.size=10\n26 GNU.sparse.numblocks=2\n23 GNU.sparse.offset=1\n25 GNU.sparse.numbytes=2\n23 GNU.sparse.offset=3\n25 GNU.sparse.numbytes=4\n'), {
      'GNU.sparse.size': '10',
      'GNU.sparse.numblocks': '2',
      'GNU.sparse.map': '1,2,3,4',
    });
  });

  it('computes lengths that count themselves, with UTF-8 values', () => {
    const text = paxRecord('path', '\u00e9t\u00e9/\u263a'.repeat(40)) + paxRecord('comment', 'Hello, \u4e16\u754c') + paxRecord('SCHILY.xattr.user.a=b', 'x');
    assert.deepEqual(parse(text), { path: '\u00e9t\u00e9/\u263a'.repeat(40), comment: 'Hello, \u4e16\u754c', 'SCHILY.xattr.user.a': 'b=x' });
  });

  it('tolerates NUL padding after the last record', () => {
    assert.deepEqual(parse('6 k=1\n\0\0\0\0'), { k: '1' });
  });

  it('refuses malformed records, naming the record offset', () => {
    throwsTar(() => parse('3 somelongkey=\n'), 'bad-pax', 512);
    throwsTar(() => parse('50 tooshort=\n'), 'bad-pax', 512, /only 13 bytes/);
    throwsTar(() => parse('6 k=1\n9 k=abcd!'), 'bad-pax', 518, /newline/);
    throwsTar(() => parse('6 k=1\n7 kabc\n'), 'bad-pax', 518, /"="/);
    throwsTar(() => parse('6 =12\n'), 'bad-pax', 512, /empty key/);
    throwsTar(() => parse('x k=1\n'), 'bad-pax', 512, /decimal length/);
    throwsTar(() => parse('31 SCHILY.xattr.null\0=fizzbuzz\n'), 'bad-pax', 512, /NUL byte in its key/);
    throwsTar(() => parse('12 path=a\0b\n'), 'bad-pax', 512, /NUL byte in its path/);
    throwsTar(() => parse('22 GNU.sparse.size=10\n26 GNU.sparse.numblocks=1\n25 GNU.sparse.numbytes=2\n23 GNU.sparse.offset=1\n'), 'bad-pax', 560, /alternates/);
    throwsTar(() => parse('25 GNU.sparse.offset=1,2\n25 GNU.sparse.numbytes=2\n'), 'bad-pax', 512);
  });

  it('keeps NUL bytes in values where they mean something (SELinux xattrs)', () => {
    assert.deepEqual(parse(paxRecord('SCHILY.xattr.security.selinux', 'system_u:object_r:bin_t:s0\0')), { 'SCHILY.xattr.security.selinux': 'system_u:object_r:bin_t:s0\0' });
  });

  it('reads integers and fractional times, refusing anything else', () => {
    assert.equal(paxInteger('uid', '2097152', 0), 2097152);
    assert.equal(paxTime('mtime', '1350244992.023960108', 0), Number('1350244992.023960108'));
    assert.equal(paxTime('mtime', '-1.5', 0), -1.5);
    assert.equal(paxTime('mtime', '1400000000', 0), 1400000000);
    throwsTar(() => paxInteger('uid', '12a', 1536), 'bad-pax', 1536);
    throwsTar(() => paxInteger('size', '99999999999999999999', 1536), 'bad-pax', 1536);
    throwsTar(() => paxTime('mtime', '1.2.3', 1536), 'bad-pax', 1536);
    throwsTar(() => paxTime('mtime', '', 1536), 'bad-pax', 1536);
  });
});

describe('tar header: GNU sparse maps', () => {
  it('reads old GNU pairs and stops at the first empty one', () => {
    const block = Buffer.alloc(96);
    Buffer.from('00000000000\u000000000001000\u0000', 'latin1').copy(block, 0);
    Buffer.from('00000010000\u000000000000200\u0000', 'latin1').copy(block, 24);
    const regions: SparseRegion[] = [];
    readGnuSparsePairs(block, 0, 4, regions, 512);
    assert.deepEqual(regions, [
      { offset: 0, length: 0o1000 },
      { offset: 0o10000, length: 0o200 },
    ]);
  });

  it('parses the 0.1 map record and refuses odd or non-numeric maps', () => {
    assert.deepEqual(parseSparseMapRecord('1,2,3,4', 0), [
      { offset: 1, length: 2 },
      { offset: 3, length: 4 },
    ]);
    assert.deepEqual(parseSparseMapRecord('', 0), []);
    throwsTar(() => parseSparseMapRecord('1,2,3', 2048), 'bad-sparse', 2048, /odd/);
    throwsTar(() => parseSparseMapRecord('1,-2', 2048), 'bad-sparse', 2048);
  });

  it('reads the 1.0 map from data blocks, across a block boundary', () => {
    const text = `3\n0\n10\n${'0'.repeat(500)}1000\n5\n2000\n0\n`;
    const data = Buffer.alloc(1024);
    data.write(text, 'latin1');
    const reader = new SparseMap10Reader();
    assert.equal(reader.feed(data, 0, 1536), false);
    assert.equal(reader.feed(data, 512, 2048), true);
    assert.equal(reader.bytes, 1024);
    assert.deepEqual(reader.regions, [
      { offset: 0, length: 10 },
      { offset: 1000, length: 5 },
      { offset: 2000, length: 0 },
    ]);
    const empty = new SparseMap10Reader();
    assert.equal(empty.feed(Buffer.from(`0\n${'\0'.repeat(510)}`, 'latin1'), 0, 0), true);
    const bad = Buffer.alloc(512);
    bad.write('2\n1\nx\n', 'latin1');
    throwsTar(() => new SparseMap10Reader().feed(bad, 0, 1536), 'bad-sparse', 1540);
  });

  it('refuses regions out of order, overlapping or past the real size (Go validateSparseEntries)', () => {
    validateSparseMap([{ offset: 0, length: 5 }, { offset: 5, length: 5 }], 10, 0);
    throwsTar(() => validateSparseMap([{ offset: 0, length: 11 }], 10, 512), 'bad-sparse', 512, /beyond/);
    throwsTar(() => validateSparseMap([{ offset: 4, length: 2 }, { offset: 5, length: 1 }], 10, 512), 'bad-sparse', 512, /overlaps/);
    throwsTar(() => validateSparseMap([{ offset: -1, length: 2 }], 10, 512), 'bad-sparse', 512, /negative/);
  });
});
