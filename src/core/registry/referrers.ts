import type { OperationOptions } from '../cancellation';
import { throwIfCancelled } from '../cancellation';
import { parseDigest } from '../digest';
import { ImageError, isImageError } from '../errors';
import type { Descriptor } from '../model/descriptor';
import { parseImageDocument } from '../model/manifest';
import { isIndexMediaType, MediaType } from '../model/mediaTypes';
import { ReadLimits } from '../sources/limits';
import { responseError } from './apiErrors';
import { nextLink } from './link';
import { getManifest, type Repository } from './manifest';
import type { RegistryTransport } from './transport';

/**
 * OCI distribution 1.1 "Listing Referrers": `GET /v2/<name>/referrers/<digest>` answers an
 * image index of the manifests whose `subject` is the digest. A registry without the API answers
 * 404; then the referrers tag schema applies: an index tagged `<alg>-<ref>`.
 */
export interface Referrers {
  descriptors: Descriptor[];
  /** How they were found: the referrers API, the fallback tag, or neither exists. */
  via: 'api' | 'tag-schema' | 'none';
}

const MAX_PAGES = 100;

/** `sha256-<hex>`: the spec's `<alg>-<ref>`, the reference part limited to 64 characters. */
export function referrersTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex.slice(0, 64)}`;
}

function filter(descriptors: Descriptor[], artifactType: string | undefined): Descriptor[] {
  return artifactType === undefined ? descriptors : descriptors.filter((descriptor) => descriptor.artifactType === artifactType);
}

function indexManifests(bytes: Buffer, source: string, subject: string): Descriptor[] {
  const document = parseImageDocument(bytes, MediaType.ociIndex, { source, subject });
  if (document.type !== 'index') throw new ImageError('bad-json', 'the referrers answer is not an image index', { source, subject });
  return document.manifests;
}

export async function listReferrers(transport: RegistryTransport, repository: Repository, digest: string, artifactType?: string, options: OperationOptions = {}): Promise<Referrers> {
  const source = `${repository.registry}/${repository.repository}`;
  parseDigest(digest, { source });
  const descriptors: Descriptor[] = [];
  let path: string | undefined = `/v2/${repository.repository}/referrers/${digest}${artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : ''}`;
  for (let page = 0; path !== undefined; page++) {
    throwIfCancelled(options.signal, 'listing referrers');
    if (page >= MAX_PAGES) throw new ImageError('too-large', `the registry kept paginating after ${MAX_PAGES} pages of referrers`, { source, subject: digest });
    const response = await transport.send({ method: 'GET', registry: repository.registry, repository: repository.repository, path, headers: { Accept: MediaType.ociIndex } }, options);
    const contentType = response.header('content-type')?.split(';')[0].trim();
    // go-containerregistry's rule: 404 (spec), 400 and 406, or a 200 that is not an index, mean "no API".
    const noApi = response.status === 404 || response.status === 400 || response.status === 406 || (response.status === 200 && !isIndexMediaType(contentType));
    if (noApi && page === 0) {
      await response.discard();
      return fallback(transport, repository, digest, artifactType, options);
    }
    if (response.status !== 200) throw await responseError(response, { what: `referrers of ${digest}`, source, identity: await transport.auth.identity(repository.registry, repository.repository) });
    const found = indexManifests(await response.bytes(ReadLimits.manifest, 'the referrers index'), source, digest);
    const applied = (response.header('oci-filters-applied') ?? '').split(',').map((entry) => entry.trim());
    descriptors.push(...(applied.includes('artifactType') ? found : filter(found, artifactType)));
    const next = nextLink(response.header('link'), response.request.url.toString());
    path = next ? `${next.pathname}${next.search}` : undefined;
  }
  return { descriptors, via: 'api' };
}

async function fallback(transport: RegistryTransport, repository: Repository, digest: string, artifactType: string | undefined, options: OperationOptions): Promise<Referrers> {
  const tag = referrersTag(digest);
  try {
    const manifest = await getManifest(transport, repository, tag, options);
    return { descriptors: filter(indexManifests(manifest.bytes, `${repository.registry}/${repository.repository}:${tag}`, digest), artifactType), via: 'tag-schema' };
  } catch (error) {
    if (isImageError(error, 'not-found')) return { descriptors: [], via: 'none' };
    throw error;
  }
}
