/**
 * Access points into a compressed layer, taken during the indexing pass (madler/zlib
 * examples/zran.c; explore.ggcr.dev's soci index does the same for image layers). A read starts
 * at the last checkpoint at or before the data it needs and decodes at most one span.
 */
export type CheckpointKind =
  /** A gzip member header starts here: decoding restarts from scratch (no window needed). */
  | 'member'
  /** A deflate block starts inside a member: raw inflate from here with `window` as dictionary. */
  | 'deflate'
  /** A zstd frame (or skippable frame) starts here: frames are independent. */
  | 'frame';

export interface Checkpoint {
  kind: CheckpointKind;
  /**
   * Offset in the compressed blob of the byte that holds the first bit of what starts here. For
   * 'deflate' with `bits` > 0 the block starts inside that byte (see `bits`).
   */
  compressedOffset: number;
  /** Offset in the uncompressed tar stream of the first byte decoded from here. */
  uncompressedOffset: number;
  /**
   * 'deflate' only: how many high bits of the byte at `compressedOffset` belong to the block
   * (0: the block starts at that byte's first bit; 1–7: at bit 8 - bits, LSB-first numbering).
   */
  bits: number;
  /** 'deflate' only: the up to 32 KiB of the member's output before this point (back-references). */
  window?: Buffer;
}

/** Deflate back-references reach at most 32 KiB back (RFC 1951 §3.2.5). */
export const WINDOW_SIZE = 32 * 1024;

/** Default spacing of checkpoints, in uncompressed bytes: a read decodes at most this much extra. */
export const DEFAULT_SPAN = 4 * 1024 * 1024;

/** The last checkpoint at or before `offset` (the list is sorted by uncompressedOffset). */
export function checkpointBefore(checkpoints: readonly Checkpoint[], offset: number): Checkpoint | undefined {
  let low = 0;
  let high = checkpoints.length - 1;
  let found: Checkpoint | undefined;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (checkpoints[middle].uncompressedOffset <= offset) {
      found = checkpoints[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
