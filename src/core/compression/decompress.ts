import { Duplex, PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type * as Zlib from 'node:zlib';
import { loadFzstd, loadXzDecompress } from './lazyDecoders';
import { ImageError } from '../errors';
import type { Compression } from './detect';

type ZstdFactory = () => Transform;

/**
 * Node ≥ 22.15 has a built-in zstd decoder in zlib (what VS Code 1.139's extension host runs);
 * older Nodes fall back to fzstd, a maintained pure-JS decoder (slower, but no native build).
 */
function builtInZstd(): ZstdFactory | undefined {
  const zlib = loadZlib();
  const create = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  return typeof create === 'function' ? () => create.call(zlib) : undefined;
}

class FzstdTransform extends Transform {
  private readonly decoder = new (loadFzstd().Decompress)((chunk) => {
    this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** zlib is loaded when something is decompressed: a plain archive's CLI run never needs it. */
function loadZlib(): typeof Zlib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require('node:zlib') as typeof Zlib;
}

/**
 * xz (podman and `docker save | xz` archives) through xz-decompress, a WebAssembly build of
 * xz-embedded: no native addon, and Node has no xz of its own. It speaks web streams, so the
 * Node side is bridged both ways.
 */
function createXzDecompressor(): Duplex {
  const input = new PassThrough();
  const decoded = new (loadXzDecompress().XzReadableStream)(Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>);
  return Duplex.from({ writable: input, readable: Readable.fromWeb(decoded as unknown as WebReadableStream<Uint8Array>) });
}

/** A streaming decoder for `compression`; 'none' passes bytes through. Errors name `what`. */
export function createDecompressor(compression: Compression, what: string): Duplex {
  switch (compression) {
    case 'none':
      return new Transform({ transform: (chunk, _encoding, callback) => callback(null, chunk) });
    case 'gzip':
      // Multi-member gzip (eStargz, `cat a.gz b.gz`) is one stream to zlib's gunzip.
      return loadZlib().createGunzip({ chunkSize: 256 * 1024 });
    case 'zstd':
      return (builtInZstd() ?? (() => new FzstdTransform()))();
    case 'xz':
      return createXzDecompressor();
    default:
      throw new ImageError('unsupported', `${compression} compression is not supported (only gzip, zstd and xz are)`, { subject: what });
  }
}
