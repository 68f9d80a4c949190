import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultCredentialProvider } from '../core/registry/authFiles';
import { BlobCache, DEFAULT_CACHE_LIMIT } from '../core/registry/blobCache';
import { RegistryClient } from '../core/registry/client';
import { chainCredentialProviders, type CredentialProvider, type FoundCredential } from '../core/registry/credentials';
import { formatReference, parseReference } from '../core/registry/reference';
import type { OpenSourceOptions } from '../core/sources/openSource';

const SECRET_PREFIX = 'containerImageExplorer.registry.';
const RECENT_KEY = 'containerImageExplorer.recentReferences';
const MIB = 1024 * 1024;

/**
 * Everything the registry source needs from VS Code: credentials typed into the UI (kept in
 * SecretStorage, never in settings or logs), the insecure-hosts setting, a disk cache in the
 * extension's own storage, and the list of recent references.
 */
export class RegistryAccess {
  private client?: RegistryClient;
  private clientHosts = '';
  private blobCache?: BlobCache;

  constructor(private readonly context: vscode.ExtensionContext) {}

  private secretProvider(): CredentialProvider {
    return async ({ registry }) => {
      const stored = await this.context.secrets.get(SECRET_PREFIX + registry);
      if (!stored) return undefined;
      const { username, password } = JSON.parse(stored) as { username: string; password: string };
      const found: FoundCredential = { credential: { kind: 'basic', username, password }, from: 'VS Code secret storage' };
      return found;
    };
  }

  /** Options for openSource; the client (tokens, learnt schemes) and the cache are shared until the settings change. */
  openOptions(): OpenSourceOptions {
    const insecureHosts = vscode.workspace.getConfiguration('containerImageExplorer').get<string[]>('insecureRegistries', []);
    if (!this.client || this.clientHosts !== insecureHosts.join(',')) {
      this.clientHosts = insecureHosts.join(',');
      this.client = new RegistryClient({ insecureHosts, credentials: chainCredentialProviders(this.secretProvider(), defaultCredentialProvider()) });
    }
    return { registry: { client: this.client, cache: this.cache() } };
  }

  /** The disk cache in the extension's storage, limited by `containerImageExplorer.registryCacheSize` (MiB). */
  cache(): BlobCache {
    const megabytes = vscode.workspace.getConfiguration('containerImageExplorer').get<number>('registryCacheSize', DEFAULT_CACHE_LIMIT / MIB);
    const maxBytes = Math.max(16, megabytes) * MIB;
    if (this.blobCache?.maxBytes !== maxBytes) this.blobCache = new BlobCache({ directory: path.join(this.context.globalStorageUri.fsPath, 'registry'), maxBytes });
    return this.blobCache;
  }

  /** Asks for a user name and password for a registry and keeps them in SecretStorage. */
  async signIn(registry: string): Promise<boolean> {
    const username = await vscode.window.showInputBox({ title: `Sign in to ${registry}`, prompt: 'User name', ignoreFocusOut: true });
    if (!username) return false;
    const password = await vscode.window.showInputBox({ title: `Sign in to ${registry}`, prompt: `Password or access token for ${username}`, password: true, ignoreFocusOut: true });
    if (!password) return false;
    await this.context.secrets.store(SECRET_PREFIX + registry, JSON.stringify({ username, password }));
    this.client = undefined; // drop tokens minted for the old identity
    return true;
  }

  recent(): string[] {
    return this.context.globalState.get<string[]>(RECENT_KEY, []);
  }

  async remember(reference: string): Promise<void> {
    await this.context.globalState.update(RECENT_KEY, [reference, ...this.recent().filter((entry) => entry !== reference)].slice(0, 10));
  }
}

/** A reference typed by a user, normalised like the Docker CLI; an error message when it does not parse. */
export function normaliseReference(input: string): { spec: string; registry: string } | { error: string } {
  try {
    const reference = parseReference(input.trim());
    return { spec: `docker://${formatReference(reference)}`, registry: reference.registry };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
