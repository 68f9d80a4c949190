/**
 * Errors are values with context: which source, which entry or blob, what was expected and what
 * was found. `code` is stable (tests and the CLI's exit codes rely on it); `message` is for people.
 */
export type ImageErrorCode =
  | 'not-found' // the source path does not exist or cannot be opened
  | 'not-an-image' // readable, but not an image archive or layout
  | 'truncated' // the data ends before a header or entry says it should
  | 'corrupt' // malformed tar header, compressed stream or other bytes
  | 'bad-json' // a JSON document that does not parse or has the wrong shape
  | 'digest-mismatch' // content does not hash to its digest
  | 'size-mismatch' // content length differs from the descriptor
  | 'missing-blob' // a descriptor names a blob the source does not hold
  | 'invalid-digest' // a string that is not algorithm:hex of the right length
  | 'invalid-reference' // a registry reference that does not parse
  | 'unsupported' // a feature or format this version does not read
  | 'too-large' // an untrusted input exceeded a named cap
  | 'unsafe-path' // an archive path that would escape the image
  | 'link-loop' // symbolic links that cycle or nest too deep
  | 'cancelled' // the caller aborted the operation
  | 'network' // a registry could not be reached or answered badly
  | 'unauthorized' // a registry refused our credentials
  | 'usage'; // the CLI was called with the wrong arguments

export interface ImageErrorContext {
  /** The archive path, layout directory or registry reference. */
  source?: string;
  /** The archive entry, blob digest or file path the problem is about. */
  subject?: string;
  cause?: unknown;
}

export class ImageError extends Error {
  readonly code: ImageErrorCode;
  readonly source?: string;
  readonly subject?: string;

  constructor(code: ImageErrorCode, message: string, context: ImageErrorContext = {}) {
    super(ImageError.compose(message, context), context.cause === undefined ? undefined : { cause: context.cause });
    this.name = 'ImageError';
    this.code = code;
    this.source = context.source;
    this.subject = context.subject;
  }

  private static compose(message: string, context: ImageErrorContext): string {
    const where = [context.source, context.subject].filter((part) => part !== undefined && part !== '').join(': ');
    return where === '' ? message : `${where}: ${message}`;
  }
}

export function isImageError(error: unknown, code?: ImageErrorCode): error is ImageError {
  return error instanceof ImageError && (code === undefined || error.code === code);
}

/** Turns anything thrown into a one-line message a person can act on. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
