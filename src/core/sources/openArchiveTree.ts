import { createReadStream } from 'node:fs';
import type { OperationOptions } from '../cancellation';
import { createDecompressor } from '../compression/decompress';
import { detectCompression, looksLikeTar, MAGIC_BYTES_NEEDED, type Compression } from '../compression/detect';
import { ImageError, isImageError } from '../errors';
import { BufferByteSource, FileByteSource, SliceByteSource } from '../io/byteSource';
import { DecompressedSliceSource } from '../io/decompressedSource';
import { indexTar } from '../tar/tarIndex';
import type { TarEntry } from '../tar/tarEntry';
import { parseTarStream } from '../tar/tarStreamParser';
import { ArchiveTree } from './archiveTree';
import { ReadLimits } from './limits';

export interface OpenedArchive {
  tree: ArchiveTree;
  compression: Compression;
}

/**
 * Indexes an outer archive once. An uncompressed tar is walked header to header with positioned
 * reads (data is never read); a gzip or zstd archive is decoded in one streaming pass that keeps
 * the small entries (JSON documents) in memory and the offsets of the large ones.
 */
export async function openArchiveTree(path: string, options: OperationOptions = {}): Promise<OpenedArchive> {
  const file = await FileByteSource.open(path);
  try {
    const head = await file.read(0, Math.min(file.size, 512));
    const compression = detectCompression(head.subarray(0, MAGIC_BYTES_NEEDED));
    if (compression === 'none') {
      // A tar of nothing is just zero blocks: still a tar, which the classifier then calls empty.
      const allZero = head.length === 512 && head.every((byte) => byte === 0);
      if (!allZero && !looksLikeTar(head)) throw notATar(path, head, file.size);
      const entries = await indexTar(file, options);
      const tree = new ArchiveTree(path, entries, (entry) => new SliceByteSource(`${path}: ${entry.path}`, file, entry.dataOffset, entry.size), () => file.close(), path);
      return { tree, compression };
    }
    await file.close();
    return { tree: await indexCompressed(path, compression, file.size, options), compression };
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
}

async function indexCompressed(path: string, compression: Compression, compressedSize: number, options: OperationOptions): Promise<ArchiveTree> {
  const captured = new Map<TarEntry, Buffer[]>();
  let capturedBytes = 0;
  const entries: TarEntry[] = [];
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  let compressedRead = 0;
  input.on('data', (chunk) => {
    compressedRead += chunk.length;
    options.progress?.({ message: `Indexing ${compression} archive`, done: compressedRead, total: compressedSize });
  });
  const decoder = createDecompressor(compression, path);
  input.pipe(decoder);
  input.on('error', (error) => decoder.destroy(error));
  try {
    await parseTarStream(
      decoder,
      {
        onEntry(entry) {
          entries.push(entry);
          if (entry.size > ReadLimits.capturedEntry || capturedBytes + entry.size > ReadLimits.capturedTotal) return undefined;
          capturedBytes += entry.size;
          captured.set(entry, []);
          return 'capture';
        },
        onData(entry, chunk) {
          captured.get(entry)?.push(Buffer.from(chunk));
        },
      },
      { signal: options.signal },
    );
  } catch (error) {
    input.destroy();
    if (isImageError(error)) throw new ImageError(error.code, `${compression}-compressed archive: ${error.message}`, { source: path, cause: error });
    throw new ImageError('corrupt', `cannot decompress the ${compression} archive: ${(error as Error).message}`, { source: path, cause: error });
  }
  if (entries.length === 0) throw new ImageError('not-an-image', `is a ${compression}-compressed file that holds no tar entries`, { source: path });
  const keep = new Map<TarEntry, Buffer>();
  for (const [entry, chunks] of captured) keep.set(entry, Buffer.concat(chunks));
  return new ArchiveTree(path, entries, (entry) => {
    const buffer = keep.get(entry);
    const name = `${path}: ${entry.path}`;
    return buffer ? new BufferByteSource(name, buffer) : new DecompressedSliceSource(name, path, compression, entry.dataOffset, entry.size);
  });
}

function notATar(path: string, head: Buffer, size: number): ImageError {
  const text = head.subarray(0, 64).toString('utf8');
  let looksLike = `${size} bytes starting with ${head.subarray(0, 8).toString('hex')}`;
  if (size === 0) looksLike = 'an empty file';
  else if (/^\s*[[{]/.test(text)) looksLike = 'a JSON document';
  else if (head.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004') looksLike = 'a zip archive';
  else if (head.subarray(0, 4).toString('latin1') === '\u007fELF') looksLike = 'an ELF executable';
  else if (isPrintable(head.subarray(0, 64))) looksLike = 'a text file';
  return new ImageError('not-an-image', `is not an image archive: it is not a tar (nor gzip/zstd-compressed tar); it looks like ${looksLike}`, { source: path });
}

/** Printable ASCII plus tab, newline and carriage return. */
function isPrintable(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 0x20 && byte < 0x7f));
}
