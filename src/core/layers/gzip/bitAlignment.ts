/**
 * Resuming inflate in the middle of a byte without zlib's inflatePrime (Node does not expose it).
 *
 * A checkpoint taken at a deflate block boundary may fall inside a byte: the previous block used
 * the low `8 - bits` bits of that byte and the next block starts at bit `8 - bits` (RFC 1951
 * §3.1.1 packs bits LSB first). Instead of shifting the whole compressed span, we put a few empty
 * deflate blocks in front whose total length is exactly `8 - bits` bits modulo 8, and splice the
 * last partial byte of that prefix with the real byte. Raw inflate then decodes the empty blocks
 * (no output) and reaches the real block exactly at its first bit; every later byte is the
 * original, so offsets after the first byte map 1:1 and member trailers are found as usual.
 *
 * Empty blocks used (non-final, so decoding continues):
 * - fixed Huffman (BTYPE 01): 3 header bits + end-of-block code 256 (7 bits) = 10 bits;
 * - dynamic Huffman (BTYPE 10) whose only literal/length code is end-of-block (one code of
 *   length 1, which zlib accepts as the single allowed incomplete code) = 95 bits.
 * 10 ≡ 2 and 95 ≡ 7 (mod 8), so D + n·F covers the odd residues and n·F the even ones.
 */

class BitWriter {
  private readonly bytes: number[] = [];
  private bitBuffer = 0;
  private bitCount = 0;

  /** Writes `count` bits of `value`, least significant first (deflate's order for header fields). */
  bits(value: number, count: number): void {
    for (let index = 0; index < count; index++) this.bit((value >>> index) & 1);
  }

  /** Writes a Huffman code, most significant bit first (RFC 1951 §3.1.1). */
  code(code: number, length: number): void {
    for (let index = length - 1; index >= 0; index--) this.bit((code >>> index) & 1);
  }

  get length(): number {
    return this.bytes.length * 8 + this.bitCount;
  }

  /** The bits written, the last byte partly filled (its high bits zero). */
  finish(): Buffer {
    const bytes = [...this.bytes];
    if (this.bitCount > 0) bytes.push(this.bitBuffer);
    return Buffer.from(bytes);
  }

  private bit(bit: number): void {
    this.bitBuffer |= bit << this.bitCount;
    if (++this.bitCount === 8) {
      this.bytes.push(this.bitBuffer);
      this.bitBuffer = 0;
      this.bitCount = 0;
    }
  }
}

/** A non-final fixed-Huffman block holding only end-of-block: 10 bits. */
function emptyFixedBlock(writer: BitWriter): void {
  writer.bits(0, 1); // BFINAL
  writer.bits(1, 2); // BTYPE 01
  writer.code(0, 7); // symbol 256 is the 7-bit code 0000000
}

/** Order in which code length code lengths are stored (RFC 1951 §3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * A non-final dynamic block with 257 literal/length codes (only 256 has a length: 1) and 3
 * distance codes (all unused): 95 bits. Code length alphabet: 18 → "0", 1 → "10", 17 → "11".
 */
function emptyDynamicBlock(writer: BitWriter): void {
  writer.bits(0, 1); // BFINAL
  writer.bits(2, 2); // BTYPE 10
  writer.bits(0, 5); // HLIT: 257 codes
  writer.bits(2, 5); // HDIST: 3 codes
  const codeLengthLengths = new Map([[18, 1], [1, 2], [17, 2]]);
  const stored = CODE_LENGTH_ORDER.indexOf(1) + 1; // up to the last symbol we use
  writer.bits(stored - 4, 4); // HCLEN
  for (let index = 0; index < stored; index++) writer.bits(codeLengthLengths.get(CODE_LENGTH_ORDER[index]) ?? 0, 3);
  writer.code(0, 1); // 18: a run of 11 + 127 = 138 zero lengths
  writer.bits(127, 7);
  writer.code(0, 1); // 18: a run of 11 + 107 = 118 zero lengths (256 in all)
  writer.bits(107, 7);
  writer.code(0b10, 2); // 1: symbol 256 has length 1
  writer.code(0b11, 2); // 17: a run of 3 + 0 = 3 zero distance lengths
  writer.bits(0, 3);
  writer.code(0, 1); // end of block: the only literal/length code, "0"
}

const prefixes = new Map<number, Buffer>();

/**
 * Bytes to put before the byte that holds a block's first bit when `bits` (1–7) high bits of that
 * byte belong to the block. The last byte returned is the partial one: OR it with the real byte's
 * high `bits` bits (see `spliceFirstByte`).
 */
export function alignmentPrefix(bits: number): Buffer {
  if (!Number.isInteger(bits) || bits < 1 || bits > 7) throw new RangeError(`bits must be 1..7, got ${bits}`);
  const cached = prefixes.get(bits);
  if (cached !== undefined) return cached;
  const residue = 8 - bits;
  const writer = new BitWriter();
  if (residue % 2 === 1) emptyDynamicBlock(writer);
  while (writer.length % 8 !== residue) emptyFixedBlock(writer);
  const prefix = writer.finish();
  prefixes.set(bits, prefix);
  return prefix;
}

/**
 * The compressed bytes to inflate from, for a block starting `bits` bits before the end of
 * `first` (0 = at a byte boundary, where `first` is the block's first byte and is kept whole).
 * Returns a new buffer: prefix, spliced byte, then `rest`.
 */
export function alignedInput(bits: number, first: number, rest: Buffer): Buffer {
  if (bits === 0) return Buffer.concat([Buffer.of(first), rest]);
  const prefix = alignmentPrefix(bits);
  const result = Buffer.allocUnsafe(prefix.length + rest.length);
  prefix.copy(result, 0);
  const keep = 0xff << (8 - bits);
  result[prefix.length - 1] = (prefix[prefix.length - 1] & ~keep & 0xff) | (first & keep & 0xff);
  rest.copy(result, prefix.length);
  return result;
}
