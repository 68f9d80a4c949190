/**
 * Decodes zstd frames synchronously, so the layer pass knows how many bytes each frame expands
 * to: Node's built-in decoder (Node ≥ 22.15, what the VS Code extension host runs) stepped
 * through its native handle, else fzstd (pure JS, slower, for older Nodes and the tests on 20).
 */
import type { Decompress as FzstdDecompress } from 'fzstd';
import { loadFzstd } from '../../compression/lazyDecoders';
import { createNativeZstdDecoder, type SyncCodec } from '../syncCodec';

export interface FrameEngine {
  readonly name: 'node:zlib' | 'fzstd';
  /** Decodes `chunk[start, end)`, passing output to `sink` (views: copy to keep). */
  write(chunk: Buffer, start: number, end: number): void;
  /** Flushes what the input so far decodes to (call at a frame end). */
  drain(): void;
  close(): void;
}

const OUTPUT_ROOM = 256 * 1024;
const EMPTY = Buffer.alloc(0);
/** ZSTD_e_continue: the flush mode is ignored by ZSTD_decompressStream. */
const CONTINUE = 0;

class NativeEngine implements FrameEngine {
  readonly name = 'node:zlib';
  private readonly out = Buffer.allocUnsafe(OUTPUT_ROOM);

  constructor(
    private readonly codec: SyncCodec,
    private readonly sink: (chunk: Buffer) => void,
  ) {}

  write(chunk: Buffer, start: number, end: number): void {
    let position = start;
    while (position < end) {
      this.codec.step(CONTINUE, chunk, position, end - position, this.out, 0, this.out.length);
      position += this.codec.consumed;
      if (this.codec.produced > 0) this.sink(this.out.subarray(0, this.codec.produced));
      else if (this.codec.consumed === 0) throw new Error(`the decoder took none of the ${end - position} bytes it was given`);
    }
  }

  drain(): void {
    do {
      this.codec.step(CONTINUE, EMPTY, 0, 0, this.out, 0, this.out.length);
      if (this.codec.produced > 0) this.sink(this.out.subarray(0, this.codec.produced));
    } while (this.codec.produced === this.out.length);
  }

  close(): void {
    this.codec.close();
  }
}

/** fzstd holds back input shorter than a frame header until told the input is final: one decoder per frame. */
class FzstdEngine implements FrameEngine {
  readonly name = 'fzstd';
  private decoder: FzstdDecompress | undefined;

  constructor(private readonly sink: (chunk: Buffer) => void) {}

  write(chunk: Buffer, start: number, end: number): void {
    this.decoder ??= new (loadFzstd().Decompress)((data) => {
      if (data.length > 0) this.sink(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    });
    this.decoder.push(chunk.subarray(start, end));
  }

  drain(): void {
    const decoder = this.decoder;
    this.decoder = undefined;
    decoder?.push(EMPTY, true);
  }

  close(): void {
    this.decoder = undefined;
  }
}

export function createFrameEngine(sink: (chunk: Buffer) => void): FrameEngine {
  const codec = createNativeZstdDecoder();
  return codec !== undefined ? new NativeEngine(codec, sink) : new FzstdEngine(sink);
}

export function createFzstdEngine(sink: (chunk: Buffer) => void): FrameEngine {
  return new FzstdEngine(sink);
}
