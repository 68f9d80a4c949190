import { ImageError, type ImageErrorCode } from '../errors';
import { isObject } from '../model/json';
import type { HttpResponse } from './request';

/** How much of an error body is read: registries answer small JSON errors. */
const ERROR_BODY_LIMIT = 64 * 1024;

/** The distribution spec's error body (`{"errors":[{"code","message","detail"}]}`) in one line. */
export function describeErrorBody(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed) && Array.isArray(parsed.errors)) {
      const parts = parsed.errors.filter(isObject).map((entry) => [entry.code, entry.message].filter((part) => typeof part === 'string' && part !== '').join(' '));
      if (parts.length > 0) return parts.join('; ').slice(0, 300);
    }
  } catch {
    // not JSON: the text itself, shortened
  }
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}

export interface ErrorContext {
  /** What was asked, e.g. `manifest latest` or `blob sha256:…`. */
  what: string;
  /** The reference or repository, for ImageError.source. */
  source: string;
  /** The code for a 404 (`not-found` for manifests and tags, `missing-blob` for blobs). */
  notFound?: ImageErrorCode;
  /** Who we were (`user 'alice' (from …)`), for 401/403. */
  identity?: string;
}

/** Turns an unsuccessful answer into an error that says what was asked, what came back and what to do. */
export async function responseError(response: HttpResponse, context: ErrorContext): Promise<ImageError> {
  const text = response.request.method === 'HEAD' ? '' : await response.bytes(ERROR_BODY_LIMIT, 'error body').then((bytes) => bytes.toString('utf8')).catch(() => '');
  const detail = describeErrorBody(text);
  const status = `HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
  const retried = response.attempts > 1 ? ` after ${response.attempts} attempts` : '';
  const where = { source: context.source };
  switch (response.status) {
    case 401:
    case 403:
      return new ImageError('unauthorized', `${context.what}: the registry refused ${context.identity ?? 'the request'} (${status}); check the name, or log in (docker login / podman login) with an account that may pull it`, where);
    case 404:
      return new ImageError(context.notFound ?? 'not-found', `${context.what}: not found (${status})`, where);
    case 429:
      return new ImageError('network', `${context.what}: the registry is rate limiting us (${status})${retried}; try again later`, where);
    default:
      if (response.status >= 500) return new ImageError('network', `${context.what}: the registry failed (${status})${retried}`, where);
      return new ImageError('network', `${context.what}: unexpected answer (${status})`, where);
  }
}
