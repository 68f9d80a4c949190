/**
 * The gzip member header (RFC 1952 §2.3), parsed by hand because the layer pass inflates raw
 * deflate data itself to see block boundaries and member starts (eStargz: one member per file).
 */
import { ImageError } from '../../errors';

const FLAG_HCRC = 0x02;
const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;
const FLAG_COMMENT = 0x10;
const FLAG_RESERVED = 0xe0;
const FIXED_LENGTH = 10;

/** Longest header we accept: FNAME and FCOMMENT are NUL-terminated and could run on forever. */
export const MAX_GZIP_HEADER_BYTES = 1024 * 1024;

/**
 * The length of the member header in `bytes` (which starts at the header's first byte), or
 * undefined when more bytes are needed. `offset` is the header's position in the blob, for errors.
 */
export function gzipHeaderLength(bytes: Uint8Array, offset: number): number | undefined {
  if (bytes.length < FIXED_LENGTH) {
    checkMagic(bytes, offset);
    return undefined;
  }
  checkMagic(bytes, offset);
  const flags = bytes[3];
  if ((flags & FLAG_RESERVED) !== 0) throw corrupt(`the gzip member header at byte ${offset} sets reserved flag bits (0x${flags.toString(16)})`);
  let position = FIXED_LENGTH;
  if (flags & FLAG_EXTRA) {
    if (bytes.length < position + 2) return undefined;
    position += 2 + (bytes[position] | (bytes[position + 1] << 8));
    if (bytes.length < position) return undefined;
  }
  for (const flag of [FLAG_NAME, FLAG_COMMENT]) {
    if ((flags & flag) === 0) continue;
    const end = bytes.indexOf(0, position);
    if (end < 0) {
      if (bytes.length > MAX_GZIP_HEADER_BYTES) throw corrupt(`the gzip member header at byte ${offset} is longer than ${MAX_GZIP_HEADER_BYTES} bytes (an unterminated file name or comment)`);
      return undefined;
    }
    position = end + 1;
  }
  if (flags & FLAG_HCRC) position += 2;
  return bytes.length < position ? undefined : position;
}

function checkMagic(bytes: Uint8Array, offset: number): void {
  const expected = [0x1f, 0x8b, 0x08];
  for (let index = 0; index < Math.min(bytes.length, 3); index++) {
    if (bytes[index] === expected[index]) continue;
    const found = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 3))).toString('hex');
    if (index < 2) throw corrupt(`expected a gzip member at byte ${offset} (1f8b), found ${found}`);
    throw corrupt(`the gzip member at byte ${offset} uses compression method ${bytes[2]}, not deflate (8)`);
  }
}

function corrupt(message: string): ImageError {
  return new ImageError('corrupt', message);
}

/** The 8-byte member trailer: CRC-32 and length mod 2^32 of the member's uncompressed data. */
export const GZIP_TRAILER_LENGTH = 8;

export function readTrailer(bytes: Uint8Array): { crc: number; size: number } {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, GZIP_TRAILER_LENGTH);
  return { crc: view.readUInt32LE(0), size: view.readUInt32LE(4) };
}
