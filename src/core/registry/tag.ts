import type { OperationOptions } from '../cancellation';
import { throwIfCancelled } from '../cancellation';
import { ImageError } from '../errors';
import { isObject } from '../model/json';
import { responseError } from './apiErrors';
import { nextLink } from './link';
import type { Repository } from './manifest';
import type { RegistryTransport } from './transport';

/** A page of tags is small JSON; a huge one is refused. */
const TAG_PAGE_LIMIT = 16 * 1024 * 1024;
/** Bounded pagination: a registry whose `Link` never ends cannot keep us looping. */
const MAX_PAGES = 1000;

export interface ListTagsOptions {
  /** `n`, the page size asked for (registries may cap it). */
  pageSize?: number;
}

/** One page of tags and where the next one is (a path on the same registry), if there is one. */
export interface TagPage {
  tags: string[];
  next?: string;
}

/** Every tag of a repository (`GET /v2/<name>/tags/list`), following `Link: <…>; rel="next"`. */
export async function listTags(transport: RegistryTransport, repository: Repository, list: ListTagsOptions = {}, options: OperationOptions = {}): Promise<string[]> {
  const tags: string[] = [];
  let next: string | undefined = firstTagPage(repository, list);
  for (let page = 0; next !== undefined; page++) {
    if (page >= MAX_PAGES) throw new ImageError('too-large', `the registry kept paginating after ${MAX_PAGES} pages of tags`, { source: `${repository.registry}/${repository.repository}` });
    const fetched = await listTagPage(transport, repository, next, options);
    tags.push(...fetched.tags);
    next = fetched.next;
  }
  return tags;
}

/** The path of the first page of tags (`?n=` when a page size is asked for). */
export function firstTagPage(repository: Repository, list: ListTagsOptions = {}): string {
  return `/v2/${repository.repository}/tags/list${list.pageSize ? `?n=${list.pageSize}` : ''}`;
}

/** One page of the tag list: `path` is `firstTagPage(…)` or a previous page's `next`. */
export async function listTagPage(transport: RegistryTransport, repository: Repository, path: string, options: OperationOptions = {}): Promise<TagPage> {
  const source = `${repository.registry}/${repository.repository}`;
  throwIfCancelled(options.signal, 'listing tags');
  if (!path.startsWith(`/v2/${repository.repository}/tags/list`)) throw new ImageError('usage', `${path} is not a tag list page of ${source}`, { source });
  const response = await transport.send({ method: 'GET', registry: repository.registry, repository: repository.repository, path }, options);
  if (response.status !== 200) throw await responseError(response, { what: 'tag list', source, notFound: 'not-found', identity: await transport.auth.identity(repository.registry, repository.repository) });
  const bytes = await response.bytes(TAG_PAGE_LIMIT, 'a page of tags');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ImageError('bad-json', 'the tag list is not JSON', { source });
  }
  if (!isObject(parsed)) throw new ImageError('bad-json', 'the tag list is not a JSON object', { source });
  // `"tags": null` is what distribution answers for a repository without tags.
  if (parsed.tags !== null && parsed.tags !== undefined && !Array.isArray(parsed.tags)) throw new ImageError('bad-json', 'the tag list\'s "tags" is not an array', { source });
  const tags = ((parsed.tags as unknown[] | null | undefined) ?? []).filter((tag): tag is string => typeof tag === 'string');
  const next = nextLink(response.header('link'), response.request.url.toString());
  return next ? { tags, next: `${next.pathname}${next.search}` } : { tags };
}
