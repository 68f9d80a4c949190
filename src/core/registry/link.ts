import { ImageError } from '../errors';
import { redactUrl } from './redact';

/**
 * RFC 8288 `Link` headers as registries send them for pagination:
 * `</v2/name/tags/list?last=b&n=2>; rel="next"`. Returns the `rel=next` target resolved
 * against the request URL, refused if it leaves the registry (it would carry our token).
 */
export function nextLink(header: string | undefined, requestUrl: string): URL | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (!relations.includes('next')) continue;
    const base = new URL(requestUrl);
    const next = new URL(match[1], base);
    if (next.origin !== base.origin) throw new ImageError('network', `the registry's next page link points to another host (${redactUrl(next)}); refusing to follow it`);
    return next;
  }
  return undefined;
}
