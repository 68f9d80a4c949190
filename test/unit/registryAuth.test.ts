/**
 * Authentication against real registries: htpasswd Basic auth, and Docker token auth with a JWT
 * issuer defined in the test (the registry trusts its self-signed certificate). Checks the
 * request sequence, credentials from a Docker config file, the 'unauthorized' messages (without
 * secrets), the token cache, and that a blob redirect to another host does not carry the token.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import * as path from 'node:path';
import { isImageError } from '../../src/core/errors';
import { buildImageGraph } from '../../src/core/model/imageGraph';
import { defaultCredentialProvider } from '../../src/core/registry/authFiles';
import { RegistryClient } from '../../src/core/registry/client';
import type { CredentialProvider } from '../../src/core/registry/credentials';
import { TokenCache } from '../../src/core/registry/token';
import { openSource } from '../../src/core/sources/openSource';
import { FIXTURES, skopeoPush, startFakeServer, startTokenServer, type FakeServer, type Proxy, type TokenServer } from './support/registryServer';
import { collect, useRegistry } from './support/useRegistry';

const PASSWORD = 'correct horse battery';
const WRONG = 'wrong-password-77';
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const base64 = (text: string) => Buffer.from(text).toString('base64');
const seen = (proxy: Proxy) => proxy.requests.map((request) => `${request.method} ${request.path} ${request.status}`);

/** A Docker config directory holding `user:password` for `host` (the way `docker login` writes it). */
function dockerConfig(directory: string, host: string, user: string, password: string): CredentialProvider {
  const configDirectory = path.join(directory, `docker-${user}-${password.length}`);
  mkdirSync(configDirectory, { recursive: true });
  writeFileSync(path.join(configDirectory, 'config.json'), JSON.stringify({ auths: { [`http://${host}`]: { auth: base64(`${user}:${password}`) } } }));
  return defaultCredentialProvider({ DOCKER_CONFIG: configDirectory, HOME: directory });
}

const noCredentials: CredentialProvider = async () => undefined;

function assertNoSecret(message: string): void {
  for (const secret of [WRONG, PASSWORD, base64(`alice:${WRONG}`), base64(`alice:${PASSWORD}`)]) assert.ok(!message.includes(secret), `the message leaks a secret: ${message}`);
}

describe('registry: htpasswd Basic authentication (real registry)', function () {
  this.timeout(300_000);
  const at = useRegistry({
    prefix: 'cie-basic-',
    auth: () => ({ type: 'htpasswd', users: { alice: PASSWORD } }),
    populate: ({ host }) => skopeoPush(`oci:${FIXTURES}/oci-layout:1.0`, `${host}/app:1.0`, { creds: `alice:${PASSWORD}` }),
  });

  it('answers the Basic challenge with credentials from a Docker config.json, then sends them up front', async () => {
    const credentials = dockerConfig(at.work.path, at.proxy.host, 'alice', PASSWORD);
    const source = await openSource(`${at.proxy.host}/app:1.0`, { registry: { credentials, cache: false } });
    assert.deepEqual(seen(at.proxy), ['GET /v2/app/manifests/1.0 401', 'GET /v2/app/manifests/1.0 200']);
    assert.equal(at.proxy.requests[0].headers.authorization, undefined, 'the first request is anonymous');
    assert.equal(at.proxy.requests[1].headers.authorization, `Basic ${base64(`alice:${PASSWORD}`)}`);
    at.proxy.reset();
    const graph = await buildImageGraph(source);
    const config = graph.nodes.find((node) => node.kind === 'config')!;
    assert.equal(sha256(await collect(await source.open(config.digest))), config.digest);
    assert.ok(at.proxy.requests.length > 0);
    for (const request of at.proxy.requests) {
      assert.equal(request.status, 200, `${request.path}: no second challenge round`);
      assert.equal(request.headers.authorization, `Basic ${base64(`alice:${PASSWORD}`)}`);
    }
  });

  it('says the registry refused user alice (and where the password came from) on a wrong password, without the password', async () => {
    const credentials = dockerConfig(at.work.path, at.proxy.host, 'alice', WRONG);
    await assert.rejects(openSource(`${at.proxy.host}/app:1.0`, { registry: { credentials, cache: false } }), (error: unknown) => {
      assert.ok(isImageError(error, 'unauthorized'), String(error));
      assert.match(error.message, /refused user 'alice' \(from .*config\.json\)/);
      assert.match(error.message, /HTTP 401/);
      assertNoSecret(error.message);
      return true;
    });
    assert.equal(at.proxy.requests.length, 2, 'one retry with credentials, not a loop');
  });

  it('says a login is needed when no credentials are stored', async () => {
    await assert.rejects(openSource(`${at.proxy.host}/app:1.0`, { registry: { credentials: noCredentials, cache: false } }), (error: unknown) => isImageError(error, 'unauthorized') && /user name and password .* none is stored; log in/.test(error.message));
  });
});

describe('registry: Docker token authentication (real registry, JWT issuer in the test)', function () {
  this.timeout(300_000);
  let tokens: TokenServer;
  let storage: FakeServer;
  const storageRequests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const manifestDigest = JSON.parse(readFileSync(path.join(FIXTURES, 'oci-layout/index.json'), 'utf8')).manifests[0].digest as string;
  const at = useRegistry({
    prefix: 'cie-token-',
    auth: async (workDirectory) => {
      tokens = await startTokenServer(workDirectory, { alice: PASSWORD });
      return { type: 'token', realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.certificate };
    },
    populate: async ({ host }) => {
      await skopeoPush(`oci:${FIXTURES}/oci-layout:1.0`, `${host}/app:1.0`, { creds: `alice:${PASSWORD}` });
      await skopeoPush(`oci:${FIXTURES}/oci-layout:1.0`, `${host}/private/app:1.0`, { creds: `alice:${PASSWORD}` });
      // "Object storage" on another port: blobs redirected here must arrive without our token.
      storage = await startFakeServer((request, response) => {
        storageRequests.push({ path: request.url ?? '', headers: request.headers });
        const hex = /\/storage\/sha256\/([a-f0-9]{64})/.exec(request.url ?? '')?.[1];
        if (!hex) {
          response.writeHead(404).end();
          return;
        }
        response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        response.end(readFileSync(path.join(FIXTURES, 'oci-layout/blobs/sha256', hex)));
      });
    },
    teardown: async () => {
      await storage?.stop();
      await tokens?.stop();
    },
  });
  beforeEach(() => {
    if (tokens) tokens.requests.length = 0;
    storageRequests.length = 0;
  });

  it('mounts anonymously: 401, one anonymous pull token, retry; later requests reuse the token', async () => {
    const cache = path.join(at.work.path, 'cache-anonymous');
    const source = await openSource(`${at.proxy.host}/app:1.0`, { registry: { credentials: noCredentials, cache } });
    assert.deepEqual(seen(at.proxy), ['GET /v2/app/manifests/1.0 401', 'GET /v2/app/manifests/1.0 200']);
    assert.deepEqual(tokens.requests, [{ scopes: ['repository:app:pull'], account: undefined, authenticated: false, status: 200 }]);
    assert.match(String(at.proxy.requests[1].headers.authorization), /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const graph = await buildImageGraph(source);
    for (const node of graph.nodes.filter((candidate) => candidate.kind !== 'manifest')) assert.equal(sha256(await collect(await source.open(node.digest))), node.digest);
    assert.equal(tokens.requests.length, 1, 'the token is cached for its scope');

    at.proxy.reset();
    tokens.requests.length = 0;
    const reopened = await openSource(`${at.proxy.host}/app:1.0`, { registry: { credentials: noCredentials, cache } });
    await buildImageGraph(reopened);
    assert.deepEqual(seen(at.proxy), ['HEAD /v2/app/manifests/1.0 401', 'HEAD /v2/app/manifests/1.0 200'], 'a new process: one HEAD, answered after one token request');
    assert.equal(tokens.requests.length, 1);
  });

  it('pings: the registry asks for a Bearer token from the test issuer', async () => {
    const result = await new RegistryClient({ credentials: noCredentials }).ping(at.proxy.host);
    assert.equal(result.status, 401);
    assert.deepEqual(result.challenges, [{ scheme: 'bearer', params: { realm: tokens.realm, service: tokens.service } }]);
    assert.equal(tokens.requests.length, 0, 'a ping does not authenticate');
  });

  it('asks for a token per scope and keeps each', async () => {
    const client = new RegistryClient({ credentials: dockerConfig(at.work.path, at.proxy.host, 'alice', PASSWORD) });
    for (let round = 0; round < 2; round++) {
      for (const repository of ['app', 'private/app']) assert.equal((await client.getManifest({ registry: at.proxy.host, repository }, '1.0')).digest, manifestDigest);
    }
    assert.deepEqual(tokens.requests.map((request) => [request.scopes, request.account, request.authenticated]), [
      [['repository:app:pull'], 'alice', true],
      [['repository:private/app:pull'], 'alice', true],
    ]);
  });

  it('refuses anonymous access to a private repository with a clear message', async () => {
    await assert.rejects(openSource(`${at.proxy.host}/private/app:1.0`, { registry: { credentials: noCredentials, cache: false } }), (error: unknown) => {
      assert.ok(isImageError(error, 'unauthorized'), String(error));
      assert.match(error.message, /refused anonymous access \(HTTP 401: UNAUTHORIZED/);
      assert.match(error.message, /log in/);
      return true;
    });
  });

  it('reports a wrong password as the token server refusing user alice, without the password', async () => {
    await assert.rejects(openSource(`${at.proxy.host}/app:1.0`, { registry: { credentials: dockerConfig(at.work.path, at.proxy.host, 'alice', WRONG), cache: false } }), (error: unknown) => {
      assert.ok(isImageError(error, 'unauthorized'), String(error));
      assert.ok(error.message.includes(`the token server ${tokens.realm} refused user 'alice'`), error.message);
      assert.match(error.message, /invalid username or password/);
      assertNoSecret(error.message);
      return true;
    });
    assert.deepEqual(tokens.requests.map((request) => request.status), [401]);
  });

  it('follows a blob redirect to another host without the Authorization header', async () => {
    const source = await openSource(`${at.proxy.host}/app:1.0`, { registry: { credentials: noCredentials, cache: false } });
    const graph = await buildImageGraph(source);
    const layer = graph.nodes.find((node) => node.kind === 'layer')!;
    at.proxy.intercept = (request) => (request.url?.includes('/blobs/') ? { respond: { status: 307, headers: { Location: `http://${storage.host}/storage/sha256/${layer.digest.slice(7)}?X-Signature=s3cr3t` } } } : undefined);
    const bytes = await collect(await source.open(layer.digest));
    assert.equal(sha256(bytes), layer.digest);
    const blobRequest = at.proxy.requests.find((request) => request.path.includes('/blobs/'));
    assert.match(String(blobRequest?.headers.authorization), /^Bearer /, 'the registry got the token');
    assert.equal(storageRequests.length, 1);
    assert.equal(storageRequests[0].headers.authorization, undefined, 'the other host did not');

    // The redirect target serves other bytes: the verifying reader refuses them.
    at.proxy.intercept = (request) => (request.url?.includes('/blobs/') ? { respond: { status: 302, headers: { Location: `http://${storage.host}/storage/sha256/${manifestDigest.slice(7)}` } } } : undefined);
    await assert.rejects(collect(await source.open(layer.digest)), (error: unknown) => isImageError(error, 'digest-mismatch') || isImageError(error, 'size-mismatch'));

    // A redirect to plain HTTP on a host that is not allowed is not followed at all.
    at.proxy.intercept = (request) => (request.url?.includes('/blobs/') ? { respond: { status: 307, headers: { Location: 'http://storage.example.invalid/blob' } } } : undefined);
    await assert.rejects(source.open(layer.digest), (error: unknown) => isImageError(error, 'network') && /refusing to follow a redirect to http:\/\/storage\.example\.invalid\/blob/.test(error.message));
  });
});

describe('registry: token cache', () => {
  it('reuses a token until it expires, then asks again; a failed fetch is not cached', async () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    let fetches = 0;
    const fetcher = async () => ({ value: `t${++fetches}`, expiresAt: now + 60_000 });
    assert.equal((await cache.get('k', fetcher)).value, 't1');
    assert.equal((await cache.get('k', fetcher)).value, 't1');
    now += 61_000;
    assert.equal((await cache.get('k', fetcher)).value, 't2');
    await assert.rejects(cache.get('other', async () => Promise.reject(new Error('boom'))));
    assert.equal((await cache.get('other', fetcher)).value, 't3');
    const [a, b] = await Promise.all([cache.get('shared', fetcher), cache.get('shared', fetcher)]);
    assert.equal(a.value, b.value, 'concurrent requests share one fetch');
  });
});
