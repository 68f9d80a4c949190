import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import { isObject } from '../model/json';
import { describeCredential, secretsOf, type FoundCredential } from './credentials';
import { allowsPlainHttp } from './hostPolicy';
import { redactSecrets, redactUrl } from './redact';
import { sendHttp, type HttpSettings } from './request';

/**
 * Docker's token authentication (distribution docs "Token Authentication Specification" and
 * "OAuth2 Token Authentication"): GET `realm?service=…&scope=…` with Basic credentials (or
 * none, for an anonymous token), or POST a refresh token when we hold an identity token.
 */

/** containers/image `maxAuthTokenBodySize`: a token answer is small; a huge one is hostile. */
export const TOKEN_BODY_LIMIT = 1024 * 1024;
/** The token spec: a token lives at least 60 s when `expires_in` is missing or smaller. */
const MINIMUM_LIFETIME_S = 60;
/** Renew a little early so a token does not expire between the check and the request. */
const EXPIRY_MARGIN_MS = 5_000;

export interface TokenRequest {
  realm: string;
  service?: string;
  scopes: string[];
  credential?: FoundCredential;
  /** The registry that sent the challenge: plain-HTTP realms are allowed only where the registry policy allows them. */
  insecureHosts: readonly string[];
  userAgent: string;
}

export interface Token {
  value: string;
  /** Epoch milliseconds after which the token is not used again. */
  expiresAt: number;
}

/** Refuses realms that would send credentials in clear text or to something that is not HTTP. */
export function checkRealm(realm: string, insecureHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new ImageError('unauthorized', `the registry's token realm "${realm.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowsPlainHttp(url.host, insecureHosts)) return url;
  throw new ImageError('unauthorized', `refusing the token realm ${redactUrl(url)}: it must be https (plain http only for localhost or --insecure-registry hosts)`);
}

export async function fetchToken(request: TokenRequest, http: HttpSettings, options: OperationOptions = {}): Promise<Token> {
  const realm = checkRealm(request.realm, request.insecureHosts);
  const { credential } = request;
  if (credential?.credential.kind === 'registry-token') return { value: credential.credential.token, expiresAt: Number.POSITIVE_INFINITY };
  const headers: Record<string, string> = { 'User-Agent': request.userAgent, Accept: 'application/json' };
  const url = new URL(realm);
  let body: string | undefined;
  if (credential?.credential.kind === 'identity-token') {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.credential.token, client_id: 'container-image-explorer' });
    if (request.service) form.set('service', request.service);
    if (request.scopes.length > 0) form.set('scope', request.scopes.join(' '));
    body = form.toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else {
    if (request.service) url.searchParams.set('service', request.service);
    for (const scope of request.scopes) url.searchParams.append('scope', scope);
    if (credential?.credential.kind === 'basic') {
      url.searchParams.set('account', credential.credential.username);
      headers.Authorization = `Basic ${Buffer.from(`${credential.credential.username}:${credential.credential.password}`).toString('base64')}`;
    }
  }
  const response = await sendHttp({ method: body === undefined ? 'GET' : 'POST', url, headers, body }, http, options);
  const where = `the token server ${redactUrl(realm)}`;
  if (response.status === 401 || response.status === 403) {
    const detail = redactSecrets((await response.bytes(TOKEN_BODY_LIMIT, 'token error').catch(() => Buffer.alloc(0))).toString('utf8').trim().slice(0, 200), secretsOf(credential));
    throw new ImageError('unauthorized', `${where} refused ${describeCredential(credential)} (HTTP ${response.status}${detail ? `: ${detail}` : ''})${credential ? '; check the password or log in again' : '; log in first (docker login / podman login)'}`);
  }
  if (response.status !== 200) {
    await response.discard();
    throw new ImageError('network', `${where} answered HTTP ${response.status}${response.attempts > 1 ? ` after ${response.attempts} attempts` : ''}`);
  }
  const bytes = await response.bytes(TOKEN_BODY_LIMIT, 'the token answer');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ImageError('unauthorized', `${where} answered something that is not JSON`);
  }
  if (!isObject(parsed)) throw new ImageError('unauthorized', `${where} answered JSON that is not an object`);
  const value = typeof parsed.token === 'string' && parsed.token !== '' ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : '';
  if (value === '') throw new ImageError('unauthorized', `${where} answered without a token`);
  const lifetime = typeof parsed.expires_in === 'number' && parsed.expires_in > MINIMUM_LIFETIME_S ? parsed.expires_in : MINIMUM_LIFETIME_S;
  return { value, expiresAt: Date.now() + lifetime * 1000 - EXPIRY_MARGIN_MS };
}

/** Tokens by realm, service, scopes and identity, until they expire; one request per key at a time. */
export class TokenCache {
  private readonly tokens = new Map<string, Promise<Token>>();

  constructor(private readonly now: () => number = Date.now) {}

  static key(request: Pick<TokenRequest, 'realm' | 'service' | 'scopes' | 'credential'>): string {
    const who = request.credential ? `${request.credential.from}|${describeCredential(request.credential)}` : 'anonymous';
    return JSON.stringify([request.realm, request.service ?? '', [...request.scopes].sort(), who]);
  }

  async get(key: string, fetcher: () => Promise<Token>): Promise<Token> {
    const cached = this.tokens.get(key);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresAt > this.now()) return token;
      if (this.tokens.get(key) === cached) this.tokens.delete(key);
    }
    const pending = fetcher();
    this.tokens.set(key, pending);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return pending;
  }

  invalidate(key: string): void {
    this.tokens.delete(key);
  }
}
