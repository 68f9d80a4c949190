/**
 * Takes checkpoints while GzipDecoder runs the layer pass: the start of a gzip member whenever a
 * span has passed (free: no window), else the first deflate block boundary after it, whose bit
 * offset is settled by trial once a few KiB of the following output are known (bitOffset.ts).
 */
import { WINDOW_SIZE, type Checkpoint } from '../checkpoint';
import { findBlockStartBits } from './bitOffset';
import type { GzipDecoder, GzipDecoderObserver } from './gzipDecoder';

/** Output compared to settle a bit offset; the true start always matches, wrong ones rarely. */
const COMPARE_BYTES = 4096;
/** When several starts match (a stored block whose BFINAL bit is in doubt, say), compare this much. */
const LONG_COMPARE_BYTES = 128 * 1024;
/** A candidate whose member ends sooner than this is dropped (the next member start is free anyway). */
const MIN_COMPARE_BYTES = 64;
/** Give up on a candidate if this much input does not yield COMPARE_BYTES (cannot happen with valid deflate). */
const MAX_LOOKAHEAD_BYTES = 1024 * 1024;

interface Candidate {
  compressedOffset: number;
  uncompressedOffset: number;
  previousByte: number;
  window: Buffer;
  input: Buffer[];
  inputLength: number;
  /** Output after the boundary, up to LONG_COMPARE_BYTES (the recorder's one buffer). */
  expected: Buffer;
  filled: number;
  /** Output needed before the next try. */
  target: number;
  /** After an ambiguous first try: the starts still in the running. */
  remaining?: number[];
}

export interface RecorderStats {
  /** Bit offsets settled by trial, by bit count 0–7. */
  settled: number[];
  /** Candidates dropped because several bit offsets reproduced the output. */
  ambiguous: number;
  /** Candidates dropped because no bit offset did (never expected: it would mean a bug). */
  unmatched: number;
  /** Candidates dropped because their member ended too soon to compare. */
  dropped: number;
}

export class CheckpointRecorder implements GzipDecoderObserver {
  readonly checkpoints: Checkpoint[] = [];
  readonly stats: RecorderStats = { settled: [0, 0, 0, 0, 0, 0, 0, 0], ambiguous: 0, unmatched: 0, dropped: 0 };
  private decoder: GzipDecoder | undefined;
  private candidate: Candidate | undefined;
  private lastCheckpoint = 0;
  private readonly expected = Buffer.allocUnsafe(LONG_COMPARE_BYTES);

  constructor(private readonly span: number) {}

  attach(decoder: GzipDecoder): void {
    this.decoder = decoder;
  }

  onMemberStart(compressedOffset: number, uncompressedOffset: number): void {
    this.settle();
    if (this.checkpoints.length === 0 || uncompressedOffset - this.lastCheckpoint >= this.span) {
      this.add({ kind: 'member', compressedOffset, uncompressedOffset, bits: 0 });
    }
  }

  onMemberEnd(): void {
    this.settle();
  }

  onBlockBoundary(): void {
    const decoder = this.decoder;
    if (decoder === undefined || this.candidate !== undefined) return;
    if (decoder.uncompressedOffset - this.lastCheckpoint < this.span) return;
    this.candidate = {
      compressedOffset: decoder.compressedOffset,
      uncompressedOffset: decoder.uncompressedOffset,
      previousByte: decoder.previousByte,
      window: decoder.window(),
      input: [],
      inputLength: 0,
      expected: this.expected,
      filled: 0,
      target: COMPARE_BYTES,
    };
  }

  onStep(input: Buffer, inputStart: number, inputEnd: number, output: Buffer, outputStart: number, outputEnd: number): void {
    const candidate = this.candidate;
    if (candidate === undefined) return;
    if (inputEnd > inputStart) {
      candidate.input.push(Buffer.from(input.subarray(inputStart, inputEnd)));
      candidate.inputLength += inputEnd - inputStart;
    }
    const take = Math.min(outputEnd - outputStart, candidate.expected.length - candidate.filled);
    output.copy(candidate.expected, candidate.filled, outputStart, outputStart + take);
    candidate.filled += take;
    if (candidate.filled >= candidate.target || candidate.inputLength > MAX_LOOKAHEAD_BYTES) this.settle(true);
  }

  /** The pass ended: settle what is pending. */
  finish(): void {
    this.settle();
  }

  /** Decides the pending candidate; `more` says the member goes on (a tie may then wait for more output). */
  private settle(more = false): void {
    const candidate = this.candidate;
    if (candidate === undefined) return;
    this.candidate = undefined;
    if (candidate.filled < MIN_COMPARE_BYTES) {
      this.stats.dropped++;
      return;
    }
    const following = Buffer.concat(candidate.input, candidate.inputLength);
    const expected = candidate.expected.subarray(0, candidate.filled);
    const search = findBlockStartBits(candidate.window, candidate.previousByte, following, expected, candidate.remaining);
    const bits = search.result;
    if (bits === 'ambiguous' && more && candidate.remaining === undefined && candidate.filled < LONG_COMPARE_BYTES && candidate.inputLength <= MAX_LOOKAHEAD_BYTES) {
      candidate.target = LONG_COMPARE_BYTES;
      candidate.input = [following];
      candidate.remaining = search.matches;
      this.candidate = candidate;
      return;
    }
    if (bits === 'ambiguous' || bits === 'none') {
      if (bits === 'ambiguous') this.stats.ambiguous++;
      else this.stats.unmatched++;
      return;
    }
    this.stats.settled[bits]++;
    this.add({
      kind: 'deflate',
      compressedOffset: bits === 0 ? candidate.compressedOffset : candidate.compressedOffset - 1,
      uncompressedOffset: candidate.uncompressedOffset,
      bits,
      window: candidate.window.length > WINDOW_SIZE ? candidate.window.subarray(-WINDOW_SIZE) : candidate.window,
    });
  }

  private add(checkpoint: Checkpoint): void {
    this.checkpoints.push(checkpoint);
    this.lastCheckpoint = checkpoint.uncompressedOffset;
  }
}
