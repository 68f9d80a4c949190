import { Transform, type TransformCallback } from 'node:stream';
import { createDigestHash, parseDigest } from '../digest';
import { ImageError } from '../errors';

/** Where verified bytes may also go (the disk cache): kept only if the whole blob verifies. */
export interface BlobSink {
  write(chunk: Buffer): Promise<void>;
  /** The blob verified: keep it. */
  commit(): Promise<void>;
  /** The blob failed or was abandoned: drop what was written. */
  abort(): Promise<void>;
}

export interface VerifyingReaderOptions {
  digest: string;
  /** Bytes expected, when a descriptor or Content-Length says. */
  size?: number;
  /** For messages: the reference or repository. */
  source: string;
  sink?: BlobSink;
}

/**
 * Checks digest and size while the bytes flow (go-containerregistry's verifying reader): more
 * bytes than expected fail at once, a short or mismatching blob fails at the end instead of
 * ending cleanly, so a consumer never takes an unverified blob for a good one.
 */
export class VerifyingReader extends Transform {
  private readonly hash;
  private readonly expectedDigest: string;
  private received = 0;
  private settled = false;
  private sink: BlobSink | undefined;

  constructor(private readonly options: VerifyingReaderOptions) {
    super();
    const { algorithm } = parseDigest(options.digest, { source: options.source });
    this.hash = createDigestHash(algorithm);
    this.expectedDigest = options.digest;
    this.sink = options.sink;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.options.size !== undefined && this.received > this.options.size) {
      callback(new ImageError('size-mismatch', `blob is longer than the ${this.options.size} bytes expected`, { source: this.options.source, subject: this.expectedDigest }));
      return;
    }
    this.hash.update(chunk);
    const sink = this.sink;
    if (!sink) {
      callback(null, chunk);
      return;
    }
    sink.write(chunk).then(
      () => callback(null, chunk),
      () => {
        // A cache that cannot keep the blob (disk full) does not fail the read: stop caching.
        this.sink = undefined;
        sink.abort().finally(() => callback(null, chunk));
      },
    );
  }

  override _flush(callback: TransformCallback): void {
    const where = { source: this.options.source, subject: this.expectedDigest };
    if (this.options.size !== undefined && this.received !== this.options.size) {
      callback(new ImageError('size-mismatch', `blob ended after ${this.received} of the ${this.options.size} bytes expected`, where));
      return;
    }
    const actual = `${this.expectedDigest.slice(0, this.expectedDigest.indexOf(':'))}:${this.hash.digest('hex')}`;
    if (actual !== this.expectedDigest) {
      callback(new ImageError('digest-mismatch', `content does not match its digest: expected ${this.expectedDigest}, actual ${actual}`, where));
      return;
    }
    this.settled = true;
    if (!this.sink) {
      callback();
      return;
    }
    this.sink.commit().then(
      () => callback(),
      () => callback(), // a cache that cannot keep the blob does not fail the read
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.settled && this.sink) {
      this.settled = true;
      this.sink.abort().then(
        () => callback(error),
        () => callback(error),
      );
      return;
    }
    callback(error);
  }
}
