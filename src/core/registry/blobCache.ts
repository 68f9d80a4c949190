import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { cacheHome } from '../cacheHome';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { parseDigest } from '../digest';
import { ImageError } from '../errors';
import type { BlobRange } from '../sources/imageSource';
import type { BlobSink } from './verifyingReader';

/**
 * Registry content on disk, addressed by digest (`blobs/<alg>/<hex>`), written only after it
 * verified (temp file, then rename) so every cached file is trustworthy. Tag → digest records
 * let a reopen cost one HEAD. Least recently used blobs go first when the cache is over its size
 * limit: each use sets the file's mtime (atime is unreliable under relatime/noatime).
 */
export interface TagRecord {
  digest: string;
  mediaType: string;
  size: number;
}

export interface BlobCacheOptions {
  directory: string;
  /** Total blob bytes kept; default 2 GiB. */
  maxBytes?: number;
}

export const DEFAULT_CACHE_LIMIT = 2 * 1024 * 1024 * 1024;

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * The cache limit `$CIE_REGISTRY_CACHE_SIZE` asks for (`500M`, `2G`, `1073741824`), the default
 * without it; a value that does not parse is an error that names the variable.
 */
export function cacheLimitFromEnvironment(env: Record<string, string | undefined> = process.env): number {
  const given = env.CIE_REGISTRY_CACHE_SIZE?.trim();
  if (!given) return DEFAULT_CACHE_LIMIT;
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(given);
  if (!match) throw new ImageError('usage', `CIE_REGISTRY_CACHE_SIZE is "${given}": give bytes or a size such as 500M or 2G`);
  return Math.floor(Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()]);
}

/** `${XDG_CACHE_HOME:-~/.cache}/container-image-explorer/registry`. */
export function defaultCacheDirectory(env: Record<string, string | undefined> = process.env): string {
  return path.join(cacheHome(env), 'registry');
}

export class BlobCache {
  readonly directory: string;
  readonly maxBytes: number;
  /** Blob bytes on disk as far as we know; undefined until the first scan. */
  private total: number | undefined;

  constructor(options: BlobCacheOptions) {
    this.directory = path.resolve(options.directory);
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_LIMIT;
  }

  /** Where a blob is (or would be) kept; check `stat` first. */
  blobFile(digest: string): string {
    const { algorithm, hex } = parseDigest(digest, { source: this.directory });
    return path.join(this.directory, 'blobs', algorithm, hex);
  }

  private metaFile(digest: string): string {
    const { algorithm, hex } = parseDigest(digest, { source: this.directory });
    return path.join(this.directory, 'media-types', algorithm, hex);
  }

  private tagFile(key: string): string {
    return path.join(this.directory, 'tags', `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  /** The cached blob's size (and marks it used), or undefined. */
  async stat(digest: string): Promise<{ size: number } | undefined> {
    const file = this.blobFile(digest);
    try {
      const stats = await fs.stat(file);
      await this.touch(file);
      return { size: stats.size };
    } catch {
      return undefined;
    }
  }

  /** A whole cached blob read into memory (small documents), or undefined. */
  async read(digest: string): Promise<Buffer | undefined> {
    const file = this.blobFile(digest);
    try {
      const bytes = await fs.readFile(file);
      await this.touch(file);
      return bytes;
    } catch {
      return undefined;
    }
  }

  /** Streams a cached blob or a range of it; call `stat` first. */
  open(digest: string, range?: BlobRange): Readable {
    if (range && range.end <= range.start) return Readable.from([]);
    return createReadStream(this.blobFile(digest), range ? { start: range.start, end: range.end - 1 } : {});
  }

  /** Keeps verified bytes. */
  async put(digest: string, bytes: Buffer): Promise<void> {
    const sink = await this.writer(digest, bytes.length);
    if (!sink) return;
    try {
      await sink.write(bytes);
      await sink.commit();
    } catch (error) {
      await sink.abort();
      throw error;
    }
  }

  /**
   * A sink for a blob being downloaded (and verified by the caller); undefined when the blob
   * could never fit. Nothing appears under `blobs/` until `commit`.
   */
  async writer(digest: string, size?: number): Promise<BlobSink | undefined> {
    if (size !== undefined && size > this.maxBytes) return undefined;
    const final = this.blobFile(digest);
    const temporary = path.join(this.directory, 'tmp', `${path.basename(final)}.${process.pid}.${randomBytes(4).toString('hex')}`);
    await fs.mkdir(path.dirname(temporary), { recursive: true });
    await this.markAsCache();
    const handle = await fs.open(temporary, 'w');
    let written = 0;
    let closed = false;
    const close = async () => {
      if (!closed) {
        closed = true;
        await handle.close();
      }
    };
    return {
      write: async (chunk) => {
        written += chunk.length;
        await handle.write(chunk);
      },
      commit: async () => {
        await close();
        await fs.mkdir(path.dirname(final), { recursive: true });
        await fs.rename(temporary, final);
        if (this.total !== undefined) this.total += written;
        await this.evict();
      },
      abort: async () => {
        await close().catch(() => undefined);
        await fs.rm(temporary, { force: true });
      },
    };
  }

  async mediaType(digest: string): Promise<string | undefined> {
    try {
      return (await fs.readFile(this.metaFile(digest), 'utf8')) || undefined;
    } catch {
      return undefined;
    }
  }

  async setMediaType(digest: string, mediaType: string): Promise<void> {
    await writeAtomically(this.metaFile(digest), mediaType);
  }

  /** What a tag pointed at when last resolved (`registry/repository:tag`). */
  async tag(key: string): Promise<TagRecord | undefined> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.tagFile(key), 'utf8')) as Partial<TagRecord> & { key?: string };
      if (parsed.key !== key || typeof parsed.digest !== 'string' || typeof parsed.mediaType !== 'string' || typeof parsed.size !== 'number') return undefined;
      parseDigest(parsed.digest);
      return { digest: parsed.digest, mediaType: parsed.mediaType, size: parsed.size };
    } catch {
      return undefined;
    }
  }

  async setTag(key: string, record: TagRecord): Promise<void> {
    await this.markAsCache();
    await writeAtomically(this.tagFile(key), JSON.stringify({ key, ...record }));
  }

  /** Blob files and their total size. */
  async usage(): Promise<{ files: number; bytes: number }> {
    const entries = await this.blobEntries();
    return { files: entries.length, bytes: entries.reduce((sum, entry) => sum + entry.size, 0) };
  }

  /** Removes least recently used blobs until the cache is within 90% of its limit. */
  async evict(): Promise<void> {
    if (this.total !== undefined && this.total <= this.maxBytes) return;
    const entries = await this.blobEntries();
    this.total = entries.reduce((sum, entry) => sum + entry.size, 0);
    if (this.total <= this.maxBytes) return;
    entries.sort((a, b) => a.used - b.used);
    const target = Math.floor(this.maxBytes * 0.9);
    for (const entry of entries) {
      if (this.total <= target) break;
      await fs.rm(entry.file, { force: true });
      this.total -= entry.size;
    }
  }

  /** Empties the cache (blobs, media types, tag records, leftovers). */
  async clear(): Promise<void> {
    for (const name of ['blobs', 'media-types', 'tags', 'tmp']) await fs.rm(path.join(this.directory, name), { recursive: true, force: true });
    this.total = 0;
  }

  private async blobEntries(): Promise<Array<{ file: string; size: number; used: number }>> {
    const entries: Array<{ file: string; size: number; used: number }> = [];
    const root = path.join(this.directory, 'blobs');
    for (const algorithm of await fs.readdir(root).catch(() => [] as string[])) {
      for (const name of await fs.readdir(path.join(root, algorithm)).catch(() => [] as string[])) {
        const file = path.join(root, algorithm, name);
        const stats = await fs.stat(file).catch(() => undefined);
        if (stats?.isFile()) entries.push({ file, size: stats.size, used: stats.mtimeMs });
      }
    }
    return entries;
  }

  private async touch(file: string): Promise<void> {
    const now = new Date();
    await fs.utimes(file, now, now).catch(() => undefined);
  }

  /** The Cache Directory Tagging Specification's marker, so backup tools skip us. */
  private async markAsCache(): Promise<void> {
    const marker = path.join(this.directory, 'CACHEDIR.TAG');
    await fs.mkdir(this.directory, { recursive: true });
    await fs.writeFile(marker, 'Signature: 8a477f597d28d172789f06886806bc55\n# container-image-explorer registry cache\n', { flag: 'wx' }).catch(() => undefined);
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temporary, content);
  await fs.rename(temporary, file);
}
