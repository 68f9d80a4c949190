/**
 * Layer indexes on disk, one file per layer named by the digest's hex alone (validated first, so
 * nothing from an archive ever becomes a path). Written to a temporary file and renamed, so a
 * reader sees a whole file or none; a file that does not decode is treated as absent and
 * replaced. The directory is trimmed to a size budget, least recently used first.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseDigest } from '../digest';
import { readFileBytes } from '../io/byteSource';
import { decodeLayerIndex, encodeLayerIndex, type StoredLayer } from './indexCodec';

const SUFFIX = '.cie-layer-index';
const TEMP_SUFFIX = '.tmp';
const STALE_TEMP_MS = 60 * 60 * 1000;

export class LayerIndexDiskCache {
  constructor(
    readonly directory: string,
    private readonly maxBytes: number,
  ) {}

  /** The cache file for a digest: `<hex>.cie-layer-index`, the hex checked to be hex. */
  fileFor(digest: string): string {
    return path.join(this.directory, parseDigest(digest).hex + SUFFIX);
  }

  /** The stored index, or undefined when there is none or it cannot be used. */
  async load(digest: string): Promise<StoredLayer | undefined> {
    const file = this.fileFor(digest);
    let bytes: Buffer;
    try {
      bytes = await readFileBytes(file);
    } catch {
      return undefined;
    }
    try {
      const stored = decodeLayerIndex(bytes, digest);
      const now = new Date();
      await fs.utimes(file, now, now).catch(() => undefined); // recency for trimming
      return stored;
    } catch {
      return undefined;
    }
  }

  /** Writes atomically; `isCancelled` is asked before the file is put in place. */
  async save(digest: string, layer: StoredLayer, isCancelled: () => boolean = () => false): Promise<number> {
    const file = this.fileFor(digest);
    const bytes = encodeLayerIndex(layer);
    await fs.mkdir(this.directory, { recursive: true });
    const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    try {
      await fs.writeFile(temporary, bytes, { flag: 'wx', mode: 0o600 });
      if (isCancelled()) throw new Error('cancelled');
      await fs.rename(temporary, file);
    } catch (error) {
      await fs.rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
    await this.trim(file).catch(() => undefined);
    return bytes.length;
  }

  /** Deletes least recently used index files until the directory fits the budget, and stale temporary files. */
  private async trim(keep: string): Promise<void> {
    const all = await fs.readdir(this.directory);
    for (const name of all.filter((entry) => entry.endsWith(TEMP_SUFFIX) && entry.includes(SUFFIX))) {
      const file = path.join(this.directory, name);
      const stats = await fs.stat(file).catch(() => undefined);
      // A writer that died mid-write left it; a live one renames within seconds.
      if (stats !== undefined && Date.now() - stats.mtimeMs > STALE_TEMP_MS) await fs.rm(file, { force: true });
    }
    const names = all.filter((name) => name.endsWith(SUFFIX));
    const files = await Promise.all(
      names.map(async (name) => {
        const file = path.join(this.directory, name);
        const stats = await fs.stat(file).catch(() => undefined);
        return { file, size: stats?.size ?? 0, used: stats?.mtimeMs ?? 0 };
      }),
    );
    let total = files.reduce((sum, file) => sum + file.size, 0);
    for (const file of files.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      if (file.file === keep) continue;
      await fs.rm(file.file, { force: true });
      total -= file.size;
    }
  }
}
