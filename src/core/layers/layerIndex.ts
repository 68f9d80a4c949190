import type { Readable } from 'node:stream';
import type { OperationOptions } from '../cancellation';
import type { Compression } from '../compression/detect';
import type { Descriptor } from '../model/descriptor';
import type { ImageSource } from '../sources/imageSource';
import type { TarEntry } from '../tar/tarEntry';

/**
 * The table of contents of one layer, made in one streaming pass and cached by layer digest
 * (content never changes). Entry paths are normalised (no leading `/` or `./`); `dataOffset` is
 * in uncompressed-tar coordinates.
 */
export interface LayerIndex {
  /** The layer blob's digest (of the compressed bytes, as stored). */
  digest: string;
  /** What the bytes really are, from magic bytes (media types lie). */
  compression: Compression;
  compressedSize: number;
  uncompressedSize: number;
  entries: TarEntry[];
}

/**
 * Reads layers: their index (cached on disk and in memory) and single files via checkpoints.
 * Implemented by LayerStore (layerStore.ts). Errors are ImageErrors naming the source and the
 * layer digest: 'truncated' / 'corrupt' (with the compressed or tar offset), 'too-large' (a
 * LayerLimits cap), 'unsupported' (xz, bzip2), 'cancelled'.
 */
export interface LayerReader {
  /**
   * The layer's table of contents; the first call streams the layer once (concurrent calls for
   * the same digest share that pass), later ones are answered from memory or the index file.
   * Progress is compressed bytes read of the blob's size.
   */
  index(source: ImageSource, layer: Descriptor, options?: OperationOptions): Promise<LayerIndex>;
  /**
   * Streams `[start, end)` of an entry's data (the whole entry by default), decompressing at most
   * one checkpoint span before the data rather than the layer up to it (gzip; a zstd layer is
   * decoded from the start of the frame that holds the data; uncompressed layers are read as a
   * direct range). Sparse entries read as their logical content (holes are zeros); entries
   * without data (directories, links, devices) read as empty: resolve a hard link to its target
   * entry first.
   */
  readEntry(source: ImageSource, layer: Descriptor, entry: TarEntry, range?: { start: number; end: number }, options?: OperationOptions): Promise<Readable>;
}
