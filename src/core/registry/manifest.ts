import type { OperationOptions } from '../cancellation';
import { digestOf, isDigest, parseDigest } from '../digest';
import { ImageError } from '../errors';
import { isObject } from '../model/json';
import { MediaType } from '../model/mediaTypes';
import { ReadLimits } from '../sources/limits';
import { responseError } from './apiErrors';
import { schema1SignedPayload } from './schema1';
import type { RegistryTransport } from './transport';

/** Every manifest format we read, as the Docker CLI and containerd ask for them. */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
  MediaType.dockerSchema1Signed,
  MediaType.dockerSchema1,
].join(', ');

export interface Repository {
  registry: string;
  repository: string;
}

export interface ManifestDescriptor {
  digest: string;
  mediaType: string;
  size: number;
}

export interface FetchedManifest extends ManifestDescriptor {
  bytes: Buffer;
}

function manifestPath(repository: Repository, reference: string): string {
  return `/v2/${repository.repository}/manifests/${reference}`;
}

function where(repository: Repository, reference: string): string {
  return `${repository.registry}/${repository.repository}${isDigest(reference) ? '@' : ':'}${reference}`;
}

/** `Content-Type` without parameters; undefined when it says nothing useful. */
function declaredMediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  return !type || type === 'application/json' || type === 'text/plain' || type === 'application/octet-stream' ? undefined : type;
}

/** The media type a manifest gives itself, for registries that answer a generic Content-Type. */
export function sniffManifestMediaType(bytes: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (!isObject(parsed)) return undefined;
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
    if (parsed.schemaVersion === 1) return Array.isArray(parsed.signatures) ? MediaType.dockerSchema1Signed : MediaType.dockerSchema1;
    if (Array.isArray(parsed.manifests)) return MediaType.ociIndex;
    if (isObject(parsed.config)) return MediaType.ociManifest;
  } catch {
    // not JSON: the caller's parser will say so
  }
  return undefined;
}

/** The bytes a manifest's digest is computed over: all of them, except for signed schema 1. */
export function digestedBytes(bytes: Buffer, mediaType: string): Buffer {
  if (mediaType === MediaType.dockerSchema1Signed || mediaType === MediaType.dockerSchema1) return schema1SignedPayload(bytes) ?? bytes;
  return bytes;
}

/**
 * HEAD: the digest a tag points at, without the body. Undefined when the registry does not say
 * (no `Docker-Content-Digest`, or HEAD not allowed): the caller GETs instead.
 */
export async function headManifest(transport: RegistryTransport, repository: Repository, reference: string, options: OperationOptions = {}): Promise<ManifestDescriptor | undefined> {
  const response = await transport.send({ method: 'HEAD', registry: repository.registry, repository: repository.repository, path: manifestPath(repository, reference), headers: { Accept: MANIFEST_ACCEPT } }, options);
  if (response.status === 405 || response.status === 501) return undefined;
  if (response.status !== 200) {
    throw await responseError(response, { what: `manifest ${reference}`, source: where(repository, reference), notFound: 'not-found', identity: await transport.auth.identity(repository.registry, repository.repository) });
  }
  await response.discard();
  const digest = response.header('docker-content-digest');
  const size = Number(response.header('content-length') ?? NaN);
  const mediaType = declaredMediaType(response.header('content-type'));
  if (!isDigest(digest) || !Number.isSafeInteger(size) || !mediaType) return undefined;
  if (isDigest(reference) && digest !== reference) {
    throw new ImageError('digest-mismatch', `the registry answered digest ${digest} for manifest ${reference}`, { source: where(repository, reference) });
  }
  return { digest, mediaType, size };
}

/**
 * GET a manifest by tag or digest. Its digest is always computed from the bytes and checked
 * against the digest asked for and against `Docker-Content-Digest`: a mismatch is an error.
 */
export async function getManifest(transport: RegistryTransport, repository: Repository, reference: string, options: OperationOptions = {}): Promise<FetchedManifest> {
  const source = where(repository, reference);
  const response = await transport.send({ method: 'GET', registry: repository.registry, repository: repository.repository, path: manifestPath(repository, reference), headers: { Accept: MANIFEST_ACCEPT } }, options);
  if (response.status !== 200) {
    throw await responseError(response, { what: `manifest ${reference}`, source, notFound: 'not-found', identity: await transport.auth.identity(repository.registry, repository.repository) });
  }
  const bytes = await response.bytes(ReadLimits.manifest, 'the manifest');
  const mediaType = declaredMediaType(response.header('content-type')) ?? sniffManifestMediaType(bytes) ?? '';
  const header = response.header('docker-content-digest');
  const expectations: Array<{ digest: string; from: string }> = [];
  if (isDigest(reference)) expectations.push({ digest: reference, from: 'the digest asked for' });
  if (isDigest(header)) expectations.push({ digest: header, from: 'the Docker-Content-Digest header' });
  const hashed = digestedBytes(bytes, mediaType);
  for (const expected of expectations) {
    const actual = digestOf(hashed, parseDigest(expected.digest).algorithm);
    if (actual !== expected.digest) {
      throw new ImageError('digest-mismatch', `manifest content does not match ${expected.from}: expected ${expected.digest}, actual ${actual}`, { source });
    }
  }
  return { digest: expectations[0]?.digest ?? digestOf(hashed), mediaType, size: bytes.length, bytes };
}
