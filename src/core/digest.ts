import { createHash, type Hash } from 'node:crypto';
import { ImageError } from './errors';

/** OCI image-spec "Digests": algorithm:encoded. We verify sha256 and sha512, the registered ones. */
export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
const DIGEST_PATTERN = /^(sha256|sha512):([a-f0-9]+)$/;

export function isDigest(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DIGEST_PATTERN.exec(value);
  return match !== null && match[2].length === HEX_LENGTH[match[1] as DigestAlgorithm];
}

/**
 * Validates a digest before it is used as a key or becomes part of a path: an index.json may
 * say `sha256:../../etc/passwd`, and only `<algorithm>:<hex of the right length>` passes.
 */
export function parseDigest(value: unknown, context: { source?: string; subject?: string } = {}): { algorithm: DigestAlgorithm; hex: string } {
  if (!isDigest(value)) {
    throw new ImageError('invalid-digest', `"${String(value).slice(0, 200)}" is not a valid digest (expected sha256:<64 hex> or sha512:<128 hex>)`, context);
  }
  const [algorithm, hex] = value.split(':') as [DigestAlgorithm, string];
  return { algorithm, hex };
}

export function shortDigest(digest: string, length = 12): string {
  const colon = digest.indexOf(':');
  return colon < 0 ? digest.slice(0, length) : digest.slice(colon + 1, colon + 1 + length);
}

export function createDigestHash(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

export function digestOf(data: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}
