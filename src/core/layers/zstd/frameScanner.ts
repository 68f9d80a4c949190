/**
 * Finds zstd frame boundaries in compressed bytes without decoding them (RFC 8878 §3.1): frame
 * header, then block headers whose sizes let us skip each block, then the optional checksum.
 * Skippable frames (§3.1.2) are stepped over by their length. Fed in chunks of any size.
 */
import { ImageError } from '../../errors';

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** Block_Maximum_Size is at most 128 KiB (§3.1.1.2.4). */
const MAX_BLOCK_SIZE = 128 * 1024;

type State = 'magic' | 'frame-header' | 'header-rest' | 'block-header' | 'block-body' | 'checksum' | 'skippable-size' | 'skippable-body';

export interface FrameInfo {
  kind: 'zstd' | 'skippable';
  /** Blob offset of the frame's magic number. */
  start: number;
  /** Blob offset just after the frame. */
  end: number;
  /** Frame_Content_Size when the header has it. */
  contentSize?: number;
}

export class ZstdFrameScanner {
  /** Frames seen whole, in order. */
  frameCount = 0;
  /** The frame that ended at the position the last `scan` returned, if one did. */
  ended: FrameInfo | undefined;
  private state: State = 'magic';
  private offset = 0;
  private readonly held = Buffer.alloc(16);
  private heldLength = 0;
  private needed = 4;
  private skip = 0;
  private frameStart = 0;
  private kind: 'zstd' | 'skippable' = 'zstd';
  private contentSize: number | undefined;
  private hasChecksum = false;
  private lastBlock = false;
  private windowBytes = 0;
  private dictionaryBytes = 0;
  private contentSizeBytes = 0;

  /** Blob offset of the next byte to scan. */
  get position(): number {
    return this.offset;
  }

  /** True between frames (the input may end here). */
  get atFrameBoundary(): boolean {
    return this.state === 'magic' && this.heldLength === 0;
  }

  /** Where the frame being scanned started. */
  get currentFrameStart(): number {
    return this.frameStart;
  }

  /**
   * Scans `chunk` from `from` and returns the index just past the first frame that ends in it
   * (then `ended` describes that frame), or chunk.length (then `ended` is undefined).
   */
  scan(chunk: Uint8Array, from: number): number {
    this.ended = undefined;
    let position = from;
    while (position < chunk.length) {
      if (this.skip > 0) {
        const count = Math.min(this.skip, chunk.length - position);
        this.skip -= count;
        position += count;
        this.offset += count;
        if (this.skip > 0) break;
        this.afterSkip();
      } else {
        const count = Math.min(this.needed - this.heldLength, chunk.length - position);
        for (let index = 0; index < count; index++) this.held[this.heldLength + index] = chunk[position + index];
        this.heldLength += count;
        position += count;
        this.offset += count;
        if (this.heldLength < this.needed) break;
        this.heldLength = 0;
        this.onField();
      }
      if (this.ended !== undefined) return position;
    }
    return position;
  }

  private onField(): void {
    const held = this.held;
    switch (this.state) {
      case 'magic': {
        const magic = held.readUInt32LE(0);
        this.frameStart = this.offset - 4;
        if (magic === ZSTD_MAGIC) {
          this.kind = 'zstd';
          this.expect('frame-header', 1);
        } else if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
          this.kind = 'skippable';
          this.expect('skippable-size', 4);
        } else {
          throw new ImageError('corrupt', `expected a zstd frame at byte ${this.frameStart}, found ${held.subarray(0, 4).toString('hex')}`);
        }
        return;
      }
      case 'frame-header': {
        const descriptor = held[0];
        if (descriptor & 0x08) throw new ImageError('corrupt', `the zstd frame at byte ${this.frameStart} sets the reserved bit of its header`);
        const sizeFlag = descriptor >> 6;
        const singleSegment = (descriptor >> 5) & 1;
        this.hasChecksum = ((descriptor >> 2) & 1) === 1;
        const dictionaryBytes = [0, 1, 2, 4][descriptor & 3];
        const sizeBytes = [singleSegment, 2, 4, 8][sizeFlag];
        this.contentSizeBytes = sizeBytes;
        this.dictionaryBytes = dictionaryBytes;
        this.windowBytes = singleSegment ? 0 : 1;
        const rest = this.windowBytes + dictionaryBytes + sizeBytes;
        if (rest === 0) this.startBlocks(undefined);
        else this.expect('header-rest', rest);
        return;
      }
      case 'header-rest':
        this.startBlocks(this.readContentSize());
        return;
      case 'block-header': {
        const header = held[0] | (held[1] << 8) | (held[2] << 16);
        this.lastBlock = (header & 1) === 1;
        const type = (header >> 1) & 3;
        const size = header >>> 3;
        if (type === 3) throw new ImageError('corrupt', `the zstd frame at byte ${this.frameStart} has a block of reserved type at byte ${this.offset - 3}`);
        if (size > MAX_BLOCK_SIZE && type !== 1) throw new ImageError('corrupt', `the zstd frame at byte ${this.frameStart} has a ${size}-byte block at byte ${this.offset - 3}, more than the 128 KiB maximum`);
        this.state = 'block-body';
        this.skip = type === 1 ? 1 : size;
        if (this.skip === 0) this.afterSkip();
        return;
      }
      case 'checksum':
        this.finishFrame();
        return;
      case 'skippable-size':
        this.state = 'skippable-body';
        this.skip = held.readUInt32LE(0);
        if (this.skip === 0) this.afterSkip();
        return;
      default:
        throw new Error(`ZstdFrameScanner: unexpected state ${this.state}`);
    }
  }

  private readContentSize(): number | undefined {
    const at = this.windowBytes + this.dictionaryBytes;
    switch (this.contentSizeBytes) {
      case 0:
        return undefined;
      case 1:
        return this.held[at];
      case 2:
        return this.held.readUInt16LE(at) + 256;
      case 4:
        return this.held.readUInt32LE(at);
      default:
        return Number(this.held.readBigUInt64LE(at));
    }
  }

  private startBlocks(contentSize: number | undefined): void {
    this.contentSize = contentSize;
    this.expect('block-header', 3);
  }

  private afterSkip(): void {
    if (this.state === 'skippable-body') {
      this.finishFrame();
    } else if (!this.lastBlock) {
      this.expect('block-header', 3);
    } else if (this.hasChecksum) {
      this.expect('checksum', 4);
    } else {
      this.finishFrame();
    }
  }

  private finishFrame(): void {
    this.frameCount++;
    this.ended = { kind: this.kind, start: this.frameStart, end: this.offset, contentSize: this.kind === 'zstd' ? this.contentSize : undefined };
    this.contentSize = undefined;
    this.expect('magic', 4);
  }

  private expect(state: State, bytes: number): void {
    this.state = state;
    this.needed = bytes;
    this.heldLength = 0;
  }
}
