/**
 * Gzip layers: the bit-alignment prefix that replaces inflatePrime, member headers, and above all
 * checkpoints: every checkpoint of layers compressed by gzip, pigz, Node's zlib (levels 1/6/9,
 * every strategy) and eStargz-like multi-member streams is resumed and compared byte for byte
 * with the tar that was compressed.
 */
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import type { Checkpoint } from '../../src/core/layers/checkpoint';
import { alignedInput } from '../../src/core/layers/gzip/bitAlignment';
import { CheckpointRecorder } from '../../src/core/layers/gzip/checkpointRecorder';
import { GzipDecoder } from '../../src/core/layers/gzip/gzipDecoder';
import { gzipHeaderLength } from '../../src/core/layers/gzip/memberHeader';
import { isImageError } from '../../src/core/errors';
import { TarStreamParser } from '../../src/core/tar/tarStreamParser';
import { hasCommand, makeMixedTar, pipeThrough, Random } from './layerTestHelpers';

const SPAN = 64 * 1024;

interface Pass {
  output: Buffer;
  checkpoints: Checkpoint[];
  stats: CheckpointRecorder['stats'];
}

function runPass(compressed: Buffer, chunkSize = 100_003): Pass {
  const parts: Buffer[] = [];
  const recorder = new CheckpointRecorder(SPAN);
  const decoder = new GzipDecoder((chunk) => parts.push(Buffer.from(chunk)), { blockBoundaries: true, observer: recorder });
  recorder.attach(decoder);
  try {
    for (let offset = 0; offset < compressed.length; offset += chunkSize) decoder.push(compressed.subarray(offset, offset + chunkSize));
    decoder.end();
    recorder.finish();
  } finally {
    decoder.close();
  }
  return { output: Buffer.concat(parts), checkpoints: recorder.checkpoints, stats: recorder.stats };
}

/** Decodes `length` bytes from a checkpoint, feeding the compressed bytes in odd-sized chunks. */
function resume(compressed: Buffer, checkpoint: Checkpoint, length: number, chunkSize = 7_919): Buffer {
  const parts: Buffer[] = [];
  let got = 0;
  const decoder = new GzipDecoder((chunk) => {
    parts.push(Buffer.from(chunk));
    got += chunk.length;
  }, { start: checkpoint });
  try {
    for (let offset = checkpoint.compressedOffset; offset < compressed.length && got < length; offset += chunkSize) {
      decoder.push(compressed.subarray(offset, offset + chunkSize));
    }
  } finally {
    decoder.close();
  }
  return Buffer.concat(parts).subarray(0, length);
}

function expectError(run: () => void, code: string, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isImageError(error), `expected an ImageError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

/**
 * One gzip member per tar entry (the last one with the end-of-archive blocks), as eStargz writes
 * them, then eStargz's footer: an empty member whose FEXTRA field points at the TOC.
 */
function estargzLike(tar: Buffer): Buffer {
  const starts: number[] = [];
  const parser = new TarStreamParser({ onEntry: (entry) => void starts.push(entry.headerOffset) });
  parser.push(tar);
  parser.end();
  starts.push(tar.length);
  const members: Buffer[] = [];
  for (let index = 0; index < starts.length - 1; index++) members.push(zlib.gzipSync(tar.subarray(starts[index], starts[index + 1])));
  members.push(gzipWithAllHeaderFields(Buffer.alloc(0)));
  return Buffer.concat(members);
}

/** A gzip member with every optional header field (FEXTRA, FNAME, FCOMMENT, FHCRC). */
function gzipWithAllHeaderFields(data: Buffer): Buffer {
  const extra = Buffer.from('SGxx\x04\x00abcd', 'latin1');
  const fixed = Buffer.from([0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3]);
  const xlen = Buffer.alloc(2);
  xlen.writeUInt16LE(extra.length);
  const header = Buffer.concat([fixed, xlen, extra, Buffer.from('layer.tar\0comment\0', 'latin1')]);
  const headerCrc = Buffer.alloc(2);
  headerCrc.writeUInt16LE(zlib.crc32(header) & 0xffff);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(zlib.crc32(data), 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  return Buffer.concat([header, headerCrc, zlib.deflateRawSync(data), trailer]);
}

describe('layers: gzip', function () {
  this.timeout(300_000);

  describe('bit alignment (inflatePrime without zlib)', () => {
    const sample = Buffer.from('the quick brown fox jumps over the lazy dog; '.repeat(200));
    for (const [name, strategy] of Object.entries({ fixed: zlib.constants.Z_FIXED, dynamic: zlib.constants.Z_DEFAULT_STRATEGY, huffman: zlib.constants.Z_HUFFMAN_ONLY })) {
      it(`resumes a ${name} block starting at any of the 8 bit positions`, () => {
        const raw = zlib.deflateRawSync(sample, { strategy });
        for (let bits = 0; bits <= 7; bits++) {
          // The block starts at bit (8 - bits) % 8 of byte 0; the low bits before it are garbage.
          const shift = (8 - bits) % 8;
          const shifted = Buffer.alloc(raw.length + 1);
          for (let index = 0; index < raw.length; index++) {
            shifted[index] |= (raw[index] << shift) & 0xff;
            shifted[index + 1] |= raw[index] >> (8 - shift);
          }
          shifted[0] |= 0xa5 & ((1 << shift) - 1);
          const input = alignedInput(bits, shifted[0], shifted.subarray(1));
          assert.ok(zlib.inflateRawSync(input, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).equals(sample), `bits ${bits}`);
        }
      });
    }
  });

  describe('member header', () => {
    it('finds the end of a header with every optional field, also when fed byte by byte', () => {
      const member = gzipWithAllHeaderFields(Buffer.from('x'));
      const expected = 10 + 2 + 10 + 'layer.tar\0comment\0'.length + 2;
      assert.equal(gzipHeaderLength(member, 0), expected);
      for (let length = 0; length < expected; length++) assert.equal(gzipHeaderLength(member.subarray(0, length), 0), undefined, `length ${length}`);
    });

    it('refuses a wrong magic, a method other than deflate and reserved flags', () => {
      expectError(() => gzipHeaderLength(Buffer.from('1f8c08000000000000ff', 'hex'), 5), 'corrupt', /byte 5/);
      expectError(() => gzipHeaderLength(Buffer.from('1f8b07000000000000ff', 'hex'), 0), 'corrupt', /compression method 7/);
      expectError(() => gzipHeaderLength(Buffer.from('1f8b08e00000000000ff', 'hex'), 0), 'corrupt', /reserved flag/);
    });
  });

  describe('checkpoints resume byte for byte', () => {
    const tar = makeMixedTar(20240601, 6 * 1024 * 1024);
    const variants: Array<{ name: string; make: () => Buffer; needs?: string }> = [
      { name: 'gzip -1', make: () => pipeThrough('gzip', ['-1', '-n', '-c'], tar), needs: 'gzip' },
      { name: 'gzip -6', make: () => pipeThrough('gzip', ['-n', '-c'], tar), needs: 'gzip' },
      { name: 'gzip -9', make: () => pipeThrough('gzip', ['-9', '-n', '-c'], tar), needs: 'gzip' },
      { name: 'pigz', make: () => pipeThrough('pigz', ['-c'], tar), needs: 'pigz' },
      { name: 'pigz -9 -b 64', make: () => pipeThrough('pigz', ['-9', '-b', '64', '-c'], tar), needs: 'pigz' },
      { name: 'pigz --independent', make: () => pipeThrough('pigz', ['-i', '-c'], tar), needs: 'pigz' },
      { name: 'node zlib level 1', make: () => zlib.gzipSync(tar, { level: 1 }) },
      { name: 'node zlib level 6', make: () => zlib.gzipSync(tar, { level: 6 }) },
      { name: 'node zlib level 9', make: () => zlib.gzipSync(tar, { level: 9 }) },
      { name: 'node zlib Z_FIXED', make: () => zlib.gzipSync(tar, { strategy: zlib.constants.Z_FIXED }) },
      { name: 'node zlib Z_HUFFMAN_ONLY', make: () => zlib.gzipSync(tar, { strategy: zlib.constants.Z_HUFFMAN_ONLY }) },
      { name: 'node zlib Z_RLE', make: () => zlib.gzipSync(tar, { strategy: zlib.constants.Z_RLE }) },
      { name: 'node zlib Z_FILTERED, memLevel 1', make: () => zlib.gzipSync(tar, { strategy: zlib.constants.Z_FILTERED, memLevel: 1 }) },
      { name: 'eStargz-like: one member per entry', make: () => estargzLike(tar) },
      { name: 'two concatenated members (cat a.gz b.gz)', make: () => Buffer.concat([zlib.gzipSync(tar.subarray(0, 2_000_000)), zlib.gzipSync(tar.subarray(2_000_000))]) },
      { name: 'a header with FEXTRA, FNAME, FCOMMENT, FHCRC', make: () => gzipWithAllHeaderFields(tar) },
    ];
    const settledBits = new Set<number>();
    for (const variant of variants) {
      it(variant.name, function () {
        if (variant.needs !== undefined && !hasCommand(variant.needs)) this.skip();
        const compressed = variant.make();
        const pass = runPass(compressed);
        assert.ok(pass.output.equals(tar), 'the pass decodes the whole tar');
        assert.equal(pass.stats.unmatched, 0, 'the true bit offset always reproduces the output');
        // A checkpoint waits for the first block boundary after a span; blocks of zeros can hold MiBs.
        assert.ok(pass.checkpoints.length >= 20, `${pass.checkpoints.length} checkpoints (${JSON.stringify(pass.stats)})`);
        pass.stats.settled.forEach((count, bits) => count > 0 && settledBits.add(bits));
        for (let index = 0; index < pass.checkpoints.length; index++) {
          const checkpoint = pass.checkpoints[index];
          const next = pass.checkpoints[index + 1]?.uncompressedOffset ?? tar.length;
          const length = Math.min(tar.length - checkpoint.uncompressedOffset, next - checkpoint.uncompressedOffset + 5000);
          const resumed = resume(compressed, checkpoint, length);
          assert.ok(resumed.equals(tar.subarray(checkpoint.uncompressedOffset, checkpoint.uncompressedOffset + length)), `checkpoint ${index} (${checkpoint.kind} at ${checkpoint.compressedOffset}, bits ${checkpoint.bits})`);
        }
      });
    }

    it('met block starts at all 8 bit positions across the variants', () => {
      assert.deepEqual([...settledBits].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
    });

    it('decodes and checkpoints correctly whatever the input chunk size (headers and trailers split anywhere)', () => {
      const compressed = Buffer.concat([estargzLike(makeMixedTar(3, 150_000)), gzipWithAllHeaderFields(tar.subarray(0, 600_000))]);
      const reference = runPass(compressed).output;
      for (const chunkSize of [1, 7, 4096]) {
        const pass = runPass(compressed, chunkSize);
        assert.ok(pass.output.equals(reference), `chunk ${chunkSize}`);
        // A block boundary that falls on the end of a chunk cannot be told from running out of input:
        // with tiny chunks fewer boundaries become checkpoints, but every one taken must be right.
        for (const checkpoint of pass.checkpoints) {
          const length = Math.min(50_000, reference.length - checkpoint.uncompressedOffset);
          assert.ok(resume(compressed, checkpoint, length).equals(reference.subarray(checkpoint.uncompressedOffset, checkpoint.uncompressedOffset + length)), `chunk ${chunkSize}, ${checkpoint.kind} at ${checkpoint.compressedOffset}`);
        }
      }
    });

    it('resumes the last member of a multi-member stream through to its end', () => {
      const compressed = estargzLike(tar);
      const pass = runPass(compressed);
      const last = pass.checkpoints[pass.checkpoints.length - 1];
      const rest = resume(compressed, last, tar.length);
      assert.ok(rest.equals(tar.subarray(last.uncompressedOffset)));
    });
  });

  describe('damaged streams', () => {
    const random = new Random(7);
    const data = Buffer.concat([random.bytes(300_000), Buffer.from('text '.repeat(100_000))]);
    const good = zlib.gzipSync(data);

    it('accepts zero padding after the last member (tape blocks)', () => {
      assert.ok(runPass(Buffer.concat([good, Buffer.alloc(1000)])).output.equals(data));
    });

    it('says where a stream is cut: header, compressed data, trailer', () => {
      expectError(() => runPass(good.subarray(0, 5)), 'truncated', /inside the header of gzip member 1/);
      expectError(() => runPass(good.subarray(0, 200_000)), 'truncated', /ends at byte 200000, inside the compressed data of gzip member 1/);
      expectError(() => runPass(good.subarray(0, good.length - 8)), 'truncated', /before the 8-byte trailer/);
      expectError(() => runPass(good.subarray(0, good.length - 3)), 'truncated', /inside the 8-byte trailer/);
      expectError(() => runPass(Buffer.alloc(0)), 'truncated', /empty/);
    });

    it('reports corrupt deflate data with the compressed offset', () => {
      const broken = Buffer.from(good);
      broken.fill(0xff, 100_000, 100_400);
      expectError(() => runPass(broken), 'corrupt', /gzip member 1 .*(corrupt after byte \d+|CRC-32)/);
    });

    it('checks the CRC-32 and the length in the trailer', () => {
      const badCrc = Buffer.from(good);
      badCrc[badCrc.length - 8] ^= 1;
      expectError(() => runPass(badCrc), 'corrupt', /fails its CRC-32 check/);
      const badSize = Buffer.from(good);
      badSize[badSize.length - 1] ^= 1;
      expectError(() => runPass(badSize), 'corrupt', /trailer says/);
    });

    it('refuses bytes after the last member that are neither a member nor zeros', () => {
      expectError(() => runPass(Buffer.concat([good, Buffer.from('garbage')])), 'corrupt', /neither another gzip member nor zero padding/);
      expectError(() => runPass(Buffer.concat([good, Buffer.alloc(10), Buffer.from('x')])), 'corrupt', /inside the zero padding/);
    });
  });
});
