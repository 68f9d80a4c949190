import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isImageError } from '../../src/core/errors';
import { authFileProvider, defaultCredentialProvider, dockerConfigPath, normaliseAuthKey, podmanAuthPaths } from '../../src/core/registry/authFiles';
import { chainCredentialProviders, describeCredential, secretsOf, type FoundCredential } from '../../src/core/registry/credentials';
import { allowsPlainHttp, isLoopbackHost, parseHostList } from '../../src/core/registry/hostPolicy';
import { redactSecrets, redactUrl } from '../../src/core/registry/redact';
import { checkRealm } from '../../src/core/registry/token';
import { temporaryDirectory } from './support/registryServer';

const basic = (username: string, password: string) => Buffer.from(`${username}:${password}`).toString('base64');

describe('registry: credentials from Docker and podman files', () => {
  let directory: ReturnType<typeof temporaryDirectory>;
  let savedPath: string | undefined;
  beforeEach(() => {
    directory = temporaryDirectory('cie-creds-');
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    directory.remove();
  });

  const write = (name: string, value: unknown) => {
    const file = path.join(directory.path, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  /** A fake `docker-credential-NAME` that logs its stdin and answers from a table. */
  const installHelper = (name: string, answers: Record<string, { Username: string; Secret: string }>) => {
    const bin = path.join(directory.path, 'bin');
    mkdirSync(bin, { recursive: true });
    const log = path.join(directory.path, `${name}.log`);
    const table = write(`${name}.json`, answers);
    const script = path.join(bin, `docker-credential-${name}`);
    writeFileSync(script, `#!/bin/sh\n[ "$1" = get ] || exit 2\nserver=$(cat)\nprintf '%s\\n' "$server" >> '${log}'\nanswer=$(jq -c --arg s "$server" '.[$s] // empty' '${table}')\nif [ -z "$answer" ]; then echo "credentials not found in native keychain"; exit 1; fi\necho "$answer"\n`);
    chmodSync(script, 0o755);
    process.env.PATH = `${bin}:${savedPath}`;
    return () => readFileSync(log, 'utf8').trim().split('\n');
  };

  it('finds the config where Docker does: $DOCKER_CONFIG, else ~/.docker', () => {
    assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/etc/dc', HOME: '/home/u' }), '/etc/dc/config.json');
    assert.equal(dockerConfigPath({ HOME: '/home/u' }), '/home/u/.docker/config.json');
    assert.deepEqual(podmanAuthPaths({ REGISTRY_AUTH_FILE: '/a.json', XDG_RUNTIME_DIR: '/run/user/1', HOME: '/home/u' }), ['/a.json', '/run/user/1/containers/auth.json', '/home/u/.config/containers/auth.json']);
  });

  it('normalises stored keys like Docker (scheme and /v1/ path dropped, Hub aliases)', () => {
    assert.equal(normaliseAuthKey('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(normaliseAuthKey('registry-1.docker.io'), 'docker.io');
    assert.equal(normaliseAuthKey('http://LocalHost:5000/v2/'), 'localhost:5000');
    assert.equal(normaliseAuthKey('quay.io/org/'), 'quay.io/org');
  });

  it('reads auths: base64 auth, username/password, identitytoken, registrytoken', async () => {
    const file = write('config.json', {
      auths: {
        'https://index.docker.io/v1/': { auth: basic('hubuser', 'hub:pass:with:colons') },
        'ghcr.io': { username: 'gh', password: 'ghp_secret' },
        'http://127.0.0.1:5000': { auth: basic('local', 'pw'), identitytoken: 'refresh-xyz' },
        'example.com': { registrytoken: 'bearer-abc' },
        'empty.example': {},
      },
    });
    const provider = authFileProvider(file, { HOME: directory.path });
    assert.deepEqual((await provider({ registry: 'docker.io', repository: 'library/alpine' }))?.credential, { kind: 'basic', username: 'hubuser', password: 'hub:pass:with:colons' });
    assert.deepEqual((await provider({ registry: 'ghcr.io' }))?.credential, { kind: 'basic', username: 'gh', password: 'ghp_secret' });
    assert.deepEqual((await provider({ registry: '127.0.0.1:5000' }))?.credential, { kind: 'identity-token', username: 'local', token: 'refresh-xyz' });
    assert.deepEqual((await provider({ registry: 'example.com' }))?.credential, { kind: 'registry-token', token: 'bearer-abc' });
    assert.equal(await provider({ registry: 'empty.example' }), undefined);
    assert.equal(await provider({ registry: 'other.example' }), undefined);
    assert.equal((await provider({ registry: 'ghcr.io' }))?.from, '~/config.json', 'the home directory is shown as ~');
  });

  it('runs credHelpers and credsStore helpers with the server on stdin (Docker Hub as https://index.docker.io/v1/)', async () => {
    const calls = installHelper('fake', {
      'https://index.docker.io/v1/': { Username: 'hub', Secret: 'hub-secret' },
      'ghcr.io': { Username: '<token>', Secret: 'identity-token-1' },
      'store.example': { Username: 'st', Secret: 'st-secret' },
    });
    const file = write('config.json', { credsStore: 'fake', credHelpers: { 'ghcr.io': 'fake' }, auths: { 'store.example': {} } });
    const provider = authFileProvider(file, { HOME: directory.path });
    const hub = await provider({ registry: 'docker.io' });
    assert.deepEqual(hub?.credential, { kind: 'basic', username: 'hub', password: 'hub-secret' });
    assert.match(hub?.from ?? '', /docker-credential-fake \(credsStore in /);
    assert.deepEqual((await provider({ registry: 'ghcr.io' }))?.credential, { kind: 'identity-token', token: 'identity-token-1' });
    assert.deepEqual((await provider({ registry: 'store.example' }))?.credential, { kind: 'basic', username: 'st', password: 'st-secret' });
    assert.equal(await provider({ registry: 'unknown.example' }), undefined, 'the helper\'s "credentials not found" is no credential, not an error');
    assert.deepEqual(calls(), ['https://index.docker.io/v1/', 'ghcr.io', 'store.example', 'unknown.example']);
  });

  it('reads anonymously when credsStore names a helper that is not installed, but fails for a missing credHelper', async () => {
    process.env.PATH = path.join(directory.path, 'empty-bin');
    const store = authFileProvider(write('store.json', { credsStore: 'not-installed-helper' }), { HOME: directory.path });
    assert.equal(await store({ registry: 'ghcr.io' }), undefined);
    const helper = authFileProvider(write('helper.json', { credHelpers: { 'ghcr.io': 'not-installed-helper' } }), { HOME: directory.path });
    await assert.rejects(helper({ registry: 'ghcr.io' }), (error: unknown) => isImageError(error, 'unauthorized') && /docker-credential-not-installed-helper is not installed/.test(error.message));
  });

  it('matches podman namespace keys most specific first, and orders the files like podman and Docker', async () => {
    write('xdg-runtime/containers/auth.json', { auths: { 'quay.io': { auth: basic('runtime-registry', 'a') }, 'quay.io/org': { auth: basic('runtime-org', 'b') } } });
    write('home/.docker/config.json', { auths: { 'quay.io': { auth: basic('docker', 'c') }, 'ghcr.io': { auth: basic('docker-gh', 'd') } } });
    write('explicit.json', { auths: { 'ghcr.io': { auth: basic('explicit', 'e') } } });
    const env = { HOME: path.join(directory.path, 'home'), XDG_RUNTIME_DIR: path.join(directory.path, 'xdg-runtime') };
    const who = async (provider: ReturnType<typeof defaultCredentialProvider>, registry: string, repository?: string) => {
      const found = await provider({ registry, repository });
      return found?.credential.kind === 'basic' ? found.credential.username : undefined;
    };
    const plain = defaultCredentialProvider(env);
    assert.equal(await who(plain, 'quay.io', 'org/app'), 'docker', 'Docker\'s config comes before podman\'s runtime file');
    assert.equal(await who(plain, 'ghcr.io'), 'docker-gh');
    const podman = authFileProvider(path.join(env.XDG_RUNTIME_DIR, 'containers/auth.json'), env);
    assert.equal(await who(podman, 'quay.io', 'org/app'), 'runtime-org');
    assert.equal(await who(podman, 'quay.io', 'other/app'), 'runtime-registry');
    const explicit = defaultCredentialProvider({ ...env, REGISTRY_AUTH_FILE: path.join(directory.path, 'explicit.json') });
    assert.equal(await who(explicit, 'ghcr.io'), 'explicit', '$REGISTRY_AUTH_FILE comes first');
  });

  it('says which file is malformed', async () => {
    const file = write('config.json', '{"auths": ');
    await assert.rejects(authFileProvider(file)({ registry: 'ghcr.io' }), (error: unknown) => isImageError(error, 'bad-json') && error.message.includes(file));
  });

  it('lets a pluggable provider go first (the VS Code secret storage hook)', async () => {
    const fromHook: FoundCredential = { credential: { kind: 'basic', username: 'vscode', password: 'p4ss' }, from: 'VS Code secret storage' };
    const file = write('config.json', { auths: { 'ghcr.io': { auth: basic('docker', 'x') } } });
    const chain = chainCredentialProviders(async (query) => (query.registry === 'ghcr.io' ? fromHook : undefined), authFileProvider(file));
    assert.equal(await chain({ registry: 'ghcr.io' }), fromHook);
    assert.equal(await chain({ registry: 'quay.io' }), undefined);
  });
});

describe('registry: secrets stay out of messages; plain HTTP only where allowed', () => {
  it('describes a credential without its secret, and redacts secrets and URLs', () => {
    const found: FoundCredential = { credential: { kind: 'basic', username: 'alice', password: 's3cret-pw' }, from: '~/.docker/config.json' };
    assert.equal(describeCredential(found), "user 'alice' (from ~/.docker/config.json)");
    assert.equal(describeCredential(undefined), 'anonymous access');
    const text = `Authorization: Basic ${basic('alice', 's3cret-pw')} password=s3cret-pw`;
    assert.equal(redactSecrets(text, secretsOf(found)), 'Authorization: Basic *** password=***');
    assert.equal(redactUrl('https://user:pw@storage.example/blob?X-Amz-Signature=abc&token=t'), 'https://storage.example/blob?…');
    assert.equal(redactUrl('not a url'), '<unparseable URL>');
  });

  it('allows plain HTTP to loopback and listed hosts only', () => {
    for (const host of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000', 'registry.localhost:80']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['example.com', '10.0.0.1:5000', '128.0.0.1', 'localhost.example.com']) assert.ok(!allowsPlainHttp(host), host);
    assert.ok(allowsPlainHttp('myreg.lan:5000', ['myreg.lan']));
    assert.ok(allowsPlainHttp('myreg.lan:5000', ['MYREG.LAN:5000']));
    assert.ok(!allowsPlainHttp('myreg.lan:5001', ['myreg.lan:5000']));
    assert.deepEqual(parseHostList(' a:5000, b  c,,'), ['a:5000', 'b', 'c']);
  });

  it('refuses token realms that are not https (unless loopback or allowed)', () => {
    assert.equal(checkRealm('https://auth.example/token', []).host, 'auth.example');
    assert.equal(checkRealm('http://127.0.0.1:9999/token', []).port, '9999');
    assert.equal(checkRealm('http://auth.lan/token', ['auth.lan']).host, 'auth.lan');
    assert.throws(() => checkRealm('http://auth.example/token', []), (error: unknown) => isImageError(error, 'unauthorized') && /must be https/.test(error.message));
    assert.throws(() => checkRealm('file:///etc/passwd', []), /must be https/);
    assert.throws(() => checkRealm('::nonsense', []), /not a URL/);
  });
});
