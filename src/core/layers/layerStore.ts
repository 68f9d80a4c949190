/**
 * LayerStore: the LayerReader the file system view and the CLI use. One streaming pass per layer
 * digest makes its index and checkpoints (layerScan.ts); the result is kept in memory (bounded
 * LRU) and on disk (diskCache.ts), and concurrent callers of the same digest share the pass.
 */
import { Readable } from 'node:stream';
import type { OperationOptions, ProgressReporter } from '../cancellation';
import { parseDigest } from '../digest';
import { ImageError, isImageError } from '../errors';
import type { Descriptor } from '../model/descriptor';
import type { ImageSource } from '../sources/imageSource';
import type { TarEntry } from '../tar/tarEntry';
import { isTarFormatError } from '../tar/tarErrors';
import { DEFAULT_SPAN, WINDOW_SIZE } from './checkpoint';
import { LayerIndexDiskCache } from './diskCache';
import type { StoredLayer } from './indexCodec';
import type { LayerIndex, LayerReader } from './layerIndex';
import { scanLayer, type ScannedLayer } from './layerScan';
import { resolveLayerLimits, type LayerLimits } from './limits';
import { WeightedLru } from './memoryCache';
import { readTarRange } from './rangeReader';
import { readSparse } from './sparseReader';

export interface LayerStoreOptions {
  /** Directory for index files (the extension's globalStorage, or defaultLayerCacheDirectory()); none: memory only. */
  cacheDirectory?: string;
  /** Checkpoint spacing in uncompressed bytes (default 4 MiB): the most a read decodes before its data. */
  span?: number;
  limits?: LayerLimits;
  /** Memory budget for cached indexes: estimated bytes (default 256 MiB) and entries (default 1,000,000). */
  memoryBytes?: number;
  memoryEntries?: number;
  /** Disk budget for index files (default 2 GiB); least recently used files go first. */
  diskBytes?: number;
  /**
   * Hash the layer while indexing and refuse it if it does not match its digest (costs ~1 s per
   * 500 MB). Off by default: sources hand out content-addressed blobs, and "Verify" checks them.
   */
  verifyDigest?: boolean;
  /** Told about problems that do not fail the operation (an index file that cannot be written). */
  onWarning?: (message: string) => void;
}

/** What one index costs in memory, roughly: a TarEntry object and its strings. */
const BYTES_PER_ENTRY = 320;

interface SharedPass {
  promise: Promise<StoredLayer>;
  controller: AbortController;
  waiters: number;
  progress: Set<ProgressReporter>;
}

export class LayerStore implements LayerReader {
  private readonly memory: WeightedLru<StoredLayer>;
  private readonly disk: LayerIndexDiskCache | undefined;
  private readonly passes = new Map<string, SharedPass>();
  private readonly span: number;
  private readonly limits: Required<LayerLimits>;
  /** How each index was obtained, for tests and diagnostics. */
  readonly counters = { scans: 0, diskHits: 0, memoryHits: 0 };

  constructor(private readonly options: LayerStoreOptions = {}) {
    this.span = options.span ?? DEFAULT_SPAN;
    if (!(this.span >= 64 * 1024)) throw new RangeError(`span must be at least 64 KiB, got ${this.span}`);
    this.limits = resolveLayerLimits(options.limits);
    this.memory = new WeightedLru(options.memoryBytes ?? 256 * 1024 * 1024, options.memoryEntries ?? 1_000_000);
    this.disk = options.cacheDirectory === undefined ? undefined : new LayerIndexDiskCache(options.cacheDirectory, options.diskBytes ?? 2 * 1024 * 1024 * 1024);
  }

  async index(source: ImageSource, layer: Descriptor, options: OperationOptions = {}): Promise<LayerIndex> {
    return (await this.load(source, layer, options)).index;
  }

  /** The index with its checkpoints (what reads use). */
  async load(source: ImageSource, layer: Descriptor, options: OperationOptions = {}): Promise<StoredLayer> {
    const digest = layer.digest;
    parseDigest(digest, { source: source.location });
    const cached = this.memory.get(digest);
    if (cached !== undefined) {
      this.counters.memoryHits++;
      return cached;
    }
    let pass = this.passes.get(digest);
    if (pass === undefined) {
      const controller = new AbortController();
      const progress = new Set<ProgressReporter>();
      const promise: Promise<StoredLayer> = this.build(source, layer, controller.signal, (update) => progress.forEach((report) => report(update))).finally(() => {
        if (this.passes.get(digest)?.promise === promise) this.passes.delete(digest);
      });
      pass = { promise, controller, waiters: 0, progress };
      this.passes.set(digest, pass);
    }
    return this.wait(pass, digest, source, options);
  }

  async readEntry(source: ImageSource, layer: Descriptor, entry: TarEntry, range?: { start: number; end: number }, options: OperationOptions = {}): Promise<Readable> {
    const stored = await this.load(source, layer, options);
    const start = range?.start ?? 0;
    const end = range?.end ?? entry.size;
    const context = { source: source.location, subject: `${layer.digest}: ${entry.path}` };
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end <= entry.size)) {
      throw new ImageError('usage', `range ${start}-${end} is outside the entry's ${entry.size} bytes`, context);
    }
    const storedSize = entry.sparse?.storedSize ?? entry.size;
    if (entry.dataOffset + storedSize > stored.index.uncompressedSize) {
      throw new ImageError('corrupt', `entry data at ${entry.dataOffset}+${storedSize} lies past the end of the layer (${stored.index.uncompressedSize} bytes)`, context);
    }
    const readStored = (from: number, to: number) => readTarRange(source, stored, entry.dataOffset + from, entry.dataOffset + to, options);
    const chunks = entry.sparse !== undefined ? readSparse(entry, start, end, readStored) : readStored(start, end);
    return toReadable(chunks, context, options.signal);
  }

  /** Forgets the in-memory indexes (the disk cache stays). */
  clearMemory(): void {
    this.memory.clear();
  }

  private async wait(pass: SharedPass, digest: string, source: ImageSource, options: OperationOptions): Promise<StoredLayer> {
    const signal = options.signal;
    if (signal?.aborted) throw cancelled(digest, source);
    pass.waiters++;
    if (options.progress !== undefined) pass.progress.add(options.progress);
    let onAbort: (() => void) | undefined;
    try {
      if (signal === undefined) return await pass.promise;
      return await new Promise<StoredLayer>((resolve, reject) => {
        onAbort = () => reject(cancelled(digest, source));
        signal.addEventListener('abort', onAbort, { once: true });
        pass.promise.then(resolve, reject);
      });
    } finally {
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
      if (options.progress !== undefined) pass.progress.delete(options.progress);
      // The last caller to give up stops the pass (and a later caller starts afresh); others keep it running.
      if (--pass.waiters === 0 && signal?.aborted) {
        pass.controller.abort();
        if (this.passes.get(digest) === pass) this.passes.delete(digest);
      }
    }
  }

  private async build(source: ImageSource, layer: Descriptor, signal: AbortSignal, progress: ProgressReporter): Promise<StoredLayer> {
    const digest = layer.digest;
    let scanned: ScannedLayer;
    try {
      // The blob's real size (never its content): a cached index of other bytes is not used.
      const size = (await source.stat(digest, { signal }))?.size ?? (layer.size > 0 ? layer.size : undefined);
      const fromDisk = await this.disk?.load(digest);
      if (fromDisk !== undefined && (size === undefined || fromDisk.index.compressedSize === size)) {
        this.counters.diskHits++;
        this.remember(digest, fromDisk);
        return fromDisk;
      }
      const stream = await source.open(digest, undefined, { signal });
      this.counters.scans++;
      scanned = await scanLayer(stream, { digest, size, limits: this.limits, span: this.span, signal, progress, verifyDigest: this.options.verifyDigest === true });
    } catch (error) {
      throw withLayerContext(error, source, digest, signal);
    }
    const stored: StoredLayer = {
      index: { digest, compression: scanned.compression, compressedSize: scanned.compressedSize, uncompressedSize: scanned.uncompressedSize, entries: scanned.entries },
      checkpoints: scanned.checkpoints,
      span: this.span,
    };
    if (this.disk !== undefined) {
      try {
        await this.disk.save(digest, stored, () => signal.aborted);
      } catch (error) {
        if (signal.aborted) throw cancelled(digest, source);
        this.options.onWarning?.(`could not write the index of layer ${digest} to ${this.disk.directory}: ${(error as Error).message}`);
      }
    }
    this.remember(digest, stored);
    return stored;
  }

  private remember(digest: string, stored: StoredLayer): void {
    // Counted, not measured: reading `window` would decode every window of an index loaded from disk.
    const windows = stored.checkpoints.reduce((sum, checkpoint) => sum + ('window' in checkpoint ? WINDOW_SIZE : 0), 0);
    this.memory.set(digest, stored, stored.index.entries.length * BYTES_PER_ENTRY + windows, stored.index.entries.length);
  }
}

function cancelled(digest: string, source: ImageSource): ImageError {
  return new ImageError('cancelled', 'indexing the layer was cancelled', { source: source.location, subject: digest });
}

/** Errors from deep inside name the source and the layer digest. */
function withLayerContext(error: unknown, source: ImageSource, digest: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return cancelled(digest, source);
  if (isTarFormatError(error)) return error.withContext(source.location, digest);
  if (isImageError(error)) {
    if (error.source !== undefined && error.subject !== undefined) return error;
    return new ImageError(error.code, error.message, { source: error.source ?? source.location, subject: error.subject ?? digest, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ImageError('corrupt', message, { source: source.location, subject: digest, cause: error });
}

function toReadable(chunks: AsyncGenerator<Buffer>, context: { source: string; subject: string }, signal: AbortSignal | undefined): Readable {
  async function* guarded(): AsyncGenerator<Buffer> {
    try {
      if (signal?.aborted) throw new ImageError('cancelled', 'reading the file was cancelled', context);
      for await (const chunk of chunks) {
        if (signal?.aborted) throw new ImageError('cancelled', 'reading the file was cancelled', context);
        yield chunk;
      }
    } catch (error) {
      if (isImageError(error) && error.subject !== undefined) throw error;
      throw withReadContext(error, context);
    }
  }
  const readable = Readable.from(guarded(), { objectMode: false, highWaterMark: 1024 * 1024 });
  if (signal !== undefined) {
    const onAbort = () => readable.destroy(new ImageError('cancelled', 'reading the file was cancelled', context));
    signal.addEventListener('abort', onAbort, { once: true });
    readable.once('close', () => signal.removeEventListener('abort', onAbort));
  }
  return readable;
}

function withReadContext(error: unknown, context: { source: string; subject: string }): ImageError {
  if (isImageError(error)) return new ImageError(error.code, error.message, { ...context, cause: error });
  return new ImageError('corrupt', error instanceof Error ? error.message : String(error), { ...context, cause: error });
}
