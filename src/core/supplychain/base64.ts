/**
 * Strict base64 decoding. Node's `Buffer.from(text, 'base64')` skips characters it does not know,
 * so a corrupt payload would decode to garbage silently; here a bad character is a problem to report.
 */
export type Base64Result = { bytes: Buffer; problem?: undefined } | { bytes?: undefined; problem: string };

const STANDARD = /[^A-Za-z0-9+/]/;
const URL_SAFE = /[^A-Za-z0-9_-]/;
const WHITESPACE = /\s+/g;

/** Decodes RFC 4648 base64 (`standard`, as DSSE and PEM use) or base64url (`url`, as JWS uses); padding optional. */
export function decodeBase64(value: unknown, what: string, alphabet: 'standard' | 'url' = 'standard'): Base64Result {
  if (typeof value !== 'string') return { problem: `${what} is ${value === undefined ? 'missing' : `not a string (${typeof value})`}` };
  const text = /\s/.test(value) ? value.replace(WHITESPACE, '') : value;
  const unpadded = text.replace(/={1,2}$/, '');
  const bad = (alphabet === 'standard' ? STANDARD : URL_SAFE).exec(unpadded);
  if (bad) {
    return { problem: `${what} is not valid base64${alphabet === 'url' ? 'url' : ''}: character ${bad.index + 1} is ${JSON.stringify(bad[0])}` };
  }
  if (unpadded.length % 4 === 1 || (text.length !== unpadded.length && text.length % 4 !== 0)) {
    return { problem: `${what} is not valid base64: its length (${text.length} characters) cannot be a whole number of bytes` };
  }
  return { bytes: Buffer.from(unpadded, alphabet === 'url' ? 'base64url' : 'base64') };
}
