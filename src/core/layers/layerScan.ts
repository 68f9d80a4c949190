/**
 * The one streaming pass over a layer blob: detect the compression by magic bytes, decode, parse
 * the tar headers (entry data is passed over), take checkpoints, and enforce the layer limits.
 * Nothing is written anywhere; the caller caches the result.
 */
import type { Hash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { throttledProgress, throwIfCancelled, type OperationOptions, type ProgressReporter } from '../cancellation';
import { detectCompression, MAGIC_BYTES_NEEDED, type Compression } from '../compression/detect';
import { createDigestHash, parseDigest, shortDigest } from '../digest';
import { ImageError } from '../errors';
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
  /** Hash the compressed bytes and refuse a blob that does not match `digest`. */
  verifyDigest?: boolean;
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
/** Compressed bytes read ahead of the decoder. */
const READ_AHEAD = 2 * 1024 * 1024;
/** After this long without a break, let the event loop run (the extension host stays responsive). */
const YIELD_AFTER_MS = 25;

export async function scanLayer(stream: Readable, options: ScanOptions): Promise<ScannedLayer> {
  const pass = new LayerPass(options);
  // Decoding runs on this thread; let reads run ahead of it so disk and CPU overlap.
  const readAhead = new PassThrough({ highWaterMark: READ_AHEAD });
  stream.on('error', (error) => readAhead.destroy(error));
  stream.pipe(readAhead);
  try {
    throwIfCancelled(options.signal, pass.message);
    for await (const chunk of readAhead) {
      throwIfCancelled(options.signal, pass.message);
      await pass.push(chunk as Buffer);
    }
    return pass.finish();
  } catch (error) {
    throw describeTarProblem(error, pass.compression);
  } finally {
    pass.close();
    stream.unpipe(readAhead);
    readAhead.destroy();
    stream.destroy();
  }
}

/** The state of one pass: the decoder is chosen once the first bytes are in. */
class LayerPass {
  readonly message: string;
  compression: Compression = 'none';
  private readonly entries: TarEntry[] = [];
  private readonly parser: TarStreamParser;
  private readonly guard: ExpansionGuard;
  private readonly progress: ProgressReporter;
  private readonly hash: Hash | undefined;
  private decoder: PassDecoder | undefined;
  private head: Buffer[] = [];
  private headLength = 0;
  private compressed = 0;
  private lastYield = Date.now();

  constructor(private readonly options: ScanOptions) {
    this.message = `Indexing layer ${shortDigest(options.digest)}`;
    this.parser = new TarStreamParser({ onEntry: (entry) => void this.entries.push(entry) }, { maxEntries: options.limits.maxEntries });
    this.guard = new ExpansionGuard(options.limits);
    this.progress = throttledProgress(options.progress);
    this.hash = options.verifyDigest === true ? createDigestHash(parseDigest(options.digest).algorithm) : undefined;
  }

  async push(chunk: Buffer): Promise<void> {
    this.compressed += chunk.length;
    this.hash?.update(chunk);
    let decoder = this.decoder;
    if (decoder === undefined) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength < MAGIC_BYTES_NEEDED) return;
      chunk = this.takeHead();
      decoder = this.start(chunk);
    }
    for (let offset = 0; offset < chunk.length; offset += SLICE) {
      decoder.push(chunk.subarray(offset, offset + SLICE));
      if (Date.now() - this.lastYield >= YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        throwIfCancelled(this.options.signal, this.message);
        this.lastYield = Date.now();
      }
    }
    this.progress({ message: this.message, done: this.compressed, total: this.options.size });
  }

  finish(): ScannedLayer {
    let decoder = this.decoder;
    if (decoder === undefined) {
      const rest = this.takeHead(); // fewer bytes than a magic number: a tiny (or empty) blob
      decoder = this.start(rest);
      if (rest.length > 0) decoder.push(rest);
    }
    decoder.end();
    this.parser.end();
    if (this.hash !== undefined) {
      const actual = `${parseDigest(this.options.digest).algorithm}:${this.hash.digest('hex')}`;
      if (actual !== this.options.digest) throw new ImageError('digest-mismatch', `the layer's bytes hash to ${actual}, not to its digest`);
    }
    this.progress({ message: this.message, done: this.compressed, total: this.compressed });
    return {
      compression: this.compression,
      compressedSize: this.compressed,
      uncompressedSize: this.parser.bytesSeen,
      entries: this.entries,
      checkpoints: decoder.checkpoints(),
      stats: decoder.stats,
    };
  }

  close(): void {
    this.decoder?.close();
  }

  private takeHead(): Buffer {
    const head = Buffer.concat(this.head, this.headLength);
    this.head = [];
    this.headLength = 0;
    return head;
  }

  private start(head: Buffer): PassDecoder {
    this.compression = detectCompression(head);
    const sink = (chunk: Buffer) => {
      this.guard.check(this.parser.bytesSeen + chunk.length, this.compressed);
      this.parser.push(chunk);
    };
    this.decoder = createPassDecoder(this.compression, sink, this.options.span);
    return this.decoder;
  }
}

/** "not a tar archive" says more when the bytes were decompressed first. */
function describeTarProblem(error: unknown, compression: Compression): unknown {
  if (!isTarFormatError(error, 'not-a-tar') || compression === 'none') return error;
  return new TarFormatError('not-a-tar', `the layer is ${compression}-compressed, but what it decompresses to is ${error.detail}`, error.offset);
}
