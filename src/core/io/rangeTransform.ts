import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes through bytes `[start, end)` of what flows in and drops the rest; `onDone` fires once the
 * range is complete so the producer can be stopped early instead of decoding to the end.
 */
export class RangeTransform extends Transform {
  private position = 0;
  private finished = false;

  constructor(
    private readonly rangeStart: number,
    private readonly rangeEnd: number,
    private readonly onDone: () => void,
  ) {
    super();
    if (rangeEnd <= rangeStart) queueMicrotask(() => this.complete());
  }

  private complete(): void {
    if (this.finished) return;
    this.finished = true;
    this.push(null);
    this.onDone();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.finished) return callback();
    const chunkStart = this.position;
    const chunkEnd = chunkStart + chunk.length;
    this.position = chunkEnd;
    if (chunkEnd > this.rangeStart && chunkStart < this.rangeEnd) {
      this.push(chunk.subarray(Math.max(0, this.rangeStart - chunkStart), Math.min(chunk.length, this.rangeEnd - chunkStart)));
    }
    if (chunkEnd >= this.rangeEnd) this.complete();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (!this.finished && this.position < this.rangeEnd) {
      callback(new Error(`stream ended at byte ${this.position}, before the end of range ${this.rangeStart}-${this.rangeEnd}`));
      return;
    }
    callback();
  }
}
