import type { ImageErrorCode } from '../core/errors';

/** The CLI's exit codes (documented in the README). Stable: scripts rely on them. */
export const ExitCode = {
  ok: 0,
  /** verify found a blob whose content does not match its digest or size. */
  verificationFailed: 1,
  usage: 2,
  /** The source could not be opened or read: missing, not an image, truncated, corrupt, bad JSON. */
  badSource: 3,
  /** The source is fine but does not hold the blob, layer or path asked for. */
  notFound: 4,
  /** A registry could not be reached or refused us. */
  network: 5,
  cancelled: 130,
  internal: 70,
} as const;

export function exitCodeFor(code: ImageErrorCode): number {
  switch (code) {
    case 'usage':
    case 'invalid-digest':
    case 'invalid-reference':
      return ExitCode.usage;
    case 'missing-blob':
      return ExitCode.notFound;
    case 'cancelled':
      return ExitCode.cancelled;
    case 'network':
    case 'unauthorized':
      return ExitCode.network;
    default:
      return ExitCode.badSource;
  }
}
