/**
 * A push-driven gzip decoder over Node's raw inflate, for the layer pass and for reads from a
 * checkpoint. It parses member headers and trailers itself (RFC 1952) so that it sees what
 * zlib's gunzip hides: where each member starts (eStargz writes one per file) and, with Z_BLOCK,
 * every deflate block boundary. Trailers are checked (CRC-32, ISIZE) for members decoded whole.
 */
import * as zlib from 'node:zlib';
import { ImageError } from '../../errors';
import { WINDOW_SIZE, type Checkpoint } from '../checkpoint';
import { CodecError, createRawInflater, type SyncCodec } from '../syncCodec';
import { alignmentPrefix, alignedInput } from './bitAlignment';
import { GZIP_TRAILER_LENGTH, gzipHeaderLength, readTrailer } from './memberHeader';

export interface GzipDecoderObserver {
  /** After each inflate call: the input it consumed and the output it produced (views: copy to keep). */
  onStep?(input: Buffer, inputStart: number, inputEnd: number, output: Buffer, outputStart: number, outputEnd: number): void;
  /** Inflate stopped at a deflate block boundary (only with `blockBoundaries`). */
  onBlockBoundary?(): void;
  /** A member header starts at `compressedOffset`, after `uncompressedOffset` bytes of output. */
  onMemberStart?(compressedOffset: number, uncompressedOffset: number): void;
  /** The current member's deflate data ended. */
  onMemberEnd?(): void;
}

export interface GzipDecoderOptions {
  /** Where decoding starts: the first byte pushed is the one at `start.compressedOffset`. Default: a member at 0. */
  start?: Checkpoint;
  /** Stop at every deflate block boundary (Z_BLOCK) so the observer can take checkpoints. */
  blockBoundaries?: boolean;
  observer?: GzipDecoderObserver;
}

type Phase = 'header' | 'deflate' | 'trailer' | 'next' | 'padding';

/** Output is produced into this much room after the 32 KiB of history kept for windows. */
const OUTPUT_ROOM = 512 * 1024;
const EMPTY = Buffer.alloc(0);
const crc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

export class GzipDecoder {
  /** Blob offset of the next input byte. */
  compressedOffset: number;
  /** Uncompressed offset of the next output byte. */
  uncompressedOffset: number;
  /** The last input byte inflate consumed (holds the first bits of the next block at a boundary). */
  previousByte = 0;
  private phase: Phase;
  private readonly codec: SyncCodec;
  private readonly flush: number;
  private readonly out = Buffer.allocUnsafe(WINDOW_SIZE + OUTPUT_ROOM);
  private outPosition = 0;
  /** How much of this member's output sits before `outPosition` (at most WINDOW_SIZE). */
  private windowLength = 0;
  private memberNumber = 0;
  private memberStart: number;
  private memberOutput = 0;
  /** The member was decoded from its header, so its trailer can be checked. */
  private memberWhole: boolean;
  private crc = 0;
  /** The inflater has seen a member already and must be reset for the next. */
  private codecUsed: boolean;
  private held = Buffer.allocUnsafe(64);
  private heldLength = 0;
  /** For a start inside a byte: the alignment prefix still has to be put before the first byte. */
  private startBits: number;
  private readonly observer: GzipDecoderObserver;

  constructor(
    private readonly sink: (chunk: Buffer) => void,
    options: GzipDecoderOptions = {},
  ) {
    const start = options.start ?? { kind: 'member', compressedOffset: 0, uncompressedOffset: 0, bits: 0 };
    if (start.kind === 'frame') throw new Error('GzipDecoder: a zstd frame checkpoint');
    const codec = createRawInflater(start.kind === 'deflate' ? start.window : undefined);
    if (codec === undefined) throw new ImageError('unsupported', 'this Node.js does not expose zlib handles; cannot index gzip layers with checkpoints');
    this.codec = codec;
    this.flush = options.blockBoundaries === true ? zlib.constants.Z_BLOCK : zlib.constants.Z_NO_FLUSH;
    this.observer = options.observer ?? {};
    this.compressedOffset = start.compressedOffset;
    this.uncompressedOffset = start.uncompressedOffset;
    this.memberStart = start.compressedOffset;
    this.memberNumber = start.kind === 'deflate' ? 1 : 0;
    this.phase = start.kind === 'member' ? 'header' : 'deflate';
    this.memberWhole = start.kind === 'member';
    this.startBits = start.kind === 'deflate' ? start.bits : 0;
    this.codecUsed = start.kind === 'deflate';
    if (start.kind === 'member') this.beginMember();
  }

  /** The up to 32 KiB of the current member's output before the next output byte (a copy). */
  window(): Buffer {
    return Buffer.from(this.out.subarray(this.outPosition - this.windowLength, this.outPosition));
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.startBits > 0) {
      chunk = alignedInput(this.startBits, chunk[0], chunk.subarray(1));
      this.compressedOffset -= alignmentPrefix(this.startBits).length - 1;
      this.startBits = 0;
    }
    let position = 0;
    while (position < chunk.length) {
      switch (this.phase) {
        case 'header':
          position = this.readHeader(chunk, position);
          break;
        case 'deflate':
          position = this.inflate(chunk, position);
          break;
        case 'trailer':
          position = this.readTrailer(chunk, position);
          break;
        case 'next':
          position = this.nextMember(chunk, position);
          break;
        case 'padding':
          position = this.padding(chunk, position);
          break;
      }
    }
  }

  /** The input is complete: throws 'truncated' unless it ended after a whole member. */
  end(): void {
    const where = `at byte ${this.compressedOffset}`;
    switch (this.phase) {
      case 'header':
        if (this.memberNumber === 1 && this.heldLength === 0 && this.compressedOffset === 0) throw new ImageError('truncated', 'the gzip data is empty');
        throw new ImageError('truncated', `the gzip data ends ${where}, inside the header of ${this.member()}`);
      case 'deflate':
        throw new ImageError('truncated', `the gzip data ends ${where}, ${this.deflateEnded() ? 'before the 8-byte trailer' : 'inside the compressed data'} of ${this.member()}`);
      case 'trailer':
        throw new ImageError('truncated', `the gzip data ends ${where}, inside the 8-byte trailer of ${this.member()}`);
      default:
    }
  }

  close(): void {
    this.codec.close();
  }

  private member(): string {
    return `gzip member ${this.memberNumber} (starting at byte ${this.memberStart})`;
  }

  private beginMember(): void {
    this.memberNumber++;
    this.memberStart = this.compressedOffset;
    this.memberOutput = 0;
    this.memberWhole = true;
    this.crc = 0;
    this.windowLength = 0;
    this.observer.onMemberStart?.(this.compressedOffset, this.uncompressedOffset);
  }

  /** Copies up to `needed - heldLength` bytes into `held`; returns the new position. */
  private gather(chunk: Buffer, position: number, needed: number): number {
    const count = Math.min(needed - this.heldLength, chunk.length - position);
    if (this.held.length < this.heldLength + count) {
      const larger = Buffer.allocUnsafe(Math.max(this.held.length * 2, this.heldLength + count));
      this.held.copy(larger, 0, 0, this.heldLength);
      this.held = larger;
    }
    chunk.copy(this.held, this.heldLength, position, position + count);
    this.heldLength += count;
    return position + count;
  }

  private readHeader(chunk: Buffer, position: number): number {
    const before = this.heldLength;
    let length: number | undefined;
    if (before === 0) {
      length = gzipHeaderLength(chunk.subarray(position), this.memberStart);
      if (length !== undefined) return this.headerDone(position + length, length);
    }
    const end = this.gather(chunk, position, Number.MAX_SAFE_INTEGER);
    length = gzipHeaderLength(this.held.subarray(0, this.heldLength), this.memberStart);
    if (length === undefined) {
      this.compressedOffset += end - position;
      return end;
    }
    this.heldLength = 0;
    return this.headerDone(position + (length - before), length - before);
  }

  private headerDone(position: number, consumed: number): number {
    this.compressedOffset += consumed;
    if (this.codecUsed) this.codec.reset();
    this.codecUsed = true;
    this.phase = 'deflate';
    return position;
  }

  private inflate(chunk: Buffer, position: number): number {
    const codec = this.codec;
    const out = this.out;
    while (position < chunk.length) {
      if (this.outPosition === out.length) this.slide();
      const outStart = this.outPosition;
      try {
        codec.step(this.flush, chunk, position, chunk.length - position, out, outStart, out.length - outStart);
      } catch (error) {
        throw this.corrupt(error);
      }
      const consumed = codec.consumed;
      const produced = codec.produced;
      if (consumed === 0 && produced === 0) {
        // Inflate makes progress whenever it has input and room, unless the deflate stream ended.
        this.phase = 'trailer';
        this.observer.onMemberEnd?.();
        return position;
      }
      if (consumed > 0) this.previousByte = chunk[position + consumed - 1];
      if (produced > 0) {
        const view = out.subarray(outStart, outStart + produced);
        if (this.memberWhole && crc32 !== undefined) this.crc = crc32(view, this.crc);
        this.outPosition += produced;
        this.windowLength = Math.min(WINDOW_SIZE, this.windowLength + produced);
        this.memberOutput += produced;
        this.uncompressedOffset += produced;
        this.sink(view);
      }
      this.observer.onStep?.(chunk, position, position + consumed, out, outStart, outStart + produced);
      position += consumed;
      this.compressedOffset += consumed;
      if (position < chunk.length && this.outPosition < out.length) this.observer.onBlockBoundary?.();
    }
    return position;
  }

  /** Keeps the last 32 KiB of output (the next window) and frees the rest of the buffer. */
  private slide(): void {
    this.out.copy(this.out, 0, this.outPosition - WINDOW_SIZE, this.outPosition);
    this.outPosition = WINDOW_SIZE;
  }

  private deflateEnded(): boolean {
    try {
      this.codec.step(zlib.constants.Z_FINISH, EMPTY, 0, 0, this.out, 0, 1);
      return true;
    } catch {
      return false;
    }
  }

  private corrupt(error: unknown): ImageError {
    const detail = error instanceof CodecError ? error.message : String(error);
    return new ImageError('corrupt', `the deflate data of ${this.member()} is corrupt after byte ${this.compressedOffset} (zlib: ${detail})`, { cause: error });
  }

  private readTrailer(chunk: Buffer, position: number): number {
    const end = this.gather(chunk, position, GZIP_TRAILER_LENGTH);
    this.compressedOffset += end - position;
    if (this.heldLength < GZIP_TRAILER_LENGTH) return end;
    this.heldLength = 0;
    if (this.memberWhole) this.checkTrailer(readTrailer(this.held));
    this.phase = 'next';
    return end;
  }

  private checkTrailer(trailer: { crc: number; size: number }): void {
    const size = this.memberOutput % 2 ** 32;
    if (trailer.size !== size) {
      throw new ImageError('corrupt', `${this.member()} decodes to ${this.memberOutput} bytes, but its trailer says ${trailer.size} (mod 2^32)`);
    }
    if (crc32 !== undefined && trailer.crc !== this.crc >>> 0) {
      throw new ImageError('corrupt', `${this.member()} fails its CRC-32 check (trailer ${hex(trailer.crc)}, data ${hex(this.crc >>> 0)})`);
    }
  }

  private nextMember(chunk: Buffer, position: number): number {
    const byte = chunk[position];
    if (byte === 0x1f) {
      this.phase = 'header';
      this.beginMember();
      return position;
    }
    if (byte === 0) {
      this.phase = 'padding';
      return position;
    }
    throw new ImageError('corrupt', `byte ${this.compressedOffset} after ${this.member()} is 0x${byte.toString(16).padStart(2, '0')}: neither another gzip member nor zero padding`);
  }

  private padding(chunk: Buffer, position: number): number {
    for (let index = position; index < chunk.length; index++) {
      if (chunk[index] !== 0) {
        throw new ImageError('corrupt', `byte ${this.compressedOffset + index - position} is 0x${chunk[index].toString(16).padStart(2, '0')} inside the zero padding after the last gzip member`);
      }
    }
    this.compressedOffset += chunk.length - position;
    return chunk.length;
  }
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
