import type { Readable } from 'node:stream';
import { digestOf, isDigest } from '../digest';
import { ImageError } from '../errors';
import { parseImageDocument } from '../model/manifest';
import type { FileTree } from './fileTree';
import type { BlobRange, ImageSource, SourceRoot } from './imageSource';
import { ReadLimits } from './limits';

/**
 * containers/image's `dir:` transport (what `skopeo copy … dir:PATH` writes): `manifest.json` is
 * the image manifest itself, blobs are files named by their sha256 hex, `version` says the format.
 * Signatures (`signature-N`) are not blobs and are left out.
 */
export class DirTransportSource implements ImageSource {
  readonly kind = 'dir' as const;
  readonly format = 'skopeo dir: directory';
  private manifest?: { digest: string; bytes: Buffer };

  constructor(
    readonly location: string,
    private readonly tree: FileTree,
  ) {}

  /** True when `manifest.json` is a single manifest (not docker save's array). */
  static async looksLikeOne(tree: FileTree): Promise<boolean> {
    const size = await tree.size('manifest.json');
    if (size === undefined || size > ReadLimits.manifest) return false;
    const text = (await tree.read('manifest.json', ReadLimits.manifest)).toString('utf8').trimStart();
    return text.startsWith('{');
  }

  private async readManifest(): Promise<{ digest: string; bytes: Buffer }> {
    if (!this.manifest) {
      const bytes = await this.tree.read('manifest.json', ReadLimits.manifest);
      this.manifest = { digest: digestOf(bytes), bytes };
    }
    return this.manifest;
  }

  async roots(): Promise<SourceRoot[]> {
    const { digest, bytes } = await this.readManifest();
    const document = parseImageDocument(bytes, undefined, { source: this.location, subject: 'manifest.json' });
    return [{ names: [], descriptor: { mediaType: document.mediaType, digest, size: bytes.length } }];
  }

  private path(digest: string): string | undefined {
    return isDigest(digest) && digest.startsWith('sha256:') ? digest.slice(7) : undefined;
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    const manifest = await this.readManifest();
    if (digest === manifest.digest) return { size: manifest.bytes.length };
    const path = this.path(digest);
    const size = path === undefined ? undefined : await this.tree.size(path);
    return size === undefined ? undefined : { size };
  }

  async open(digest: string, range?: BlobRange): Promise<Readable> {
    const manifest = await this.readManifest();
    if (digest === manifest.digest) return this.tree.open('manifest.json', range);
    const path = this.path(digest);
    if (path === undefined || (await this.tree.size(path)) === undefined) throw new ImageError('missing-blob', 'blob is not in this directory', { source: this.location, subject: digest });
    return this.tree.open(path, range);
  }

  async list(): Promise<string[]> {
    const digests = [(await this.readManifest()).digest];
    for (const name of await this.tree.list('')) if (/^[a-f0-9]{64}$/.test(name)) digests.push(`sha256:${name}`);
    return digests.sort();
  }

  async close(): Promise<void> {
    await this.tree.close();
  }
}
