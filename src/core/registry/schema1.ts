import { isObject } from '../model/json';

/**
 * A signed Docker schema 1 manifest (`…v1+prettyjws`) is digested without its signatures: the
 * payload is the first `formatLength` bytes plus the base64url `formatTail` that each
 * signature's protected header records (libtrust's JWS "pretty signature").
 */
export function schema1SignedPayload(bytes: Buffer): Buffer | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !Array.isArray(parsed.signatures) || parsed.signatures.length === 0) return undefined;
  let payload: Buffer | undefined;
  for (const signature of parsed.signatures) {
    if (!isObject(signature) || typeof signature.protected !== 'string') return undefined;
    let header: unknown;
    try {
      header = JSON.parse(Buffer.from(signature.protected, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isObject(header) || typeof header.formatLength !== 'number' || typeof header.formatTail !== 'string') return undefined;
    if (!Number.isSafeInteger(header.formatLength) || header.formatLength < 0 || header.formatLength > bytes.length) return undefined;
    const candidate = Buffer.concat([bytes.subarray(0, header.formatLength), Buffer.from(header.formatTail, 'base64url')]);
    // libtrust requires every signature to cover the same payload.
    if (payload && !payload.equals(candidate)) return undefined;
    payload = candidate;
  }
  return payload;
}
