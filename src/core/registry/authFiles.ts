import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageError } from '../errors';
import { isObject } from '../model/json';
import { runCredentialHelper, type HelperRunner } from './credentialHelper';
import { chainCredentialProviders, type Credential, type CredentialProvider, type CredentialQuery } from './credentials';
import { DOCKER_HUB } from './reference';

/**
 * Docker's `config.json` and podman's `auth.json` (containers-auth.json(5)): `auths` entries
 * (base64 `auth`, or username/password, identitytoken, registrytoken), `credHelpers` per
 * registry, `credsStore` for the rest.
 */
interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface AuthFile {
  path: string;
  auths: Map<string, AuthEntry>;
  credHelpers: Map<string, string>;
  credsStore?: string;
}

type Env = Record<string, string | undefined>;

/** Docker Hub's names: what `docker login` writes (`https://index.docker.io/v1/`) and its aliases. */
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
/** The server URL Docker Hub credentials are stored under, and passed to helpers as. */
export const HUB_SERVER_URL = 'https://index.docker.io/v1/';

function home(env: Env): string {
  return env.HOME || os.homedir();
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: Env = process.env): string {
  return path.join(env.DOCKER_CONFIG || path.join(home(env), '.docker'), 'config.json');
}

/** podman/skopeo: `$REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`, `$XDG_CONFIG_HOME/containers/auth.json`. */
export function podmanAuthPaths(env: Env = process.env): string[] {
  const paths: string[] = [];
  if (env.REGISTRY_AUTH_FILE) paths.push(env.REGISTRY_AUTH_FILE);
  if (env.XDG_RUNTIME_DIR) paths.push(path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  paths.push(path.join(env.XDG_CONFIG_HOME || path.join(home(env), '.config'), 'containers', 'auth.json'));
  return paths;
}

/** A key as stored (`https://index.docker.io/v1/`, `http://host:5000`, `quay.io/org`) as `registry[/namespace]`. */
export function normaliseAuthKey(key: string): string {
  let text = key.trim().toLowerCase();
  const scheme = /^[a-z]+:\/\//.exec(text);
  if (scheme) {
    // Docker's ConvertToHostname: a URL's path is not a namespace.
    text = text.slice(scheme[0].length).split('/')[0];
  }
  text = text.replace(/\/+$/, '');
  const slash = text.indexOf('/');
  const host = slash < 0 ? text : text.slice(0, slash);
  return HUB_ALIASES.has(host) ? `${DOCKER_HUB}${slash < 0 ? '' : text.slice(slash)}` : text;
}

export async function readAuthFile(file: string): Promise<AuthFile | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImageError('bad-json', 'is not valid JSON; fix or remove it to read registries', { source: file, cause: error });
  }
  if (!isObject(parsed)) throw new ImageError('bad-json', 'is not a JSON object', { source: file });
  const result: AuthFile = { path: file, auths: new Map(), credHelpers: new Map() };
  if (isObject(parsed.auths)) {
    for (const [key, value] of Object.entries(parsed.auths)) {
      if (!isObject(value)) continue;
      const entry: AuthEntry = {};
      for (const field of ['auth', 'username', 'password', 'identitytoken', 'registrytoken'] as const) {
        if (typeof value[field] === 'string' && value[field] !== '') entry[field] = value[field] as string;
      }
      result.auths.set(normaliseAuthKey(key), entry);
    }
  }
  if (isObject(parsed.credHelpers)) {
    for (const [key, value] of Object.entries(parsed.credHelpers)) if (typeof value === 'string' && value !== '') result.credHelpers.set(normaliseAuthKey(key), value);
  }
  if (typeof parsed.credsStore === 'string' && parsed.credsStore !== '') result.credsStore = parsed.credsStore;
  return result;
}

/** The credential an `auths` entry holds, if any (`auth` is base64 of `user:password`). */
export function credentialOfEntry(entry: AuthEntry): Credential | undefined {
  if (entry.registrytoken) return { kind: 'registry-token', token: entry.registrytoken };
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  if (entry.identitytoken) return { kind: 'identity-token', username, token: entry.identitytoken };
  if (username && password) return { kind: 'basic', username, password };
  return undefined;
}

/** `registry/ns/repo`, `registry/ns`, `registry`: podman matches the most specific key first. */
function candidateKeys(query: CredentialQuery): string[] {
  const registry = normaliseAuthKey(query.registry);
  const keys: string[] = [];
  if (query.repository) {
    const parts = query.repository.split('/');
    for (let length = parts.length; length > 0; length--) keys.push(`${registry}/${parts.slice(0, length).join('/')}`);
  }
  keys.push(registry);
  return keys;
}

function displayPath(file: string, env: Env): string {
  const homeDir = home(env);
  return file.startsWith(`${homeDir}${path.sep}`) ? `~${file.slice(homeDir.length)}` : file;
}

/** What a helper is given as the server: Docker Hub's legacy URL, otherwise the registry host. */
export function helperServerUrl(registry: string): string {
  return normaliseAuthKey(registry) === DOCKER_HUB ? HUB_SERVER_URL : registry;
}

/** Reads one file on each lookup (so `docker login` in another terminal takes effect at once). */
export function authFileProvider(file: string, env: Env = process.env, runHelper: HelperRunner = runCredentialHelper): CredentialProvider {
  const shown = displayPath(file, env);
  return async (query, options) => {
    const config = await readAuthFile(file);
    if (!config) return undefined;
    const keys = candidateKeys(query);
    const helper = config.credHelpers.get(normaliseAuthKey(query.registry));
    if (helper) {
      const credential = await runHelper(helper, helperServerUrl(query.registry), options);
      return credential ? { credential, from: `docker-credential-${helper} (credHelpers in ${shown})` } : undefined;
    }
    for (const key of keys) {
      const entry = config.auths.get(key);
      const credential = entry ? credentialOfEntry(entry) : undefined;
      if (credential) return { credential, from: shown };
    }
    if (config.credsStore) {
      // A credsStore whose helper is not installed (a config copied from Docker Desktop) means
      // no stored login here: read anonymously rather than fail, unlike a per-registry credHelper.
      const credential = await runHelper(config.credsStore, helperServerUrl(query.registry), options).catch((error: unknown) => {
        if (isNotInstalled(error)) return undefined;
        throw error;
      });
      if (credential) return { credential, from: `docker-credential-${config.credsStore} (credsStore in ${shown})` };
    }
    return undefined;
  };
}

function isNotInstalled(error: unknown): boolean {
  return error instanceof Error && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** podman's files first when `$REGISTRY_AUTH_FILE` names one, then Docker's, then podman's defaults. */
export function defaultCredentialProvider(env: Env = process.env, runHelper: HelperRunner = runCredentialHelper): CredentialProvider {
  const podman = podmanAuthPaths(env);
  const explicit = env.REGISTRY_AUTH_FILE ? [podman.shift() as string] : [];
  const files = [...explicit, dockerConfigPath(env), ...podman];
  return chainCredentialProviders(...files.map((file) => authFileProvider(file, env, runHelper)));
}
