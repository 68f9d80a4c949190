import { ImageError, type ImageErrorCode } from '../errors';

/**
 * Why a tar stream was refused. `code` (on ImageError) stays coarse and stable; `reason` says
 * which rule was broken, so callers can tell "this is not a tar at all" from "this tar is damaged".
 */
export type TarProblem =
  | 'not-a-tar' // the very first block is not a header: wrong file, or still compressed
  | 'bad-checksum' // a later header's checksum does not add up
  | 'bad-number' // a numeric field that is neither octal nor base-256
  | 'negative-size' // a size (header, base-256 or PAX) below zero
  | 'bad-pax' // a PAX record that breaks POSIX pax "%d %s=%s\n"
  | 'bad-sparse' // a GNU sparse map that does not parse or does not fit the file
  | 'lone-zero-block' // a zero block followed by a header (Go archive/tar: ErrHeader)
  | 'truncated' // the stream ends inside a header, an extension body or entry data
  | 'too-large'; // an extension body or the entry count exceeded a named cap

const CODES: Record<TarProblem, ImageErrorCode> = {
  'not-a-tar': 'corrupt',
  'bad-checksum': 'corrupt',
  'bad-number': 'corrupt',
  'negative-size': 'corrupt',
  'bad-pax': 'corrupt',
  'bad-sparse': 'corrupt',
  'lone-zero-block': 'corrupt',
  truncated: 'truncated',
  'too-large': 'too-large',
};

/** An ImageError about tar structure, always naming the archive offset it is about. */
export class TarFormatError extends ImageError {
  constructor(
    readonly reason: TarProblem,
    /** What is wrong, without the archive name (which `message` starts with when known). */
    readonly detail: string,
    /** Offset in the (uncompressed) tar stream of the header or byte the problem is about. */
    readonly offset: number,
    context: { source?: string; subject?: string } = {},
  ) {
    super(CODES[reason], detail, context);
    this.name = 'TarFormatError';
  }

  /** The same error, told which archive (and entry) it came from; context it already has wins. */
  withContext(source: string | undefined, subject?: string): TarFormatError {
    if ((source === undefined || this.source !== undefined) && (subject === undefined || this.subject !== undefined)) return this;
    return new TarFormatError(this.reason, this.detail, this.offset, { source: this.source ?? source, subject: this.subject ?? subject });
  }
}

export function isTarFormatError(error: unknown, reason?: TarProblem): error is TarFormatError {
  return error instanceof TarFormatError && (reason === undefined || error.reason === reason);
}
