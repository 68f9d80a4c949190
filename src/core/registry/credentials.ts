import type { OperationOptions } from '../cancellation';

/** What a registry login gives us (Docker's `types.AuthConfig`, reduced to what we send). */
export type Credential =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token (`identitytoken`; helpers answer Username `<token>`). */
  | { kind: 'identity-token'; username?: string; token: string }
  /** A bearer token sent as is (`registrytoken`). */
  | { kind: 'registry-token'; token: string };

export interface FoundCredential {
  credential: Credential;
  /** Where it came from, for messages: `~/.docker/config.json`, `docker-credential-pass`, `VS Code secret storage`. */
  from: string;
}

export interface CredentialQuery {
  /** The registry as in the reference: `docker.io`, `ghcr.io`, `localhost:5000`. */
  registry: string;
  /** The repository, for stores keyed by namespace (podman's auth.json allows `quay.io/org`). */
  repository?: string;
}

/**
 * The pluggable hook: the CLI reads Docker's and podman's files, the VS Code adapter puts its
 * secret storage in front. Answers undefined when it has nothing for the registry.
 */
export type CredentialProvider = (query: CredentialQuery, options?: OperationOptions) => Promise<FoundCredential | undefined>;

/** The first provider that answers wins. */
export function chainCredentialProviders(...providers: Array<CredentialProvider | undefined>): CredentialProvider {
  const present = providers.filter((provider): provider is CredentialProvider => provider !== undefined);
  return async (query, options) => {
    for (const provider of present) {
      const found = await provider(query, options);
      if (found) return found;
    }
    return undefined;
  };
}

/** `user 'alice' (from ~/.docker/config.json)`: who we said we were, without the secret. */
export function describeCredential(found: FoundCredential | undefined): string {
  if (!found) return 'anonymous access';
  const { credential } = found;
  const who = credential.kind === 'basic' ? `user '${credential.username}'` : credential.kind === 'identity-token' ? `the identity token${credential.username ? ` of '${credential.username}'` : ''}` : 'a registry token';
  return `${who} (from ${found.from})`;
}

/** The secret values of a credential, for redaction. */
export function secretsOf(found: FoundCredential | undefined): string[] {
  if (!found) return [];
  const { credential } = found;
  return credential.kind === 'basic' ? [credential.password, Buffer.from(`${credential.username}:${credential.password}`).toString('base64')] : [credential.token];
}
