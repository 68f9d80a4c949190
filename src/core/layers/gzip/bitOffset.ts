/**
 * Which bit of a byte a deflate block starts at, found by trial.
 *
 * When inflate (Z_BLOCK) stops at a block boundary it may hold 0–7 unused high bits of the last
 * byte it consumed; zlib reports that count in `strm.data_type`, which Node does not expose. We
 * try all eight: inflate from each candidate start (with the window as dictionary) and compare
 * with the bytes the real pass produced after the boundary. The true start always reproduces
 * them, so if exactly one candidate does, it is the true one. Several match when the block is a
 * stored one (RFC 1951 §3.2.4: 3 header bits, then padding to a byte boundary): candidates that
 * all read a stored-block header and skip to the same byte reach the same state, so any of them
 * is right. Any other tie skips the checkpoint (the next block boundary gets a try): a recorded
 * bit offset is never a guess.
 */
import * as zlib from 'node:zlib';
import { createRawInflater, type SyncCodec } from '../syncCodec';
import { alignedInput } from './bitAlignment';

export interface BitSearch {
  /** The bit count (see Checkpoint.bits), or why there is none. */
  result: number | 'ambiguous' | 'none';
  /** The candidates that reproduced the output (a longer comparison retries only these). */
  matches: number[];
}

const ALL_BITS = [0, 1, 2, 3, 4, 5, 6, 7];

/**
 * How many high bits of `previousByte` belong to the block (0 when it starts at `following[0]`),
 * tried against `expected`, the output the real pass produced from the boundary on.
 */
export function findBlockStartBits(window: Buffer, previousByte: number, following: Buffer, expected: Buffer, candidates: readonly number[] = ALL_BITS): BitSearch {
  const codec = createRawInflater(window);
  if (codec === undefined) return { result: 'none', matches: [] };
  const output = Buffer.allocUnsafe(expected.length);
  const matches: number[] = [];
  let used = false;
  try {
    for (const bits of candidates) {
      if (bits > 0 && !plausibleHeader(previousByte, bits)) continue;
      if (used) codec.reset();
      used = true;
      const input = bits === 0 ? following : alignedInput(bits, previousByte, following);
      if (reproduces(codec, input, output, expected)) matches.push(bits);
    }
  } finally {
    codec.close();
  }
  if (matches.length === 0) return { result: 'none', matches };
  if (matches.length === 1 || sameStoredBlock(matches, previousByte, following)) return { result: matches[0], matches };
  return { result: 'ambiguous', matches };
}

/**
 * True when every candidate start reads a stored-block header with the same BFINAL and pads to
 * the same byte: from there on they decode the very same bytes the same way.
 */
function sameStoredBlock(candidates: number[], previousByte: number, following: Buffer): boolean {
  // Bit q of the stream that starts with previousByte (LSB first).
  const bit = (q: number) => (q < 8 ? (previousByte >>> q) & 1 : (following[(q - 8) >>> 3] >>> ((q - 8) & 7)) & 1);
  let shape: string | undefined;
  for (const bits of candidates) {
    const start = 8 - bits;
    if (bit(start + 1) !== 0 || bit(start + 2) !== 0) return false; // BTYPE 00: stored
    const candidateShape = `${bit(start)}:${Math.ceil((start + 3) / 8)}`;
    if (shape !== undefined && shape !== candidateShape) return false;
    shape = candidateShape;
  }
  return true;
}

/** A block header with BTYPE 11 is invalid (RFC 1951 §3.2.3); with ≥ 3 bits we can see it. */
function plausibleHeader(previousByte: number, bits: number): boolean {
  if (bits < 3) return true;
  const header = previousByte >>> (8 - bits);
  return ((header >>> 1) & 3) !== 3;
}

function reproduces(codec: SyncCodec, input: Buffer, output: Buffer, expected: Buffer): boolean {
  let inPosition = 0;
  let outPosition = 0;
  try {
    while (outPosition < expected.length && inPosition < input.length) {
      codec.step(zlib.constants.Z_SYNC_FLUSH, input, inPosition, input.length - inPosition, output, outPosition, expected.length - outPosition);
      if (codec.consumed === 0 && codec.produced === 0) break;
      inPosition += codec.consumed;
      outPosition += codec.produced;
    }
  } catch {
    return false;
  }
  return outPosition === expected.length && output.equals(expected);
}
