import type { Readable } from 'node:stream';
import { parseDigest, isDigest } from '../digest';
import { ImageError } from '../errors';
import { parseImageDocument } from '../model/manifest';
import type { FileTree } from './fileTree';
import type { BlobRange, ImageSource, LocalFileRange, SourceKind, SourceRoot } from './imageSource';
import { ReadLimits } from './limits';

/** Annotations that name an image in an index (image-spec annotations.md; containerd's own). */
export const NAME_ANNOTATIONS = ['io.containerd.image.name', 'org.opencontainers.image.ref.name'] as const;

export function blobPath(digest: string, location: string): string {
  const { algorithm, hex } = parseDigest(digest, { source: location });
  return `blobs/${algorithm}/${hex}`;
}

/** Digests of the `blobs/<alg>/<hex>` files of a layout (names that are not valid digests are ignored). */
export async function listLayoutBlobs(tree: FileTree): Promise<string[]> {
  const digests: string[] = [];
  for (const algorithm of await tree.list('blobs')) {
    for (const hex of await tree.list(`blobs/${algorithm}`)) {
      const digest = `${algorithm}:${hex}`;
      if (isDigest(digest) && (await tree.size(`blobs/${algorithm}/${hex}`)) !== undefined) digests.push(digest);
    }
  }
  return digests.sort();
}

/**
 * An OCI image layout (image-layout.md): `oci-layout`, `index.json` and `blobs/<alg>/<hex>`, in a
 * directory, an oci-archive tar, or a Docker 25+ / containerd `docker save`, which embed one.
 */
export class OciLayoutSource implements ImageSource {
  constructor(
    readonly kind: SourceKind,
    readonly location: string,
    readonly format: string,
    readonly tree: FileTree,
    /** Extra names for a root's manifest digest, e.g. RepoTags from a docker save's manifest.json. */
    private readonly extraNames: (root: SourceRoot) => Promise<string[]> = async () => [],
    /** Entry points to use instead of index.json's (a Docker 25 save whose index.json is empty). */
    private readonly fixedRoots?: SourceRoot[],
  ) {}

  async roots(): Promise<SourceRoot[]> {
    if (this.fixedRoots) return this.fixedRoots;
    const bytes = await this.tree.read('index.json', ReadLimits.archiveMetadata);
    const index = parseImageDocument(bytes, undefined, { source: this.location, subject: 'index.json' });
    if (index.type !== 'index') throw new ImageError('bad-json', 'is not an image index (it has no "manifests")', { source: this.location, subject: 'index.json' });
    const roots: SourceRoot[] = [];
    for (const descriptor of index.manifests) {
      const names = NAME_ANNOTATIONS.map((key) => descriptor.annotations?.[key]).filter((name): name is string => name !== undefined && name !== '');
      const root: SourceRoot = { names: [...new Set(names)], descriptor };
      for (const name of await this.extraNames(root)) if (!root.names.includes(name)) root.names.push(name);
      roots.push(root);
    }
    return roots;
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    const size = await this.tree.size(blobPath(digest, this.location));
    return size === undefined ? undefined : { size };
  }

  async open(digest: string, range?: BlobRange): Promise<Readable> {
    const path = blobPath(digest, this.location);
    if ((await this.tree.size(path)) === undefined) throw new ImageError('missing-blob', 'blob is not in this layout', { source: this.location, subject: digest });
    return this.tree.open(path, range);
  }

  async list(): Promise<string[]> {
    return listLayoutBlobs(this.tree);
  }

  async localRange(digest: string): Promise<LocalFileRange | undefined> {
    return this.tree.localRange?.(blobPath(digest, this.location));
  }

  async close(): Promise<void> {
    await this.tree.close();
  }
}
