/**
 * Distribution API behaviours a stock distribution 2.8 registry does not show, against small
 * fake registries on 127.0.0.1: the referrers API (pages, filters), tag pages, HEAD without
 * Docker-Content-Digest, generic Content-Types, signed schema 1, identity tokens, caps on
 * untrusted bodies, and plain-HTTP token realms.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isImageError } from '../../src/core/errors';
import { RegistryClient } from '../../src/core/registry/client';
import type { CredentialProvider } from '../../src/core/registry/credentials';
import { referrersTag } from '../../src/core/registry/referrers';
import { RegistrySource } from '../../src/core/sources/registrySource';
import { startFakeServer, temporaryDirectory, type FakeServer } from './support/registryServer';

const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const noCredentials: CredentialProvider = async () => undefined;
const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

type Route = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean | void;

/** A fake registry: the first route that returns anything but false answers; every request is logged. */
async function fakeRegistry(routes: Route[]): Promise<FakeServer & { log: string[] }> {
  const log: string[] = [];
  const server = await startFakeServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    log.push(`${request.method} ${url.pathname}${url.search}`);
    for (const route of routes) if (route(request, response, url) !== false) return;
    response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"NOT_FOUND","message":"nothing here"}]}');
  });
  return Object.assign(server, { log });
}

const subject = sha256('subject');
const referrer = (name: string, artifactType: string) => ({ mediaType: MANIFEST, digest: sha256(name), size: 100, artifactType });

describe('registry: API behaviours against fake registries', function () {
  this.timeout(60_000);
  const servers: FakeServer[] = [];
  let work: ReturnType<typeof temporaryDirectory>;
  const client = () => new RegistryClient({ credentials: noCredentials });
  const start = async (routes: Route[]) => {
    const server = await fakeRegistry(routes);
    servers.push(server);
    return server;
  };
  before(() => (work = temporaryDirectory('cie-api-')));
  after(async () => {
    for (const server of servers) await server.stop();
    work.remove();
  });

  it('says when a host does not serve the registry API', async () => {
    const server = await start([]);
    await assert.rejects(client().ping(server.host), (error: unknown) => isImageError(error, 'network') && /answered HTTP 404: this host does not serve the registry API/.test(error.message));
  });

  it('reads the referrers API across Link pages and filters when the registry did not', async () => {
    const pages = [[referrer('a', 'application/spdx+json'), referrer('b', 'application/vnd.dev.cosign.artifact.sig.v1+json')], [referrer('c', 'application/spdx+json')]];
    const server = await start([
      (request, response, url) => {
        if (url.pathname !== `/v2/r/referrers/${subject}`) return false;
        const page = url.searchParams.get('page') === '2' ? 1 : 0;
        const headers: Record<string, string> = { 'Content-Type': INDEX };
        if (page === 0) headers.Link = `</v2/r/referrers/${subject}?page=2${url.searchParams.has('artifactType') ? `&artifactType=${encodeURIComponent(url.searchParams.get('artifactType')!)}` : ''}>; rel="next"`;
        response.writeHead(200, headers).end(JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: pages[page] }));
        void request;
      },
    ]);
    const repository = { registry: server.host, repository: 'r' };
    const all = await client().referrers(repository, subject);
    assert.equal(all.via, 'api');
    assert.deepEqual(all.descriptors.map((descriptor) => descriptor.digest), [sha256('a'), sha256('b'), sha256('c')]);
    const spdx = await client().referrers(repository, subject, 'application/spdx+json');
    assert.deepEqual(spdx.descriptors.map((descriptor) => descriptor.digest), [sha256('a'), sha256('c')], 'filtered here: no OCI-Filters-Applied header');
    assert.ok(server.log.includes(`GET /v2/r/referrers/${subject}?artifactType=application%2Fspdx%2Bjson`));
  });

  it('trusts OCI-Filters-Applied, and falls back to the tag schema on a 200 that is not an index', async () => {
    const applied = await start([
      (_request, response, url) => {
        if (!url.pathname.startsWith('/v2/r/referrers/')) return false;
        response.writeHead(200, { 'Content-Type': INDEX, 'OCI-Filters-Applied': 'artifactType' }).end(JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: [referrer('x', 'other/type')] }));
      },
    ]);
    assert.deepEqual((await client().referrers({ registry: applied.host, repository: 'r' }, subject, 'application/spdx+json')).descriptors.length, 1);
    const html = await start([
      (_request, response, url) => {
        if (!url.pathname.startsWith('/v2/r/referrers/')) return false;
        response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>login</html>');
      },
    ]);
    assert.deepEqual(await client().referrers({ registry: html.host, repository: 'r' }, subject), { descriptors: [], via: 'none' });
    assert.deepEqual(html.log, [`GET /v2/r/referrers/${subject}`, `GET /v2/r/manifests/${referrersTag(subject)}`]);
    assert.equal(referrersTag(`sha512:${'c'.repeat(128)}`), `sha512-${'c'.repeat(64)}`, 'the tag schema keeps 64 characters of the reference');
  });

  it('follows tag pages and refuses a page link to another host', async () => {
    const server = await start([
      (_request, response, url) => {
        if (url.pathname !== '/v2/r/tags/list') return false;
        const last = url.searchParams.get('last');
        const page = last === null ? ['a', 'b'] : last === 'b' ? ['c', 'd'] : ['e'];
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (page.length === 2) headers.Link = `</v2/r/tags/list?n=2&last=${page[1]}>; rel="next"`;
        response.writeHead(200, headers).end(JSON.stringify({ name: 'r', tags: page }));
      },
      (_request, response, url) => {
        if (url.pathname !== '/v2/evil/tags/list') return false;
        response.writeHead(200, { 'Content-Type': 'application/json', Link: '<http://127.0.0.2:1/v2/evil/tags/list?last=x>; rel="next"' }).end('{"tags":["x"]}');
      },
      (_request, response, url) => {
        if (url.pathname !== '/v2/empty/tags/list') return false;
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"name":"empty","tags":null}');
      },
    ]);
    assert.deepEqual(await client().listTags({ registry: server.host, repository: 'r' }, { pageSize: 2 }), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(server.log.slice(0, 3), ['GET /v2/r/tags/list?n=2', 'GET /v2/r/tags/list?n=2&last=b', 'GET /v2/r/tags/list?n=2&last=d']);
    const first = await client().listTagPage({ registry: server.host, repository: 'r' }, undefined, { pageSize: 2 });
    assert.deepEqual(first, { tags: ['a', 'b'], next: '/v2/r/tags/list?n=2&last=b' }, 'one page at a time, for the Tags node');
    assert.deepEqual(await client().listTagPage({ registry: server.host, repository: 'r' }, first.next), { tags: ['c', 'd'], next: '/v2/r/tags/list?n=2&last=d' });
    await assert.rejects(client().listTagPage({ registry: server.host, repository: 'r' }, '/v2/other/tags/list'), /is not a tag list page of/);
    await assert.rejects(client().listTags({ registry: server.host, repository: 'evil' }), /points to another host/);
    assert.deepEqual(await client().listTags({ registry: server.host, repository: 'empty' }), []);
  });

  it('reopens with a GET when HEAD gives no Docker-Content-Digest, and reads a generic Content-Type', async () => {
    const index = JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: [] });
    const server = await start([
      (request, response, url) => {
        if (url.pathname !== '/v2/r/manifests/1') return false;
        response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(index.length) });
        response.end(request.method === 'HEAD' ? undefined : index);
      },
    ]);
    const cache = `${work.path}/cache-head`;
    const first = await RegistrySource.open(`${server.host}/r:1`, { credentials: noCredentials, cache });
    assert.deepEqual((await first.roots())[0].descriptor, { mediaType: INDEX, digest: sha256(index), size: index.length });
    server.log.length = 0;
    await RegistrySource.open(`${server.host}/r:1`, { credentials: noCredentials, cache });
    assert.deepEqual(server.log, ['HEAD /v2/r/manifests/1', 'GET /v2/r/manifests/1']);
  });

  it('digests a signed schema 1 manifest over its payload, as the registry does', async () => {
    const payload = '{\n   "schemaVersion": 1,\n   "name": "r",\n   "tag": "old",\n   "architecture": "amd64",\n   "fsLayers": [\n      {\n         "blobSum": "sha256:' + 'd'.repeat(64) + '"\n      }\n   ],\n   "history": [\n      {\n         "v1Compatibility": "{}"\n      }\n   ]\n}';
    const formatLength = payload.length - 2;
    const protectedHeader = Buffer.from(JSON.stringify({ formatLength, formatTail: Buffer.from('\n}').toString('base64url') })).toString('base64url');
    const signed = `${payload.slice(0, formatLength)},\n   "signatures": [\n      {\n         "header": {"alg": "ES256"},\n         "signature": "x",\n         "protected": "${protectedHeader}"\n      }\n   ]\n}`;
    const server = await start([
      (_request, response, url) => {
        if (url.pathname !== '/v2/r/manifests/old') return false;
        response.writeHead(200, { 'Content-Type': 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'Docker-Content-Digest': sha256(payload) }).end(signed);
      },
    ]);
    const fetched = await client().getManifest({ registry: server.host, repository: 'r' }, 'old');
    assert.equal(fetched.digest, sha256(payload));
    assert.equal(fetched.bytes.toString(), signed, 'the bytes are kept as served');
  });

  it('exchanges an identity token for an access token with a POST (OAuth2 refresh_token grant)', async () => {
    const seen: { body?: string; authorization?: string } = {};
    const server = await start([
      (request, response, url) => {
        if (url.pathname !== '/token') return false;
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        request.on('end', () => {
          seen.body = body;
          response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"access_token":"from-refresh","expires_in":300}');
        });
      },
      (request, response, url) => {
        if (url.pathname !== '/v2/r/manifests/1') return false;
        if (request.headers.authorization !== 'Bearer from-refresh') {
          response.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${request.headers.host}/token",service="fake"` }).end();
          return;
        }
        seen.authorization = request.headers.authorization;
        response.writeHead(200, { 'Content-Type': INDEX }).end('{"schemaVersion":2,"manifests":[]}');
      },
    ]);
    const credentials: CredentialProvider = async () => ({ credential: { kind: 'identity-token', token: 'refresh-123' }, from: 'test' });
    await new RegistryClient({ credentials }).getManifest({ registry: server.host, repository: 'r' }, '1');
    const form = new URLSearchParams(seen.body);
    assert.deepEqual([form.get('grant_type'), form.get('refresh_token'), form.get('service'), form.get('scope')], ['refresh_token', 'refresh-123', 'fake', 'repository:r:pull']);
    assert.equal(seen.authorization, 'Bearer from-refresh');
  });

  it('caps untrusted bodies: a huge token answer, a huge manifest', async () => {
    const server = await start([
      (_request, response, url) => {
        if (url.pathname !== '/token') return false;
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(`{"token":"${'t'.repeat(2 * 1024 * 1024)}"}`);
      },
      (request, response, url) => {
        if (url.pathname === '/v2/tok/manifests/1') {
          response.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${request.headers.host}/token"` }).end();
          return;
        }
        if (url.pathname !== '/v2/big/manifests/1') return false;
        response.writeHead(200, { 'Content-Type': MANIFEST, 'Content-Length': String(5 * 1024 * 1024) });
        response.end(Buffer.alloc(5 * 1024 * 1024, 0x20));
      },
    ]);
    await assert.rejects(client().getManifest({ registry: server.host, repository: 'tok' }, '1'), (error: unknown) => isImageError(error, 'too-large') && /token answer/.test(error.message));
    await assert.rejects(client().getManifest({ registry: server.host, repository: 'big' }, '1'), (error: unknown) => isImageError(error, 'too-large') && /manifest is 5242880 bytes/.test(error.message));
  });

  it('refuses a plain-HTTP token realm on a host that is not loopback, before sending credentials', async () => {
    const server = await start([
      (_request, response, url) => {
        if (url.pathname !== '/v2/r/manifests/1') return false;
        response.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="http://auth.example.invalid/token",service="x"' }).end();
      },
    ]);
    const credentials: CredentialProvider = async () => ({ credential: { kind: 'basic', username: 'u', password: 'p4ssw0rd' }, from: 'test' });
    await assert.rejects(new RegistryClient({ credentials }).getManifest({ registry: server.host, repository: 'r' }, '1'), (error: unknown) => isImageError(error, 'unauthorized') && /refusing the token realm http:\/\/auth\.example\.invalid\/token: it must be https/.test(error.message) && !error.message.includes('p4ssw0rd'));
  });

  it('finds an unknown digest behind /manifests/ when /blobs/ does not have it (cat of a child manifest)', async () => {
    const child = JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('{}'), size: 2 }, layers: [] });
    const top = JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('{}'), size: 2 }, layers: [] }).replace('"layers"', '"annotations":{"a":"b"},"layers"');
    const server = await start([
      (request, response, url) => {
        const match = /^\/v2\/r\/manifests\/(.+)$/.exec(url.pathname);
        if (!match) return false;
        const body = match[1] === 'top' || match[1] === sha256(top) ? top : match[1] === sha256(child) ? child : undefined;
        if (!body) return false;
        response.writeHead(200, { 'Content-Type': MANIFEST, 'Docker-Content-Digest': sha256(body), 'Content-Length': String(body.length) }).end(request.method === 'HEAD' ? undefined : body);
      },
    ]);
    const source = await RegistrySource.open(`${server.host}/r:top`, { credentials: noCredentials, cache: false });
    server.log.length = 0;
    assert.deepEqual(await source.stat(sha256(child)), { size: child.length });
    assert.deepEqual(server.log, [`HEAD /v2/r/blobs/${sha256(child)}`, `HEAD /v2/r/manifests/${sha256(child)}`]);
    const chunks: Buffer[] = [];
    for await (const chunk of await source.open(sha256(child))) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), child);
    assert.equal(await source.stat(sha256('absent')), undefined);
  });
});
