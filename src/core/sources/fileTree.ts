import type { Readable } from 'node:stream';
import type { BlobRange, LocalFileRange } from './imageSource';

/**
 * The files of an image layout or archive, by relative path: a directory on disk or the entries
 * of a tar. OCI layouts, oci-archives and docker saves are read through this one shape.
 */
export interface FileTree {
  /** The directory or archive path, for messages. */
  readonly location: string;
  /** Size of a regular file (links followed inside the tree), or undefined when absent. */
  size(path: string): Promise<number | undefined>;
  /** The whole file; more than `maxBytes` is a `too-large` error. */
  read(path: string, maxBytes: number): Promise<Buffer>;
  /** Streams a file or a range of it. */
  open(path: string, range?: BlobRange): Promise<Readable>;
  /** Where a file's bytes lie as-is in a local file, when they do (not in a compressed archive). */
  localRange?(path: string): Promise<LocalFileRange | undefined>;
  /** Names of the entries directly inside `directory` ('' for the top). */
  list(directory: string): Promise<string[]>;
  close(): Promise<void>;
}
