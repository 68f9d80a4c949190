/**
 * Compression is recognised by magic bytes, never by media type or file name: Docker 25 saves
 * store uncompressed tars under "gzip" names and containerd saves keep layers compressed.
 */
export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';

const MAGIC: Array<{ compression: Compression; bytes: number[] }> = [
  { compression: 'gzip', bytes: [0x1f, 0x8b] }, // RFC 1952
  { compression: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] }, // RFC 8878 frame magic
  { compression: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { compression: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
];

/** How many leading bytes `detectCompression` needs. */
export const MAGIC_BYTES_NEEDED = 6;

export function detectCompression(head: Uint8Array): Compression {
  for (const { compression, bytes } of MAGIC) {
    if (head.length >= bytes.length && bytes.every((byte, index) => head[index] === byte)) return compression;
  }
  return 'none';
}

/** True when the block looks like a tar header: "ustar" magic, or a v7 header whose checksum adds up. */
export function looksLikeTar(head: Uint8Array): boolean {
  if (head.length < 512) return false;
  const magic = Buffer.from(head.subarray(257, 262)).toString('latin1');
  if (magic === 'ustar') return true;
  const stored = parseInt(Buffer.from(head.subarray(148, 156)).toString('latin1').replace(/[\0 ]+$/g, '').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let index = 0; index < 512; index++) sum += index >= 148 && index < 156 ? 32 : head[index];
  return sum === stored;
}
