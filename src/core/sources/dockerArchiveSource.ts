import { Readable } from 'node:stream';
import type { OperationOptions } from '../cancellation';
import { detectCompression, MAGIC_BYTES_NEEDED, type Compression } from '../compression/detect';
import { digestOf, isDigest } from '../digest';
import { ImageError } from '../errors';
import { hashReadable } from '../integrity';
import { readFileBytes } from '../io/byteSource';
import { parseImageConfig } from '../model/config';
import type { Descriptor } from '../model/descriptor';
import { MediaType } from '../model/mediaTypes';
import type { SavedImage } from './dockerSaveManifest';
import type { FileTree } from './fileTree';
import { blobPath, listLayoutBlobs } from './ociLayoutSource';
import type { BlobRange, ImageSource, LocalFileRange, SourceRoot } from './imageSource';
import { ReadLimits } from './limits';

type StoredBlob = { path: string } | { bytes: Buffer };

const LAYER_MEDIA_TYPE: Record<Compression, string> = {
  none: MediaType.dockerLayer,
  gzip: MediaType.dockerLayerGzip,
  zstd: MediaType.dockerLayerZstd,
  xz: MediaType.dockerLayer,
  bzip2: MediaType.dockerLayer,
};

/** Marks the manifests we write for docker saves, which store no manifest of their own. */
export const SYNTHESIZED_ANNOTATION = 'dev.container-image-explorer.synthesized';

/**
 * A legacy `docker save` (manifest.json + config JSON + layer tars). Such archives hold no
 * registry manifest, so each image gets a Docker v2 schema 2 manifest built from what is stored:
 * the config's digest is the sha256 of the stored config file, and each layer's digest is the
 * digest of the stored layer file (its `blobs/sha256/<hex>` name, else its diff_id when the file
 * is an uncompressed tar — the same bytes — else the sha256 of the file). For uncompressed layers
 * these are the digests skopeo reports for a docker-archive; a layer stored compressed (ggcr's
 * `<digest>.tar.gz`, kaniko, gzipped layer.tar) skopeo decompresses and names by its diff_id, while
 * we serve the stored bytes under their own digest. Layer media types say what the bytes really are.
 */
export class DockerArchiveSource implements ImageSource {
  readonly kind = 'docker-archive' as const;
  private readonly blobs = new Map<string, StoredBlob>();
  private readonly rootList: SourceRoot[] = [];

  private constructor(
    readonly location: string,
    readonly tree: FileTree,
    readonly format: string,
  ) {}

  static async create(location: string, tree: FileTree, format: string, images: SavedImage[], options: OperationOptions = {}): Promise<DockerArchiveSource> {
    const source = new DockerArchiveSource(location, tree, format);
    for (const image of images) await source.addImage(image, options);
    return source;
  }

  private async addImage(image: SavedImage, options: OperationOptions): Promise<void> {
    const configSubject = 'path' in image.config ? image.config.path : 'synthesized config';
    const configBytes = 'path' in image.config ? await this.tree.read(image.config.path, ReadLimits.config) : image.config.bytes;
    const config = parseImageConfig(configBytes, { source: this.location, subject: configSubject });
    const configDigest = digestOf(configBytes);
    this.blobs.set(configDigest, 'path' in image.config ? { path: image.config.path } : { bytes: configBytes });

    const layers: Descriptor[] = [];
    for (const [index, layerPath] of image.layers.entries()) {
      layers.push(await this.describeLayer(layerPath, config.diffIds[index], image.layerSources, options));
    }
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, size: configBytes.length, digest: configDigest },
      layers: layers.map(({ mediaType, size, digest, urls }) => (urls ? { mediaType, size, digest, urls } : { mediaType, size, digest })),
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const manifestDigest = digestOf(manifestBytes);
    this.blobs.set(manifestDigest, { bytes: manifestBytes });
    const platform = config.platform.os && config.platform.architecture ? config.platform : undefined;
    this.rootList.push({
      names: image.names,
      descriptor: {
        mediaType: MediaType.dockerManifest,
        digest: manifestDigest,
        size: manifestBytes.length,
        ...(platform ? { platform } : {}),
        annotations: { [SYNTHESIZED_ANNOTATION]: 'true' },
      },
    });
  }

  private async describeLayer(layerPath: string, diffId: string | undefined, layerSources: Record<string, { mediaType: string; digest: string; size: number; urls?: string[] }>, options: OperationOptions): Promise<Descriptor> {
    const size = await this.tree.size(layerPath);
    if (size === undefined) {
      const foreign = diffId ? layerSources[diffId] : undefined;
      if (foreign && isDigest(foreign.digest)) return { mediaType: foreign.mediaType, digest: foreign.digest, size: foreign.size, urls: foreign.urls };
      throw new ImageError('missing-blob', `manifest.json lists layer "${layerPath}", which is not in the archive`, { source: this.location, subject: layerPath });
    }
    const head = await readHead(this.tree, layerPath, Math.min(size, MAGIC_BYTES_NEEDED));
    const compression = detectCompression(head);
    const named = /(?:^|\/)blobs\/sha256\/([a-f0-9]{64})$/.exec(layerPath);
    let digest: string;
    if (named) digest = `sha256:${named[1]}`;
    else if (compression === 'none' && diffId !== undefined && isDigest(diffId)) digest = diffId;
    else digest = (await hashReadable(await this.tree.open(layerPath), 'sha256', { ...options, total: size, what: `Hashing ${layerPath}` })).digest;
    if (!this.blobs.has(digest)) this.blobs.set(digest, { path: layerPath });
    return { mediaType: LAYER_MEDIA_TYPE[compression], digest, size };
  }

  async roots(): Promise<SourceRoot[]> {
    return this.rootList;
  }

  /** A blob we synthesised or named, else a `blobs/<alg>/<hex>` file (Docker 25+ saves hold both). */
  private find(digest: string): StoredBlob | undefined {
    return this.blobs.get(digest) ?? (isDigest(digest) ? { path: blobPath(digest, this.location) } : undefined);
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    const blob = this.find(digest);
    if (!blob) return undefined;
    if ('bytes' in blob) return { size: blob.bytes.length };
    const size = await this.tree.size(blob.path);
    return size === undefined ? undefined : { size };
  }

  async open(digest: string, range?: BlobRange): Promise<Readable> {
    const blob = this.find(digest);
    if (!blob || (await this.stat(digest)) === undefined) throw new ImageError('missing-blob', 'blob is not in this archive', { source: this.location, subject: digest });
    if ('path' in blob) return this.tree.open(blob.path, range);
    return Readable.from([range ? blob.bytes.subarray(range.start, range.end) : blob.bytes]);
  }

  async localRange(digest: string): Promise<LocalFileRange | undefined> {
    const blob = this.find(digest);
    return blob && 'path' in blob ? this.tree.localRange?.(blob.path) : undefined;
  }

  async list(): Promise<string[]> {
    const stored = await listLayoutBlobs(this.tree);
    return [...new Set([...this.blobs.keys(), ...stored])].sort();
  }

  async close(): Promise<void> {
    await this.tree.close();
  }
}

async function readHead(tree: FileTree, path: string, length: number): Promise<Buffer> {
  if (length === 0) return Buffer.alloc(0);
  // One positioned read where the bytes lie as-is in a local file (no stream machinery to start).
  const local = await tree.localRange?.(path);
  if (local !== undefined) return readFileBytes(local.path, local.offset, Math.min(length, local.length));
  const chunks: Buffer[] = [];
  for await (const chunk of await tree.open(path, { start: 0, end: length })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
