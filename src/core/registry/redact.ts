/**
 * Secrets never reach a message: URLs lose their user info and query (pre-signed blob URLs carry
 * signatures there), and known secret values are masked wherever they appear.
 */

export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return '<unparseable URL>';
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

/** Replaces each secret (at least 4 characters, to avoid masking common words) with `***`. */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 4) result = result.split(secret).join('***');
  }
  return result;
}
