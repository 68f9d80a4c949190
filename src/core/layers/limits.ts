/**
 * Named caps for untrusted layers (after containers/image iolimits): a layer is data from
 * whoever built the image, and a few KiB of gzip can claim terabytes of zeros.
 */
import { ImageError } from '../errors';

export interface LayerLimits {
  /** Largest uncompressed:compressed ratio, checked once `ratioGraceBytes` have been decoded. */
  maxCompressionRatio?: number;
  /** Output allowed before the ratio is checked (small layers of zeros compress very well). */
  ratioGraceBytes?: number;
  /** Largest uncompressed size of one layer. */
  maxUncompressedBytes?: number;
  /** Most tar entries one layer may hold (each costs ~300 bytes of memory while its index is loaded). */
  maxEntries?: number;
}

export const DEFAULT_LAYER_LIMITS: Required<LayerLimits> = {
  maxCompressionRatio: 1000,
  ratioGraceBytes: 64 * 1024 * 1024,
  maxUncompressedBytes: 64 * 1024 * 1024 * 1024,
  maxEntries: 1_000_000,
};

export function resolveLayerLimits(limits: LayerLimits = {}): Required<LayerLimits> {
  return { ...DEFAULT_LAYER_LIMITS, ...Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)) };
}

/** Stops a decompression bomb while it runs, before it costs memory, disk or much time. */
export class ExpansionGuard {
  constructor(private readonly limits: Required<LayerLimits>) {}

  /** Throws 'too-large' when `uncompressed` bytes from `compressed` break a cap. */
  check(uncompressed: number, compressed: number): void {
    const { maxUncompressedBytes, maxCompressionRatio, ratioGraceBytes } = this.limits;
    if (uncompressed > maxUncompressedBytes) {
      throw new ImageError('too-large', `the layer decompresses to more than ${formatBytes(maxUncompressedBytes)} (maxUncompressedBytes); refusing to read further`);
    }
    if (uncompressed > ratioGraceBytes && uncompressed > maxCompressionRatio * Math.max(compressed, 1)) {
      throw new ImageError('too-large', `the layer expands more than ${maxCompressionRatio}:1 (${formatBytes(uncompressed)} from ${formatBytes(compressed)} compressed; maxCompressionRatio): a decompression bomb?`);
    }
  }
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
