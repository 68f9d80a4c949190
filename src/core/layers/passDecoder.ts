/**
 * The decoder side of the layer pass: compressed bytes in, tar bytes out to a sink, and the
 * checkpoints that let a later read start near its data. One per compression, chosen by magic.
 */
import type { Compression } from '../compression/detect';
import { ImageError } from '../errors';
import type { Checkpoint } from './checkpoint';
import { CheckpointRecorder, type RecorderStats } from './gzip/checkpointRecorder';
import { GzipDecoder } from './gzip/gzipDecoder';
import { ZstdDecoder } from './zstd/zstdDecoder';

export interface PassDecoder {
  push(chunk: Buffer): void;
  /** The input is complete: throws 'truncated' if it stopped inside a member or frame. */
  end(): void;
  close(): void;
  /** Checkpoints so far (complete after end()). */
  checkpoints(): Checkpoint[];
  /** For gzip: how the bit offsets of block-boundary checkpoints were settled. */
  readonly stats?: RecorderStats;
}

type Sink = (chunk: Buffer) => void;

export function createPassDecoder(compression: Compression, sink: Sink, span: number): PassDecoder {
  switch (compression) {
    case 'none':
      return { push: sink, end: () => undefined, close: () => undefined, checkpoints: () => [] };
    case 'gzip':
      return gzipPass(sink, span);
    case 'zstd':
      return zstdPass(sink, span);
    default:
      throw new ImageError('unsupported', `the layer is ${compression}-compressed; only uncompressed, gzip and zstd layers can be read`);
  }
}

function gzipPass(sink: Sink, span: number): PassDecoder {
  const recorder = new CheckpointRecorder(span);
  const decoder = new GzipDecoder(sink, { blockBoundaries: true, observer: recorder });
  recorder.attach(decoder);
  return {
    push: (chunk) => decoder.push(chunk),
    end: () => {
      decoder.end();
      recorder.finish();
    },
    close: () => decoder.close(),
    checkpoints: () => recorder.checkpoints,
    stats: recorder.stats,
  };
}

function zstdPass(sink: Sink, span: number): PassDecoder {
  const checkpoints: Checkpoint[] = [{ kind: 'frame', compressedOffset: 0, uncompressedOffset: 0, bits: 0 }];
  let last = 0;
  let compressedEnd = 0;
  const decoder = new ZstdDecoder(sink, {
    onFrameEnd(frame, _start, uncompressedEnd) {
      compressedEnd = frame.end;
      if (uncompressedEnd - last < span) return;
      // The next frame (if any) starts here and can be decoded on its own.
      checkpoints.push({ kind: 'frame', compressedOffset: frame.end, uncompressedOffset: uncompressedEnd, bits: 0 });
      last = uncompressedEnd;
    },
  });
  return {
    push: (chunk) => decoder.push(chunk),
    end: () => {
      decoder.end();
      const lastCheckpoint = checkpoints[checkpoints.length - 1];
      if (checkpoints.length > 1 && lastCheckpoint.compressedOffset >= compressedEnd) checkpoints.pop();
    },
    close: () => decoder.close(),
    checkpoints: () => checkpoints,
  };
}
