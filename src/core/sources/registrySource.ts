import { Readable } from 'node:stream';
import type { OperationOptions } from '../cancellation';
import { ImageError, isImageError } from '../errors';
import type { Descriptor } from '../model/descriptor';
import { parseImageDocument } from '../model/manifest';
import { isIndexMediaType, isManifestMediaType } from '../model/mediaTypes';
import { BlobCache, cacheLimitFromEnvironment, defaultCacheDirectory } from '../registry/blobCache';
import { insecureHostsFromEnvironment, RegistryClient, type RegistryClientOptions } from '../registry/client';
import { sniffManifestMediaType, type FetchedManifest, type Repository } from '../registry/manifest';
import { formatReference, parseReference, stripTransport, type Reference } from '../registry/reference';
import type { Referrers } from '../registry/referrers';
import type { BlobSink } from '../registry/verifyingReader';
import type { BlobRange, ImageSource, LocalFileRange, SourceRoot } from './imageSource';

export interface RegistrySourceOptions extends RegistryClientOptions {
  /** A cache, a directory for one, or false for none; default `defaultCacheDirectory()`. */
  cache?: BlobCache | string | false;
  /** Share one client (its tokens and learnt schemes) between sources. */
  client?: RegistryClient;
  /**
   * Blobs up to this size are kept whole in the cache when read whole (default 64 MiB). A bigger
   * layer is streamed once to index it (the layer index and checkpoints are what is kept), and
   * its files are then read with Range requests.
   */
  keepBlobsUpTo?: number;
}

export const DEFAULT_KEEP_BLOBS_UP_TO = 64 * 1024 * 1024;

/**
 * Opens a registry reference; every error names the reference, and when the spec was taken for
 * a reference only because no such path exists (`implicit`), the message says so.
 */
export async function openRegistryReference(spec: string, options: RegistrySourceOptions = {}, operation: OperationOptions = {}, implicit = false): Promise<RegistrySource> {
  try {
    return await RegistrySource.open(spec, options, operation);
  } catch (error) {
    if (!(error instanceof ImageError) || error.code === 'cancelled' || error.code === 'invalid-reference') throw error;
    const where = [error.source, error.subject].filter((part) => part !== undefined && part !== '').join(': ');
    const bare = where !== '' && error.message.startsWith(`${where}: `) ? error.message.slice(where.length + 2) : error.message;
    const hint = implicit ? ` (there is no file or directory "${spec}", so it was read as a registry reference)` : '';
    throw new ImageError(error.code, `${bare}${hint}`, { source: error.source ?? formatReference(parseReference(stripTransport(spec))), subject: error.subject, cause: error });
  }
}

/**
 * An image in a registry as an ImageSource (kind `registry`). Lazy: opening resolves the
 * reference's manifest and nothing else; other manifests, configs and layers are fetched when
 * asked for, once, and kept in the disk cache by digest. `stat` answers from the descriptors of
 * documents already fetched (a registry holds what its manifests reference) without a request.
 */
export class RegistrySource implements ImageSource {
  readonly kind = 'registry' as const;
  readonly location: string;
  private readonly repositoryRef: Repository;
  private root: SourceRoot | undefined;
  /** Descriptors met in the documents served so far. */
  private readonly known = new Map<string, Descriptor>();
  /** Digests served from the manifests endpoint. */
  private readonly manifestDigests = new Set<string>();
  /** Manifest bytes, fetched once (in flight or done). */
  private readonly manifestBytes = new Map<string, Promise<Buffer>>();
  /** Media types of the manifests read, from the registry's Content-Type or the cache. */
  private readonly mediaTypes = new Map<string, string>();
  /** Whole-blob downloads in flight to the cache, so a second reader waits and reads the file. */
  private readonly downloads = new Map<string, Promise<void>>();

  constructor(
    readonly reference: Reference,
    readonly client: RegistryClient,
    readonly cache: BlobCache | undefined,
    private readonly keepBlobsUpTo = DEFAULT_KEEP_BLOBS_UP_TO,
  ) {
    this.location = formatReference(reference);
    this.repositoryRef = { registry: reference.registry, repository: reference.repository };
  }

  /** Parses the reference and resolves it (one manifest request, or one HEAD when the tag's digest is cached). */
  static async open(spec: string, options: RegistrySourceOptions = {}, operation: OperationOptions = {}): Promise<RegistrySource> {
    const reference = parseReference(stripTransport(spec));
    const client = options.client ?? new RegistryClient({ ...options, insecureHosts: options.insecureHosts ?? insecureHostsFromEnvironment() });
    const cache = options.cache === false ? undefined : options.cache instanceof BlobCache ? options.cache : new BlobCache({ directory: options.cache ?? defaultCacheDirectory(), maxBytes: cacheLimitFromEnvironment() });
    const source = new RegistrySource(reference, client, cache, options.keepBlobsUpTo);
    await source.roots(operation);
    return source;
  }

  get format(): string {
    return `registry (OCI distribution API at ${this.client.transport.origin(this.reference.registry)})`;
  }

  async roots(options: OperationOptions = {}): Promise<SourceRoot[]> {
    if (!this.root) {
      const descriptor = await this.resolve(options);
      this.root = { names: [this.location], descriptor };
    }
    return [this.root];
  }

  async stat(digest: string, options: OperationOptions = {}): Promise<{ size: number } | undefined> {
    const descriptor = this.root?.descriptor.digest === digest ? this.root.descriptor : this.known.get(digest);
    if (descriptor && descriptor.size >= 0) return { size: descriptor.size };
    const cached = await this.cache?.stat(digest);
    if (cached) return cached;
    if (!this.isManifest(digest)) {
      const blob = await this.client.headBlob(this.repositoryRef, digest, options);
      if (blob) return blob;
    }
    try {
      const manifest = await this.client.headManifest(this.repositoryRef, digest, options);
      if (!manifest) return { size: (await this.manifest(digest, options)).length };
      this.manifestDigests.add(digest);
      return { size: manifest.size };
    } catch (error) {
      if (isImageError(error, 'not-found')) return undefined;
      throw error;
    }
  }

  async open(digest: string, range?: BlobRange, options: OperationOptions = {}): Promise<Readable> {
    if (this.isManifest(digest)) return this.openManifest(digest, range, options);
    if (await this.cache?.stat(digest)) return this.cache!.open(digest, range);
    const pending = this.downloads.get(digest);
    if (pending && !range) {
      await pending;
      if (await this.cache?.stat(digest)) return this.cache!.open(digest);
    }
    const size = this.known.get(digest)?.size;
    const keep = !range && (size === undefined || size < 0 || size <= this.keepBlobsUpTo);
    const sink = keep ? await this.trackDownload(digest, size) : undefined;
    try {
      return await this.client.openBlob(this.repositoryRef, digest, { range, size: size !== undefined && size >= 0 ? size : undefined, sink }, options);
    } catch (error) {
      // A digest we had not met may name a manifest, which lives behind /manifests/.
      if (isImageError(error, 'missing-blob') && !this.known.has(digest)) {
        try {
          return await this.openManifest(digest, range, options);
        } catch {
          throw error;
        }
      }
      throw error;
    }
  }

  /** A blob already in the disk cache is a local file (bulk copies read it directly). */
  async localRange(digest: string): Promise<LocalFileRange | undefined> {
    if (!this.cache || this.isManifest(digest)) return undefined;
    const cached = await this.cache.stat(digest);
    return cached ? { path: this.cache.blobFile(digest), offset: 0, length: cached.size } : undefined;
  }

  async list(): Promise<string[] | undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    this.manifestBytes.clear();
  }

  /** OCI 1.1 referrers of a manifest in this repository (referrers API, else the `sha256-<hex>` tag). */
  referrers(digest: string, artifactType?: string, options: OperationOptions = {}): Promise<Referrers> {
    return this.client.referrers(this.repositoryRef, digest, artifactType, options);
  }

  private isManifest(digest: string): boolean {
    if (this.root?.descriptor.digest === digest || this.manifestDigests.has(digest)) return true;
    const mediaType = this.known.get(digest)?.mediaType;
    return isIndexMediaType(mediaType) || isManifestMediaType(mediaType);
  }

  private async openManifest(digest: string, range: BlobRange | undefined, options: OperationOptions): Promise<Readable> {
    const bytes = await this.manifest(digest, options);
    return Readable.from([range ? bytes.subarray(range.start, range.end) : bytes]);
  }

  /** A manifest's bytes: memory, then the disk cache, then the registry (verified, then cached). */
  private manifest(digest: string, options: OperationOptions): Promise<Buffer> {
    let pending = this.manifestBytes.get(digest);
    if (!pending) {
      pending = (async () => {
        const cached = await this.cache?.read(digest);
        if (cached) {
          this.learn(digest, cached, (await this.cache?.mediaType(digest)) ?? this.known.get(digest)?.mediaType);
          return cached;
        }
        const fetched = await this.client.getManifest(this.repositoryRef, digest, options);
        await this.keep(fetched);
        return fetched.bytes;
      })();
      this.manifestBytes.set(digest, pending);
      pending.catch(() => this.manifestBytes.delete(digest));
    }
    return pending;
  }

  /** Caches a fetched manifest and learns its children's descriptors. */
  private async keep(manifest: FetchedManifest): Promise<void> {
    this.manifestDigests.add(manifest.digest);
    this.learn(manifest.digest, manifest.bytes, manifest.mediaType);
    if (!this.cache) return;
    await this.cache.put(manifest.digest, manifest.bytes).catch(() => undefined);
    if (manifest.mediaType) await this.cache.setMediaType(manifest.digest, manifest.mediaType).catch(() => undefined);
  }

  /** Records the descriptors a document references, so `stat` can answer for them. */
  private learn(digest: string, bytes: Buffer, mediaType: string | undefined): void {
    this.manifestDigests.add(digest);
    if (mediaType) this.mediaTypes.set(digest, mediaType);
    try {
      const document = parseImageDocument(bytes, mediaType, { source: this.location, subject: digest });
      if (document.type === 'index') {
        for (const child of document.manifests) {
          this.known.set(child.digest, child);
          this.manifestDigests.add(child.digest);
        }
      } else if (document.type === 'manifest') {
        for (const child of [document.config, ...document.layers]) if (!this.known.has(child.digest)) this.known.set(child.digest, child);
      } else {
        for (const layer of document.layerDigests) if (!this.known.has(layer)) this.known.set(layer, { mediaType: '', digest: layer, size: -1 });
      }
    } catch {
      // The graph reports unreadable documents; here they just teach us nothing.
    }
  }

  /**
   * The root descriptor. A digest reference in the cache costs nothing; a tag whose digest is
   * cached costs one HEAD (the tag may have moved); anything else one GET.
   */
  private async resolve(options: OperationOptions): Promise<Descriptor> {
    const { digest, tag } = this.reference;
    if (digest) {
      const bytes = await this.manifest(digest, options);
      return { mediaType: this.mediaTypes.get(digest) ?? sniffManifestMediaType(bytes) ?? '', digest, size: bytes.length };
    }
    const key = formatReference({ ...this.repositoryRef, tag });
    const record = await this.cache?.tag(key);
    if (record && (await this.cache?.stat(record.digest))) {
      const head = await this.client.headManifest(this.repositoryRef, tag as string, options);
      if (head) {
        if (head.digest !== record.digest) await this.cache?.setTag(key, head);
        await this.manifest(head.digest, options);
        return { mediaType: head.mediaType, digest: head.digest, size: head.size };
      }
    }
    const fetched = await this.client.getManifest(this.repositoryRef, tag as string, options);
    await this.keep(fetched);
    this.manifestBytes.set(fetched.digest, Promise.resolve(fetched.bytes));
    await this.cache?.setTag(key, { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.size }).catch(() => undefined);
    return { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.size };
  }

  /** A cache sink that also tells concurrent readers when the download has settled. */
  private async trackDownload(digest: string, size: number | undefined): Promise<BlobSink | undefined> {
    const sink = await this.cache?.writer(digest, size !== undefined && size >= 0 ? size : undefined).catch(() => undefined);
    if (!sink) return undefined;
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.downloads.set(digest, done);
    const finish = () => {
      if (this.downloads.get(digest) === done) this.downloads.delete(digest);
      settle();
    };
    return {
      write: (chunk) => sink.write(chunk),
      commit: () => sink.commit().finally(finish),
      abort: () => sink.abort().finally(finish),
    };
  }
}
