/**
 * The one streaming pass over a layer blob: detect the compression by magic bytes, decode, parse
 * the tar headers (entry data is passed over), take checkpoints, and enforce the layer limits.
 * Nothing is written anywhere; the caller caches the result.
 */
import type { Readable } from 'node:stream';
import { throttledProgress, throwIfCancelled, type OperationOptions } from '../cancellation';
import { detectCompression, MAGIC_BYTES_NEEDED, type Compression } from '../compression/detect';
import { shortDigest } from '../digest';
import { TarStreamParser } from '../tar/tarStreamParser';
import type { TarEntry } from '../tar/tarEntry';
import { isTarFormatError, TarFormatError } from '../tar/tarErrors';
import type { Checkpoint } from './checkpoint';
import type { RecorderStats } from './gzip/checkpointRecorder';
import { ExpansionGuard, type LayerLimits } from './limits';
import { createPassDecoder, type PassDecoder } from './passDecoder';

export interface ScanOptions extends OperationOptions {
  digest: string;
  /** The blob's size when known (descriptor or stat), for progress. */
  size?: number;
  limits: Required<LayerLimits>;
  /** Checkpoint spacing in uncompressed bytes. */
  span: number;
}

export interface ScannedLayer {
  compression: Compression;
  compressedSize: number;
  uncompressedSize: number;
  entries: TarEntry[];
  checkpoints: Checkpoint[];
  stats?: RecorderStats;
}

/** Input is decoded in slices this big, so a highly compressible chunk cannot block for long. */
const SLICE = 256 * 1024;
/** After this long without a break, let the event loop run (the extension host stays responsive). */
const YIELD_AFTER_MS = 25;

export async function scanLayer(stream: Readable, options: ScanOptions): Promise<ScannedLayer> {
  const progress = throttledProgress(options.progress);
  const message = `Indexing layer ${shortDigest(options.digest)}`;
  const entries: TarEntry[] = [];
  const parser = new TarStreamParser({ onEntry: (entry) => void entries.push(entry) }, { maxEntries: options.limits.maxEntries });
  const guard = new ExpansionGuard(options.limits);
  let compressed = 0;
  let decoder: PassDecoder | undefined;
  let compression: Compression = 'none';
  let head: Buffer[] = [];
  let headLength = 0;
  let lastYield = Date.now();
  const sink = (chunk: Buffer) => {
    guard.check(parser.bytesSeen + chunk.length, compressed);
    parser.push(chunk);
  };
  const start = (bytes: Buffer) => {
    compression = detectCompression(bytes);
    decoder = createPassDecoder(compression, sink, options.span);
  };
  try {
    throwIfCancelled(options.signal, message);
    for await (const data of stream) {
      throwIfCancelled(options.signal, message);
      let chunk = data as Buffer;
      compressed += chunk.length;
      if (decoder === undefined) {
        head.push(chunk);
        headLength += chunk.length;
        if (headLength < MAGIC_BYTES_NEEDED) continue;
        chunk = Buffer.concat(head, headLength);
        head = [];
        start(chunk);
      }
      for (let offset = 0; offset < chunk.length; offset += SLICE) {
        (decoder as PassDecoder).push(chunk.subarray(offset, offset + SLICE));
        if (Date.now() - lastYield >= YIELD_AFTER_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          throwIfCancelled(options.signal, message);
          lastYield = Date.now();
        }
      }
      progress({ message, done: compressed, total: options.size });
    }
    if (decoder === undefined) {
      const bytes = Buffer.concat(head, headLength);
      start(bytes);
      if (bytes.length > 0) (decoder as unknown as PassDecoder).push(bytes);
    }
    const active = decoder as unknown as PassDecoder;
    active.end();
    parser.end();
    progress({ message, done: compressed, total: compressed });
    return { compression, compressedSize: compressed, uncompressedSize: parser.bytesSeen, entries, checkpoints: active.checkpoints(), stats: active.stats };
  } catch (error) {
    throw describeTarProblem(error, compression);
  } finally {
    (decoder as PassDecoder | undefined)?.close();
    stream.destroy();
  }
}

/** "not a tar archive" says more when the bytes were decompressed first. */
function describeTarProblem(error: unknown, compression: Compression): unknown {
  if (!isTarFormatError(error, 'not-a-tar') || compression === 'none') return error;
  return new TarFormatError('not-a-tar', `the layer is ${compression}-compressed, but what it decompresses to is ${error.detail}`, error.offset);
}
