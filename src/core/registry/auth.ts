import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import { parseChallenges, type Challenge } from './challenge';
import { describeCredential, type CredentialProvider, type FoundCredential } from './credentials';
import type { HttpSettings } from './request';
import { fetchToken, TokenCache } from './token';

/**
 * Per-registry authentication, learnt the way the Docker CLI learns it: send anonymously, read
 * the 401's challenges, then send Basic credentials or a Bearer token for the request's scope.
 */
export interface AuthSettings {
  credentials?: CredentialProvider;
  insecureHosts: readonly string[];
  http: HttpSettings;
  userAgent: string;
}

export class Authenticator {
  private readonly challenges = new Map<string, Challenge>();
  private readonly found = new Map<string, Promise<FoundCredential | undefined>>();
  private readonly tokens = new TokenCache();

  constructor(private readonly settings: AuthSettings) {}

  /** The credential for a registry (and repository), looked up once per process. */
  credential(registry: string, repository: string | undefined, options: OperationOptions = {}): Promise<FoundCredential | undefined> {
    const key = `${registry}/${repository ?? ''}`;
    let pending = this.found.get(key);
    if (!pending) {
      pending = this.settings.credentials ? this.settings.credentials({ registry, repository }, options) : Promise.resolve(undefined);
      this.found.set(key, pending);
      pending.catch(() => this.found.delete(key));
    }
    return pending;
  }

  /** Who we are to this registry, for error messages. */
  async identity(registry: string, repository: string | undefined, options: OperationOptions = {}): Promise<string> {
    return describeCredential(await this.credential(registry, repository, options).catch(() => undefined));
  }

  /** Whether a 401 taught us something: a challenge we can answer. */
  learn(registry: string, header: string | undefined): Challenge | undefined {
    const challenges = parseChallenges(header);
    const chosen = challenges.find((challenge) => challenge.scheme === 'bearer' && challenge.params.realm) ?? challenges.find((challenge) => challenge.scheme === 'basic');
    if (chosen) this.challenges.set(registry, chosen);
    return chosen;
  }

  /** Forgets the cached token a failed request used, so the retry asks for a new one. */
  async forget(registry: string, repository: string | undefined, scope: string | undefined): Promise<void> {
    const challenge = this.challenges.get(registry);
    if (challenge?.scheme !== 'bearer') return;
    const credential = await this.credential(registry, repository).catch(() => undefined);
    this.tokens.invalidate(TokenCache.key(this.tokenRequest(challenge, scope, credential)));
  }

  /** The Authorization header for a request, or undefined to send it anonymously (nothing learnt yet). */
  async authorization(registry: string, repository: string | undefined, scope: string | undefined, options: OperationOptions = {}): Promise<string | undefined> {
    const challenge = this.challenges.get(registry);
    if (!challenge) return undefined;
    const credential = await this.credential(registry, repository, options);
    if (challenge.scheme === 'basic') {
      if (credential?.credential.kind !== 'basic') {
        throw new ImageError('unauthorized', `${registry} asks for a user name and password (HTTP Basic) and ${credential ? `${describeCredential(credential)} is not one` : 'none is stored; log in with docker login or podman login'}`);
      }
      const { username, password } = credential.credential;
      return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const request = this.tokenRequest(challenge, scope, credential);
    const token = await this.tokens.get(TokenCache.key(request), () => fetchToken(request, this.settings.http, options));
    return `Bearer ${token.value}`;
  }

  private tokenRequest(challenge: Challenge, scope: string | undefined, credential: FoundCredential | undefined) {
    // Our own scope (repository:NAME:pull); the challenge's only when we have none (e.g. /v2/).
    const scopes = scope ? [scope] : (challenge.params.scope ?? '').split(' ').filter((entry) => entry !== '');
    return { realm: challenge.params.realm, service: challenge.params.service, scopes, credential, insecureHosts: this.settings.insecureHosts, userAgent: this.settings.userAgent };
  }
}
