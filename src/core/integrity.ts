import type { Readable } from 'node:stream';
import { throwIfCancelled, type OperationOptions } from './cancellation';
import { createDigestHash, parseDigest, type DigestAlgorithm } from './digest';
import { describeError, ImageError } from './errors';
import type { ImageSource } from './sources/imageSource';

/** Hashes a stream as it flows; returns the digest and the byte count. */
export async function hashReadable(readable: Readable, algorithm: DigestAlgorithm, options: OperationOptions & { total?: number; what?: string } = {}): Promise<{ digest: string; size: number }> {
  const hash = createDigestHash(algorithm);
  let size = 0;
  try {
    for await (const chunk of readable) {
      throwIfCancelled(options.signal, options.what ?? 'hashing');
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      options.progress?.({ message: options.what, done: size, total: options.total });
    }
  } finally {
    readable.destroy();
  }
  return { digest: `${algorithm}:${hash.digest('hex')}`, size };
}

export interface BlobCheck {
  digest: string;
  /** Bytes actually read. */
  size?: number;
  /** The size a descriptor declared, when one did. */
  expectedSize?: number;
  ok: boolean;
  /** The digest the bytes really have, when it differs. */
  actual?: string;
  problem?: string;
}

/** Streams a blob through its digest's hash and compares (and the size, when a descriptor gave one). */
export async function verifyBlob(source: ImageSource, digest: string, expectedSize: number | undefined, options: OperationOptions = {}): Promise<BlobCheck> {
  const { algorithm } = parseDigest(digest, { source: source.location });
  try {
    const stat = await source.stat(digest, options);
    if (!stat) return { digest, expectedSize, ok: false, problem: 'blob is missing' };
    const result = await hashReadable(await source.open(digest, undefined, options), algorithm, { ...options, total: stat.size, what: `Verifying ${digest}` });
    const check: BlobCheck = { digest, size: result.size, expectedSize, ok: true };
    if (result.digest !== digest) {
      check.ok = false;
      check.actual = result.digest;
      check.problem = `digest mismatch: expected ${digest}, the content hashes to ${result.digest}`;
    } else if (expectedSize !== undefined && expectedSize !== result.size) {
      check.ok = false;
      check.problem = `size mismatch: the descriptor says ${expectedSize} bytes, the blob has ${result.size}`;
    }
    return check;
  } catch (error) {
    if (error instanceof ImageError && error.code === 'cancelled') throw error;
    return { digest, expectedSize, ok: false, problem: describeError(error) };
  }
}
