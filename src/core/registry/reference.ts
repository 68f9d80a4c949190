import { isDigest } from '../digest';
import { ImageError } from '../errors';

/**
 * An image reference, normalised the way the Docker CLI does it (distribution's `reference`
 * package, `ParseNormalizedNamed`): `alpine` is `docker.io/library/alpine:latest`.
 */
export interface Reference {
  /** The registry as people name it: `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
  registry: string;
  /** The repository path inside the registry: `library/alpine`, `o/r`. */
  repository: string;
  /** The tag; `latest` when neither a tag nor a digest was given. */
  tag?: string;
  /** `sha256:…`; when present it, not the tag, decides what is fetched. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** Docker Hub's API lives on another host than its name (distribution's `DefaultRegistryHost`). */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const DEFAULT_TAG = 'latest';
/** distribution/reference `NameTotalLengthMax`: registry + `/` + repository. */
const NAME_MAX = 255;

// distribution/reference regexp.go, anchored pieces.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const ANY_DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

function invalid(input: string, problem: string): ImageError {
  return new ImageError('invalid-reference', `invalid reference "${input.slice(0, 300)}": ${problem}`);
}

/** Strips the optional `docker://` transport prefix (skopeo's spelling). */
export function stripTransport(input: string): string {
  return input.startsWith('docker://') ? input.slice('docker://'.length) : input;
}

/** Parses and normalises a reference; throws an `invalid-reference` error that says what is wrong. */
export function parseReference(input: string): Reference {
  const { reference, explicitTag } = parseParts(input);
  if (!explicitTag && reference.digest === undefined) reference.tag = DEFAULT_TAG;
  return reference;
}

function parseParts(input: string): { reference: Reference; explicitTag: boolean } {
  const text = stripTransport(input);
  if (text === '') throw invalid(input, 'it is empty');
  if (/\s/.test(text)) throw invalid(input, 'it contains white space');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw invalid(input, 'references have no URL scheme (write host/repository:tag, or docker://host/repository:tag)');

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!ANY_DIGEST.test(digest)) throw invalid(input, `"${digest.slice(0, 150)}" is not a digest (expected sha256:<64 hex digits>)`);
    const supported: boolean = isDigest(digest);
    if (!supported) throw invalid(input, `digest "${digest.slice(0, 150)}" is not supported (expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>)`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/') && !rest.endsWith(']')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(input, tag === '' ? 'the tag after ":" is empty' : `tag "${tag.slice(0, 150)}" is not valid (letters, digits, _ . - only, at most 128, not starting with . or -)`);
  }
  if (rest === '') throw invalid(input, 'the repository name is empty');

  const { registry, repository } = splitRegistry(rest);
  if (!DOMAIN.test(registry)) throw invalid(input, `registry "${registry}" is not a host name, IP address or host:port`);
  if (repository === '') throw invalid(input, 'the repository name is empty');
  if (repository !== repository.toLowerCase()) throw invalid(input, 'repository names must be lowercase');
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(input, component === '' ? 'the repository path has an empty component (a doubled or trailing "/")' : `repository path component "${component}" is not valid (lowercase letters and digits, separated by . _ __ or -)`);
    }
  }
  const nameLength = registry.length + 1 + repository.length;
  if (nameLength > NAME_MAX) throw invalid(input, `the name is ${nameLength} characters, more than ${NAME_MAX}`);
  const reference: Reference = { registry, repository };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return { reference, explicitTag: tag !== undefined };
}

/** Whether `input` parses as a reference (no exception). */
export function isReference(input: string): boolean {
  try {
    parseReference(input);
    return true;
  } catch {
    return false;
  }
}

/** distribution's `splitDockerDomain`: the first component is a registry only if it looks like a host. */
function splitRegistry(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  let registry: string;
  let repository: string;
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first === first.toLowerCase())) {
    registry = DOCKER_HUB;
    repository = name;
  } else {
    registry = first;
    repository = name.slice(slash + 1);
  }
  if (registry === LEGACY_DOCKER_HUB) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository };
}

/** `registry/repository[:tag][@digest]`, the normalised string. */
export function formatReference(reference: Reference): string {
  let text = `${reference.registry}/${reference.repository}`;
  if (reference.tag !== undefined) text += `:${reference.tag}`;
  if (reference.digest !== undefined) text += `@${reference.digest}`;
  return text;
}

/** `registry/repository`, the name without tag or digest. */
export function repositoryName(reference: Pick<Reference, 'registry' | 'repository'>): string {
  return `${reference.registry}/${reference.repository}`;
}

/** The host (and port) the distribution API is served from. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/** What to ask the registry for: the digest when there is one, else the tag. */
export function manifestReference(reference: Reference): string {
  return reference.digest ?? reference.tag ?? DEFAULT_TAG;
}

/** Parses a repository (for `tags`): a reference without tag or digest; `alpine` is `docker.io/library/alpine`. */
export function parseRepository(input: string): Pick<Reference, 'registry' | 'repository'> {
  const { reference, explicitTag } = parseParts(input);
  if (explicitTag || reference.digest !== undefined) throw invalid(input, 'a repository has no tag or digest (write host/repository)');
  return { registry: reference.registry, repository: reference.repository };
}
