import type { Readable } from 'node:stream';
import type { OperationOptions } from '../cancellation';
import { defaultCredentialProvider } from './authFiles';
import { headBlob, openBlob, type OpenBlobOptions } from './blob';
import type { CredentialProvider } from './credentials';
import { parseHostList } from './hostPolicy';
import { getManifest, headManifest, type FetchedManifest, type ManifestDescriptor, type Repository } from './manifest';
import { ping, type PingResult } from './ping';
import { listReferrers, type Referrers } from './referrers';
import { DEFAULT_HTTP, type HttpSettings } from './request';
import { firstTagPage, listTagPage, listTags, type ListTagsOptions, type TagPage } from './tag';
import { RegistryTransport } from './transport';

/**
 * The distribution API in one place (regclient's `scheme` idea): each method is one concern of
 * the spec, implemented in its own file. Every method takes an AbortSignal that aborts the
 * request in flight.
 */
export interface RegistryClientOptions {
  /** Hosts (or host:port) that may be reached over plain HTTP besides localhost. */
  insecureHosts?: readonly string[];
  /** Where credentials come from; default: Docker's config.json and podman's auth.json. */
  credentials?: CredentialProvider;
  http?: Partial<HttpSettings>;
  userAgent?: string;
}

export const USER_AGENT = 'container-image-explorer/0.1';

export class RegistryClient {
  readonly transport: RegistryTransport;

  constructor(options: RegistryClientOptions = {}) {
    this.transport = new RegistryTransport({
      insecureHosts: options.insecureHosts ?? [],
      credentials: options.credentials ?? defaultCredentialProvider(),
      http: { ...DEFAULT_HTTP, ...options.http },
      userAgent: options.userAgent ?? USER_AGENT,
    });
  }

  /** `GET /v2/`: reachable, and which authentication it asks for. */
  ping(registry: string, options?: OperationOptions): Promise<PingResult> {
    return ping(this.transport, registry, options);
  }

  /** The digest, media type and size a tag or digest resolves to, without the body (undefined if the registry will not say). */
  headManifest(repository: Repository, reference: string, options?: OperationOptions): Promise<ManifestDescriptor | undefined> {
    return headManifest(this.transport, repository, reference, options);
  }

  /** A manifest's exact bytes, verified against its digest. */
  getManifest(repository: Repository, reference: string, options?: OperationOptions): Promise<FetchedManifest> {
    return getManifest(this.transport, repository, reference, options);
  }

  /** A blob's size, or undefined when the repository does not have it. */
  headBlob(repository: Repository, digest: string, options?: OperationOptions): Promise<{ size: number } | undefined> {
    return headBlob(this.transport, repository, digest, options);
  }

  /** A blob's bytes (verified while streaming), or a byte range of them. */
  openBlob(repository: Repository, digest: string, blob?: OpenBlobOptions, options?: OperationOptions): Promise<Readable> {
    return openBlob(this.transport, repository, digest, blob, options);
  }

  /** Every tag, across `Link` pages. */
  listTags(repository: Repository, list?: ListTagsOptions, options?: OperationOptions): Promise<string[]> {
    return listTags(this.transport, repository, list, options);
  }

  /** One page of tags: from the first (`page` omitted) or from a previous page's `next`. */
  listTagPage(repository: Repository, page?: string, list?: ListTagsOptions, options?: OperationOptions): Promise<TagPage> {
    return listTagPage(this.transport, repository, page ?? firstTagPage(repository, list), options);
  }

  /** Manifests whose `subject` is `digest` (referrers API, else the `sha256-<hex>` tag). */
  referrers(repository: Repository, digest: string, artifactType?: string, options?: OperationOptions): Promise<Referrers> {
    return listReferrers(this.transport, repository, digest, artifactType, options);
  }
}

/** `CIE_INSECURE_REGISTRIES` (comma- or space-separated hosts). */
export function insecureHostsFromEnvironment(env: Record<string, string | undefined> = process.env): string[] {
  return parseHostList(env.CIE_INSECURE_REGISTRIES);
}
