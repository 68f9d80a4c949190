/**
 * A push-driven zstd decoder that knows where frames start and end and how much each decodes to.
 * zstd cannot be entered inside a frame, so frame starts are the only checkpoints; a layer made
 * of one frame (the zstd CLI, skopeo) is read from its start.
 */
import { ImageError } from '../../errors';
import type { Checkpoint } from '../checkpoint';
import { createFrameEngine, createFzstdEngine, type FrameEngine } from './frameEngine';
import { ZstdFrameScanner, type FrameInfo } from './frameScanner';

export interface ZstdDecoderOptions {
  /** Where decoding starts (a 'frame' checkpoint); default: the start of the blob. */
  start?: Checkpoint;
  /** Called after each frame with the uncompressed range it decoded to. */
  onFrameEnd?(frame: FrameInfo, uncompressedStart: number, uncompressedEnd: number): void;
  /** Use fzstd even when Node has a built-in decoder (tests). */
  forceFzstd?: boolean;
}

export class ZstdDecoder {
  uncompressedOffset: number;
  private readonly scanner = new ZstdFrameScanner();
  private readonly engine: FrameEngine;
  private readonly base: number;
  private frameOutputStart: number;

  constructor(
    private readonly sink: (chunk: Buffer) => void,
    private readonly options: ZstdDecoderOptions = {},
  ) {
    const start = options.start ?? { kind: 'frame', compressedOffset: 0, uncompressedOffset: 0, bits: 0 };
    if (start.kind !== 'frame') throw new Error(`ZstdDecoder: cannot start at a ${start.kind} checkpoint`);
    this.base = start.compressedOffset;
    this.uncompressedOffset = start.uncompressedOffset;
    this.frameOutputStart = start.uncompressedOffset;
    const output = (chunk: Buffer) => {
      this.uncompressedOffset += chunk.length;
      this.sink(chunk);
    };
    this.engine = options.forceFzstd === true ? createFzstdEngine(output) : createFrameEngine(output);
  }

  /** Which decoder runs: Node's built-in one or fzstd. */
  get implementation(): 'node:zlib' | 'fzstd' {
    return this.engine.name;
  }

  /** Blob offset of the next input byte. */
  get compressedOffset(): number {
    return this.base + this.scanner.position;
  }

  push(chunk: Buffer): void {
    let position = 0;
    while (position < chunk.length) {
      const stop = this.scanner.scan(chunk, position);
      this.decode(() => this.engine.write(chunk, position, stop));
      position = stop;
      const frame = this.scanner.ended;
      if (frame === undefined) continue;
      this.decode(() => this.engine.drain());
      const decoded = this.uncompressedOffset - this.frameOutputStart;
      if (frame.contentSize !== undefined && decoded !== frame.contentSize) {
        throw new ImageError('corrupt', `the zstd frame at byte ${this.base + frame.start} decodes to ${decoded} bytes, but its header says ${frame.contentSize}`);
      }
      const absolute = { ...frame, start: this.base + frame.start, end: this.base + frame.end };
      this.options.onFrameEnd?.(absolute, this.frameOutputStart, this.uncompressedOffset);
      this.frameOutputStart = this.uncompressedOffset;
    }
  }

  /** The input is complete: throws 'truncated' unless it ended between frames. */
  end(): void {
    if (this.scanner.frameCount === 0 && this.scanner.atFrameBoundary) throw new ImageError('truncated', 'the zstd data is empty');
    if (!this.scanner.atFrameBoundary) {
      throw new ImageError('truncated', `the zstd data ends at byte ${this.compressedOffset}, inside the frame that starts at byte ${this.base + this.scanner.currentFrameStart}`);
    }
  }

  close(): void {
    this.engine.close();
  }

  private decode(run: () => void): void {
    try {
      run();
    } catch (error) {
      if (error instanceof ImageError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new ImageError('corrupt', `the zstd frame that starts at byte ${this.base + this.scanner.currentFrameStart} is corrupt (${this.engine.name}: ${detail})`, { cause: error });
    }
  }
}
