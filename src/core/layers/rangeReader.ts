/**
 * Reads a range of a layer's uncompressed tar stream: directly for uncompressed layers, else by
 * decoding from the last checkpoint at or before the range (at most one span of extra work for
 * gzip; for zstd, from the start of the frame that holds it).
 */
import type { Readable } from 'node:stream';
import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import type { ImageSource } from '../sources/imageSource';
import { checkpointBefore } from './checkpoint';
import { GzipDecoder } from './gzip/gzipDecoder';
import type { StoredLayer } from './indexCodec';
import { ZstdDecoder } from './zstd/zstdDecoder';

/** Compressed input is decoded in slices this big, so little is decoded past the end of the range. */
const SLICE = 64 * 1024;

/** Yields the bytes `[start, end)` of the layer's tar stream. */
export async function* readTarRange(source: ImageSource, layer: StoredLayer, start: number, end: number, options: OperationOptions = {}): AsyncGenerator<Buffer> {
  const { index } = layer;
  if (end <= start) return;
  if (index.compression === 'none') {
    yield* pass(await source.open(index.digest, { start, end }, options));
    return;
  }
  const checkpoint = checkpointBefore(layer.checkpoints, start);
  if (checkpoint === undefined) throw new ImageError('corrupt', `the index of layer ${index.digest} has no checkpoint before offset ${start}`);
  const pending: Buffer[] = [];
  let position = checkpoint.uncompressedOffset;
  const sink = (chunk: Buffer) => {
    const chunkStart = position;
    position += chunk.length;
    if (position <= start || chunkStart >= end) return;
    pending.push(Buffer.from(chunk.subarray(Math.max(0, start - chunkStart), Math.min(chunk.length, end - chunkStart))));
  };
  const decoder = index.compression === 'gzip' ? new GzipDecoder(sink, { start: checkpoint }) : new ZstdDecoder(sink, { start: checkpoint });
  const input = await source.open(index.digest, { start: checkpoint.compressedOffset, end: compressedEndFor(layer, end) }, options);
  try {
    for await (const data of input) {
      const chunk = data as Buffer;
      for (let offset = 0; offset < chunk.length && position < end; offset += SLICE) {
        decoder.push(chunk.subarray(offset, offset + SLICE));
        while (pending.length > 0) yield pending.shift() as Buffer;
      }
      if (position >= end) return;
    }
    decoder.end();
    throw new ImageError('truncated', `layer ${index.digest} ends at uncompressed offset ${position}, before the end of the range ${start}-${end}`);
  } finally {
    decoder.close();
    input.destroy();
  }
}

/**
 * Where the compressed bytes needed for the uncompressed offset `end` stop: the first checkpoint
 * at or after it starts a block, member or frame that the range does not need (plus a slice of
 * slack), so a read over HTTP asks for about one span, not the rest of the blob.
 */
function compressedEndFor(layer: StoredLayer, end: number): number {
  const next = layer.checkpoints.find((checkpoint) => checkpoint.uncompressedOffset >= end);
  return next === undefined ? layer.index.compressedSize : Math.min(layer.index.compressedSize, next.compressedOffset + 1 + SLICE);
}

async function* pass(stream: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}
