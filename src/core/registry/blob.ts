import { pipeline, Readable } from 'node:stream';
import type { OperationOptions } from '../cancellation';
import { parseDigest } from '../digest';
import { ImageError } from '../errors';
import { RangeTransform } from '../io/rangeTransform';
import type { BlobRange } from '../sources/imageSource';
import { responseError } from './apiErrors';
import type { Repository } from './manifest';
import type { RegistryTransport } from './transport';
import { VerifyingReader, type BlobSink } from './verifyingReader';

/**
 * Blobs (distribution spec "Pulling blobs"): HEAD for the size, GET for the content. Registries
 * often redirect blob GETs to storage elsewhere; the transport follows them without our token.
 */
function blobPath(repository: Repository, digest: string): string {
  parseDigest(digest, { source: `${repository.registry}/${repository.repository}` });
  return `/v2/${repository.repository}/blobs/${digest}`;
}

function where(repository: Repository): string {
  return `${repository.registry}/${repository.repository}`;
}

/** The blob's size, or undefined when the registry does not have it. */
export async function headBlob(transport: RegistryTransport, repository: Repository, digest: string, options: OperationOptions = {}): Promise<{ size: number } | undefined> {
  const response = await transport.send({ method: 'HEAD', registry: repository.registry, repository: repository.repository, path: blobPath(repository, digest) }, options);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw await responseError(response, { what: `blob ${digest}`, source: where(repository), identity: await transport.auth.identity(repository.registry, repository.repository) });
  await response.discard();
  const size = Number(response.header('content-length') ?? NaN);
  if (!Number.isSafeInteger(size) || size < 0) throw new ImageError('network', `blob ${digest}: the registry's HEAD answer has no usable Content-Length`, { source: where(repository) });
  return { size };
}

/** Bytes [start, end) of a body; the connection is closed as soon as the range is complete. */
function slice(body: Readable, start: number, end: number): Readable {
  let stopped = false;
  const stop = () => {
    stopped = true;
    body.unpipe(range);
    body.destroy();
  };
  const range = new RangeTransform(start, end, stop);
  body.on('error', (error) => {
    if (!stopped) range.destroy(error);
  });
  range.on('close', () => {
    if (!stopped) stop();
  });
  body.pipe(range);
  return range;
}

export interface OpenBlobOptions {
  range?: BlobRange;
  /** The size a descriptor gave: checked while streaming a whole blob. */
  size?: number;
  /** Receives a whole blob's verified bytes (the disk cache). */
  sink?: BlobSink;
}

/**
 * Streams a blob. A whole blob goes through a verifying reader (digest and size checked as it
 * flows); a range is an HTTP Range request (206), or is cut from a 200 if the server ignores Range.
 */
export async function openBlob(transport: RegistryTransport, repository: Repository, digest: string, blob: OpenBlobOptions = {}, options: OperationOptions = {}): Promise<Readable> {
  const { range } = blob;
  if (range && range.end <= range.start) {
    await blob.sink?.abort();
    return Readable.from([]);
  }
  // identity: the bytes as stored (a storage backend that gzips on the fly would change what we hash, or what a Range counts).
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity', ...(range ? { Range: `bytes=${range.start}-${range.end - 1}` } : {}) };
  const response = await transport.send({ method: 'GET', registry: repository.registry, repository: repository.repository, path: blobPath(repository, digest), headers }, options).catch(async (error: unknown) => {
    await blob.sink?.abort();
    throw error;
  });
  const ok = response.status === 200 || (range !== undefined && response.status === 206);
  if (!ok) {
    await blob.sink?.abort();
    throw await responseError(response, { what: `blob ${digest}`, source: where(repository), notFound: 'missing-blob', identity: await transport.auth.identity(repository.registry, repository.repository) });
  }
  const body = response.stream();
  const done = () => undefined;
  if (range) {
    await blob.sink?.abort();
    if (response.status === 206) {
      const contentRange = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.header('content-range') ?? '');
      if (!contentRange || Number(contentRange[1]) !== range.start) {
        body.destroy();
        throw new ImageError('network', `blob ${digest}: asked for bytes ${range.start}-${range.end - 1}, the registry answered ${response.header('content-range') ?? 'no Content-Range'}`, { source: where(repository) });
      }
      return slice(body, 0, range.end - range.start);
    }
    return slice(body, range.start, range.end);
  }
  const declared = Number(response.header('content-length') ?? NaN);
  const size = blob.size ?? (Number.isSafeInteger(declared) ? declared : undefined);
  return pipeline(body, new VerifyingReader({ digest, size, source: where(repository), sink: blob.sink }), done);
}
