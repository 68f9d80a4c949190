import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import { Authenticator } from './auth';
import type { CredentialProvider } from './credentials';
import { allowsPlainHttp } from './hostPolicy';
import { redactUrl } from './redact';
import { apiHost } from './reference';
import { isPlainHttpAnswer, isTlsFailure, sendHttp, type HttpResponse, type HttpSettings } from './request';

/**
 * Requests to one registry's distribution API: chooses https (plain http only where the host
 * policy allows it, after the TLS attempt meets a plain-HTTP server, as the Docker daemon does for
 * insecure registries), authenticates on 401, and follows redirects by hand so `Authorization`
 * never reaches another host (go-containerregistry bearer.go's rule).
 */
export interface TransportSettings {
  insecureHosts: readonly string[];
  credentials?: CredentialProvider;
  http: HttpSettings;
  userAgent: string;
}

export interface RegistryCall {
  method: 'GET' | 'HEAD';
  /** The registry as named in the reference (`docker.io`); its API host is derived. */
  registry: string;
  /** For the credential lookup and the default scope `repository:<repository>:pull`. */
  repository?: string;
  /** `/v2/…`, query included. */
  path: string;
  headers?: Record<string, string>;
  /** Send without authenticating, and do not learn from a 401 (the ping). */
  anonymous?: boolean;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

export class RegistryTransport {
  readonly auth: Authenticator;
  /** The scheme each API host answered on. */
  private readonly schemes = new Map<string, 'https:' | 'http:'>();

  constructor(readonly settings: TransportSettings) {
    this.auth = new Authenticator(settings);
  }

  /** The registry's API origin as far as known (https until a plain-HTTP answer was seen). */
  origin(registry: string): string {
    const host = apiHost(registry);
    return `${this.schemes.get(host) ?? 'https:'}//${host}`;
  }

  async send(call: RegistryCall, options: OperationOptions = {}): Promise<HttpResponse> {
    const scope = call.repository ? `repository:${call.repository}:pull` : undefined;
    let url = new URL(call.path, this.origin(call.registry));
    const registryOrigin = () => this.origin(call.registry);
    let authorization = call.anonymous ? undefined : await this.auth.authorization(call.registry, call.repository, scope, options);
    let authRetried = false;
    for (let redirects = 0; ; ) {
      const onRegistry = url.origin === new URL(registryOrigin()).origin;
      const headers: Record<string, string> = { 'User-Agent': this.settings.userAgent, ...call.headers };
      if (authorization && onRegistry) headers.Authorization = authorization;
      const response = await this.sendChoosingScheme(call.registry, { method: call.method, url, headers }, options);
      url = new URL(response.request.url);
      if (response.status === 401 && onRegistry && !call.anonymous && !authRetried) {
        const challenge = this.auth.learn(call.registry, response.header('www-authenticate'));
        if (challenge) {
          await response.discard();
          authRetried = true;
          if (authorization) await this.auth.forget(call.registry, call.repository, scope);
          authorization = await this.auth.authorization(call.registry, call.repository, scope, options);
          continue;
        }
      }
      const location = response.header('location');
      if (REDIRECT_STATUSES.has(response.status) && location) {
        await response.discard();
        if (++redirects > MAX_REDIRECTS) throw new ImageError('network', `${call.method} ${redactUrl(url)}: more than ${MAX_REDIRECTS} redirects`);
        const next = new URL(location, url);
        if (next.protocol !== 'https:' && !(next.protocol === 'http:' && allowsPlainHttp(next.host, this.settings.insecureHosts))) {
          throw new ImageError('network', `${call.method} ${redactUrl(url)}: refusing to follow a redirect to ${redactUrl(next)} (only https, or http to localhost and --insecure-registry hosts)`);
        }
        url = next;
        continue;
      }
      return response;
    }
  }

  /** Sends; the first request to an insecure-allowed host that meets a plain-HTTP server switches it to http. */
  private async sendChoosingScheme(registry: string, request: { method: 'GET' | 'HEAD'; url: URL; headers: Record<string, string> }, options: OperationOptions): Promise<HttpResponse> {
    const host = request.url.host;
    const known = this.schemes.get(host);
    try {
      const response = await sendHttp(request, this.settings.http, options);
      if (!known) this.schemes.set(host, request.url.protocol === 'http:' ? 'http:' : 'https:');
      return response;
    } catch (error) {
      const cause = error instanceof ImageError ? error.cause : undefined;
      if (!known && request.url.protocol === 'https:' && host === apiHost(registry) && isPlainHttpAnswer(cause)) {
        if (allowsPlainHttp(host, this.settings.insecureHosts)) {
          this.schemes.set(host, 'http:');
          const url = new URL(request.url);
          url.protocol = 'http:';
          return this.sendChoosingScheme(registry, { ...request, url }, options);
        }
        throw new ImageError('network', `${host} answered in plain HTTP, not HTTPS; if you trust it, allow it with --insecure-registry ${host} (or CIE_INSECURE_REGISTRIES)`, { cause: error });
      }
      if (isTlsFailure(cause) && error instanceof ImageError) {
        throw new ImageError('network', `${error.message}; the TLS connection to ${host} failed (certificates are always verified)`, { cause: error });
      }
      throw error;
    }
  }
}
