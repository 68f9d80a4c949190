import type { Readable } from 'node:stream';
import type { OperationOptions } from '../cancellation';
import type { Descriptor } from '../model/descriptor';

/** `dir` is containers/image's `dir:` transport (skopeo copy … dir:PATH). */
export type SourceKind = 'docker-archive' | 'oci-layout' | 'oci-archive' | 'dir' | 'registry';

/** An entry point of a source: what index.json, manifest.json or a registry tag points at. */
export interface SourceRoot {
  /** The names the source gives it: RepoTags, `org.opencontainers.image.ref.name`, a tag. */
  names: string[];
  descriptor: Descriptor;
}

export interface LocalFileRange {
  path: string;
  offset: number;
  length: number;
}

export interface BlobRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, exclusive. */
  end: number;
}

/**
 * The one contract every source implements (go-containerregistry's `partial` idea): entry points
 * plus content-addressed blobs. The graph, platforms, attestations and layer stacking are built
 * once above it, in src/core/model.
 */
export interface ImageSource {
  readonly kind: SourceKind;
  /** The path or reference the user gave; every error names it. */
  readonly location: string;
  /** What the source is, in words: "docker save (Docker 25+, OCI layout inside), gzip-compressed". */
  readonly format: string;
  /** The descriptors this source starts from. */
  roots(options?: OperationOptions): Promise<SourceRoot[]>;
  /** The blob's stored size, or undefined when the source does not hold it. Never reads content. */
  stat(digest: string, options?: OperationOptions): Promise<{ size: number } | undefined>;
  /** Streams a blob, or a byte range of it. A blob the source does not hold is a `missing-blob` error. */
  open(digest: string, range?: BlobRange, options?: OperationOptions): Promise<Readable>;
  /** Every blob digest the source holds; a registry, which cannot list, returns undefined. */
  list(options?: OperationOptions): Promise<string[] | undefined>;
  /**
   * Where a blob's bytes lie as-is in a local file (a layout's blob file, an uncompressed
   * archive's entry), so bulk copies can skip stream machinery; undefined when they do not.
   */
  localRange?(digest: string): Promise<LocalFileRange | undefined>;
  /** Releases file handles and connections. */
  close(): Promise<void>;
}
