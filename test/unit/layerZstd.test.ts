/**
 * Zstd layers: frame boundaries found without decoding (frame header, block headers, checksum,
 * skippable frames), per-frame output sizes from both decoders (Node's built-in one where it
 * exists, fzstd everywhere), frame checkpoints resumed byte for byte, and damaged streams.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isImageError } from '../../src/core/errors';
import type { Checkpoint } from '../../src/core/layers/checkpoint';
import { createPassDecoder } from '../../src/core/layers/passDecoder';
import { ZstdFrameScanner, type FrameInfo } from '../../src/core/layers/zstd/frameScanner';
import { ZstdDecoder } from '../../src/core/layers/zstd/zstdDecoder';
import { createNativeZstdDecoder } from '../../src/core/layers/syncCodec';
import { hasCommand, makeMixedTar, pipeThrough, temporaryDirectory } from './layerTestHelpers';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const nativeZstd = createNativeZstdDecoder();
nativeZstd?.close();
const ENGINES: Array<{ name: string; forceFzstd: boolean }> = [{ name: 'fzstd', forceFzstd: true }, ...(nativeZstd !== undefined ? [{ name: 'node:zlib', forceFzstd: false }] : [])];

function scanFrames(bytes: Buffer, chunkSize: number): FrameInfo[] {
  const scanner = new ZstdFrameScanner();
  const frames: FrameInfo[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    const chunk = bytes.subarray(offset, offset + chunkSize);
    let position = 0;
    while (position < chunk.length) {
      position = scanner.scan(chunk, position);
      if (scanner.ended !== undefined) frames.push(scanner.ended);
    }
  }
  assert.ok(scanner.atFrameBoundary, 'ends between frames');
  return frames;
}

function decode(bytes: Buffer, forceFzstd: boolean, start?: Checkpoint, chunkSize = 65_537): { output: Buffer; frames: Array<{ frame: FrameInfo; size: number }> } {
  const parts: Buffer[] = [];
  const frames: Array<{ frame: FrameInfo; size: number }> = [];
  const decoder = new ZstdDecoder((chunk) => parts.push(Buffer.from(chunk)), { forceFzstd, start, onFrameEnd: (frame, from, to) => frames.push({ frame, size: to - from }) });
  try {
    for (let offset = start?.compressedOffset ?? 0; offset < bytes.length; offset += chunkSize) decoder.push(bytes.subarray(offset, offset + chunkSize));
    decoder.end();
  } finally {
    decoder.close();
  }
  return { output: Buffer.concat(parts), frames };
}

/** Compresses pieces as separate files (so each frame records its content size) and concatenates them. */
function framesWithContentSize(pieces: Buffer[]): Buffer {
  const dir = temporaryDirectory('cie-zstd-');
  try {
    return Buffer.concat(
      pieces.map((piece, index) => {
        const file = path.join(dir, `piece-${index}`);
        writeFileSync(file, piece);
        const result = spawnSync('zstd', ['-q', '-f', file, '-o', `${file}.zst`]);
        if (result.status !== 0) throw new Error(result.stderr.toString());
        return readFileSync(`${file}.zst`);
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function skippableFrame(payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(0x184d2a5e, 0);
  header.writeUInt32LE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function expectError(run: () => void, code: string, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isImageError(error), `expected an ImageError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('layers: zstd', function () {
  this.timeout(300_000);
  before(function () {
    if (!hasCommand('zstd') || !hasCommand('pzstd')) this.skip();
  });
  const tar = makeMixedTar(99, 3 * 1024 * 1024);
  const pieces = [tar.subarray(0, 1_000_000), tar.subarray(1_000_000, 1_000_001), tar.subarray(1_000_001, 2_500_000), tar.subarray(2_500_000)];

  describe('frame scanner', () => {
    it('finds one frame in zstd CLI output, with its content size, in chunks of any size', () => {
      const single = framesWithContentSize([tar]);
      for (const chunkSize of [1, 3, 4096, single.length]) {
        const frames = scanFrames(single, chunkSize);
        assert.deepEqual(frames, [{ kind: 'zstd', start: 0, end: single.length, contentSize: tar.length }], `chunk ${chunkSize}`);
      }
    });

    it('finds the frames of concatenated, pzstd, checksum-less and skippable-frame streams', () => {
      const sized = framesWithContentSize(pieces);
      assert.deepEqual(scanFrames(sized, 1000).map((frame) => frame.contentSize), pieces.map((piece) => piece.length));
      const piped = Buffer.concat(pieces.map((piece) => pipeThrough('zstd', ['-q', '-c'], piece)));
      const pipedFrames = scanFrames(piped, 777);
      assert.equal(pipedFrames.length, pieces.length);
      assert.ok(pipedFrames.every((frame) => frame.contentSize === undefined), 'zstd writes no content size when reading a pipe');
      assert.equal(pipedFrames[pipedFrames.length - 1].end, piped.length);
      const unchecked = pipeThrough('zstd', ['-q', '--no-check', '-c'], tar);
      assert.deepEqual(scanFrames(unchecked, 5000).map((frame) => [frame.start, frame.end]), [[0, unchecked.length]]);
      const withSkippable = Buffer.concat([skippableFrame(Buffer.from('manifest')), unchecked, skippableFrame(Buffer.alloc(0))]);
      assert.deepEqual(scanFrames(withSkippable, 3).map((frame) => frame.kind), ['skippable', 'zstd', 'skippable']);
    });
  });

  for (const engine of ENGINES) {
    describe(`decoding with ${engine.name}`, () => {
      it('decodes every layout and counts each frame', () => {
        const layouts = {
          cli: pipeThrough('zstd', ['-q', '-c'], tar),
          sized: framesWithContentSize(pieces),
          pzstd: pipeThrough('pzstd', ['-q', '-p', '2', '-c'], tar),
          piped: Buffer.concat(pieces.map((piece) => pipeThrough('zstd', ['-q', '-c'], piece))),
          skippable: Buffer.concat([skippableFrame(Buffer.from('x')), framesWithContentSize(pieces), skippableFrame(Buffer.from('toc'))]),
        };
        for (const [name, bytes] of Object.entries(layouts)) {
          const { output, frames } = decode(bytes, engine.forceFzstd);
          assert.ok(output.equals(tar), name);
          assert.equal(frames.reduce((sum, frame) => sum + frame.size, 0), tar.length, `${name}: frame sizes add up`);
          for (const { frame, size } of frames) if (frame.contentSize !== undefined) assert.equal(size, frame.contentSize, name);
        }
      });

      it('resumes from every frame checkpoint byte for byte', () => {
        const piped = Buffer.concat(pieces.map((piece) => pipeThrough('zstd', ['-q', '-c'], piece)));
        const bytes = Buffer.concat([framesWithContentSize(pieces), skippableFrame(Buffer.from('trailer')), piped]);
        const whole = Buffer.concat([tar, tar]);
        const parts: Buffer[] = [];
        const pass = createPassDecoder('zstd', (chunk) => parts.push(Buffer.from(chunk)), 64 * 1024);
        pass.push(bytes);
        pass.end();
        pass.close();
        assert.ok(Buffer.concat(parts).equals(whole));
        const checkpoints = pass.checkpoints();
        assert.ok(checkpoints.length >= 5, `${checkpoints.length} checkpoints`);
        for (const checkpoint of checkpoints) {
          const { output } = decode(bytes, engine.forceFzstd, checkpoint);
          assert.ok(output.equals(whole.subarray(checkpoint.uncompressedOffset)), `frame at ${checkpoint.compressedOffset}`);
        }
      });

      it('reports cut and damaged streams with their offsets', () => {
        const bytes = pipeThrough('zstd', ['-q', '-c'], tar);
        expectError(() => decode(bytes.subarray(0, 100_000), engine.forceFzstd), 'truncated', /ends at byte 100000, inside the frame that starts at byte 0/);
        expectError(() => decode(Buffer.alloc(0), engine.forceFzstd), 'truncated', /empty/);
        expectError(() => decode(Buffer.concat([bytes, Buffer.from('garbage!')]), engine.forceFzstd), 'corrupt', new RegExp(`expected a zstd frame at byte ${bytes.length}`));
        const damaged = Buffer.from(bytes);
        for (let offset = 2000; offset < damaged.length; offset += 50_000) damaged.fill(0x55, offset, offset + 64);
        expectError(() => decode(damaged, engine.forceFzstd), 'corrupt', /zstd frame .*byte 0/);
      });
    });
  }
});
