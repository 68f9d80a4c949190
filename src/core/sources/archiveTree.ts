import * as posixPath from 'node:path/posix';
import type { Readable } from 'node:stream';
import { ImageError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import { normalizeEntryPath } from '../tar/paths';
import type { TarEntry } from '../tar/tarEntry';
import type { FileTree } from './fileTree';
import type { BlobRange, LocalFileRange } from './imageSource';

/** Symlinks inside an outer archive (Docker shares layer.tar between images this way) are followed this deep. */
const MAX_LINK_DEPTH = 16;

/** Gives the bytes of one tar entry; uncompressed archives slice the file, compressed ones decode. */
export type EntryData = (entry: TarEntry) => ByteSource;

/** The entries of an outer archive (docker save, oci-archive) as a FileTree. */
export class ArchiveTree implements FileTree {
  private readonly entries = new Map<string, TarEntry>();
  private readonly children = new Map<string, Set<string>>();

  constructor(
    readonly location: string,
    entries: TarEntry[],
    private readonly data: EntryData,
    private readonly release: () => Promise<void> = async () => undefined,
    /** The archive file, when entries are stored uncompressed in it (positioned reads work). */
    private readonly plainFile?: string,
  ) {
    for (const entry of entries) {
      const normalized = normalizeEntryPath(entry.path);
      // An outer-archive path that tries to climb out (../x) is not part of the image; skip it.
      if (normalized === undefined || normalized === '') continue;
      this.entries.set(normalized, entry); // later entries win, as when tar extracts
      this.addToParents(normalized);
    }
  }

  private addToParents(normalized: string): void {
    let child = normalized;
    while (true) {
      const parent = posixPath.dirname(child);
      const key = parent === '.' ? '' : parent;
      let set = this.children.get(key);
      if (!set) this.children.set(key, (set = new Set()));
      set.add(posixPath.basename(child));
      if (key === '') return;
      child = key;
    }
  }

  /** Every entry path, normalised (no leading `./`). */
  paths(): string[] {
    return [...this.entries.keys()];
  }

  /** The regular-file entry a path names, following symlinks and hard links inside the archive. */
  resolve(path: string): TarEntry | undefined {
    let current = normalizeEntryPath(path);
    for (let depth = 0; current !== undefined && depth <= MAX_LINK_DEPTH; depth++) {
      const entry = this.entries.get(current);
      if (!entry) return undefined;
      if (entry.type === 'file' || entry.type === 'contiguous') return entry;
      if (entry.type === 'hardlink') current = normalizeEntryPath(entry.linkname);
      else if (entry.type === 'symlink') {
        const target = entry.linkname.startsWith('/') ? entry.linkname : posixPath.join(posixPath.dirname(current), entry.linkname);
        current = normalizeEntryPath(target);
      } else return undefined;
    }
    if (current !== undefined) throw new ImageError('link-loop', `links starting at "${path}" nest more than ${MAX_LINK_DEPTH} deep`, { source: this.location });
    return undefined;
  }

  private require(path: string): TarEntry {
    const entry = this.resolve(path);
    if (!entry) throw new ImageError('missing-blob', 'entry is not in the archive', { source: this.location, subject: path });
    return entry;
  }

  async size(path: string): Promise<number | undefined> {
    return this.resolve(path)?.size;
  }

  async read(path: string, maxBytes: number): Promise<Buffer> {
    const entry = this.require(path);
    if (entry.size > maxBytes) throw new ImageError('too-large', `entry is ${entry.size} bytes, more than the ${maxBytes} allowed`, { source: this.location, subject: path });
    return this.data(entry).read(0, entry.size);
  }

  /** Random access to an entry's bytes. */
  bytes(path: string): ByteSource {
    return this.data(this.require(path));
  }

  async open(path: string, range?: BlobRange): Promise<Readable> {
    const source = this.data(this.require(path));
    return range ? source.stream(range.start, range.end) : source.stream();
  }

  async localRange(path: string): Promise<LocalFileRange | undefined> {
    const entry = this.resolve(path);
    return entry && this.plainFile ? { path: this.plainFile, offset: entry.dataOffset, length: entry.size } : undefined;
  }

  async list(directory: string): Promise<string[]> {
    const key = normalizeEntryPath(directory) ?? '';
    return [...(this.children.get(key) ?? [])];
  }

  async close(): Promise<void> {
    await this.release();
  }
}
