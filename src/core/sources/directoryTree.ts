import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { ImageError } from '../errors';
import type { FileTree } from './fileTree';
import type { BlobRange, LocalFileRange } from './imageSource';

/** A layout directory on disk. Paths come from validated digests or fixed names, and are checked to stay inside. */
export class DirectoryTree implements FileTree {
  constructor(readonly location: string) {}

  private resolve(relative: string): string {
    const full = path.resolve(this.location, relative);
    if (full !== this.location && !full.startsWith(this.location + path.sep)) {
      throw new ImageError('unsafe-path', `path "${relative}" would leave the layout directory`, { source: this.location });
    }
    return full;
  }

  async size(relative: string): Promise<number | undefined> {
    try {
      const stats = await fs.stat(this.resolve(relative));
      return stats.isFile() ? stats.size : undefined;
    } catch {
      return undefined;
    }
  }

  async read(relative: string, maxBytes: number): Promise<Buffer> {
    const size = await this.size(relative);
    if (size === undefined) throw new ImageError('missing-blob', 'file is missing', { source: this.location, subject: relative });
    if (size > maxBytes) throw new ImageError('too-large', `file is ${size} bytes, more than the ${maxBytes} allowed`, { source: this.location, subject: relative });
    return fs.readFile(this.resolve(relative));
  }

  async open(relative: string, range?: BlobRange): Promise<Readable> {
    const size = await this.size(relative);
    if (size === undefined) throw new ImageError('missing-blob', 'file is missing', { source: this.location, subject: relative });
    if (range && (range.start < 0 || range.end > size || range.start > range.end)) {
      throw new ImageError('truncated', `range ${range.start}-${range.end} is outside the ${size} bytes of the file`, { source: this.location, subject: relative });
    }
    if (range && range.start === range.end) return createReadStream(this.resolve(relative), { start: 0, end: -1 });
    return createReadStream(this.resolve(relative), range ? { start: range.start, end: range.end - 1, highWaterMark: 1 << 20 } : { highWaterMark: 1 << 20 });
  }

  async localRange(relative: string): Promise<LocalFileRange | undefined> {
    const size = await this.size(relative);
    return size === undefined ? undefined : { path: this.resolve(relative), offset: 0, length: size };
  }

  async list(directory: string): Promise<string[]> {
    try {
      return await fs.readdir(this.resolve(directory));
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {}
}
