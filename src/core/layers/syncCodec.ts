/**
 * Synchronous, step-by-step access to Node's native zlib and zstd decoders, below the stream API.
 *
 * The streams hide what the checkpoints need: where in the input a deflate block ends (inflate
 * with Z_BLOCK stops there, zlib's `inflate()` contract) and how many bytes a zstd frame expands
 * to. Every zlib stream object owns a native handle whose `writeSync(flush, in, inOff, inLen,
 * out, outOff, outLen)` runs one decoder call and leaves `[availOutAfter, availInAfter]` in the
 * stream's `_writeState` (lib/zlib.js `processChunkSync` does the same). These are Node
 * internals, stable since Node 10 and identical for zstd in Node 22.15+; `available()` checks
 * they are there so callers can fall back to the stream API.
 */
import * as zlib from 'node:zlib';

interface NativeHandle {
  writeSync(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outOffset: number, outLength: number): void;
  close(): void;
  reset(): void;
  onerror: (message: string, errno: number) => void;
}

interface NativeStream {
  _handle?: NativeHandle;
  _writeState?: Uint32Array;
  close(): void;
}

/** A decoder refused its input (zlib: Z_DATA_ERROR and friends; zstd: a frame error). */
export class CodecError extends Error {
  constructor(
    message: string,
    readonly errno: number,
  ) {
    super(message);
    this.name = 'CodecError';
  }
}

export class SyncCodec {
  /** Input bytes the last `step` consumed. */
  consumed = 0;
  /** Output bytes the last `step` produced. */
  produced = 0;
  private failure: CodecError | undefined;
  private closed = false;

  private constructor(
    private readonly stream: NativeStream,
    private readonly handle: NativeHandle,
    private readonly state: Uint32Array,
  ) {
    handle.onerror = (message, errno) => {
      this.failure = new CodecError(message, errno);
    };
  }

  static wrap(stream: unknown): SyncCodec | undefined {
    const native = stream as NativeStream;
    const handle = native._handle;
    const state = native._writeState;
    if (handle === undefined || state === undefined || typeof handle.writeSync !== 'function' || !(state instanceof Uint32Array)) return undefined;
    return new SyncCodec(native, handle, state);
  }

  /** One decoder call; throws CodecError when the input is refused. */
  step(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outOffset: number, outLength: number): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw new Error('SyncCodec: step() after close()');
    this.handle.writeSync(flush, input, inOffset, inLength, output, outOffset, outLength);
    if (this.failure !== undefined) throw this.failure;
    this.consumed = inLength - this.state[1];
    this.produced = outLength - this.state[0];
  }

  /** Back to the state right after creation (zlib: inflateReset, dictionary set again). */
  reset(): void {
    this.failure = undefined;
    this.handle.reset();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.close();
  }
}

const EMPTY = Buffer.alloc(0);

/** A raw inflater (RFC 1951, no zlib/gzip wrapper), optionally primed with a preset window. */
export function createRawInflater(dictionary?: Buffer): SyncCodec | undefined {
  const options = dictionary !== undefined && dictionary.length > 0 ? { dictionary } : {};
  return SyncCodec.wrap(zlib.createInflateRaw(options));
}

type ZstdFactory = () => unknown;

/** Node's built-in zstd decoder, stepped synchronously; undefined on Nodes without it (< 22.15). */
export function createNativeZstdDecoder(): SyncCodec | undefined {
  const factory = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
  if (typeof factory !== 'function') return undefined;
  return SyncCodec.wrap(factory.call(zlib));
}

/** True when this Node lets us step inflate block by block. */
export function nativeInflateAvailable(): boolean {
  const codec = createRawInflater();
  if (codec === undefined) return false;
  try {
    codec.step(zlib.constants.Z_BLOCK, EMPTY, 0, 0, Buffer.alloc(1), 0, 1);
    return true;
  } catch {
    return false;
  } finally {
    codec.close();
  }
}
