/**
 * Failure handling: a fault-injecting proxy in front of a real registry (500/503/429 answers,
 * dropped connections, rewritten bodies), a server that never answers (cancellation, timeouts),
 * and a TLS server with a self-signed certificate (verification is never skipped).
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { isImageError } from '../../src/core/errors';
import { RegistryClient } from '../../src/core/registry/client';
import type { HttpSettings } from '../../src/core/registry/request';
import { openSource } from '../../src/core/sources/openSource';
import { closeServer, FIXTURES, haveRegistryTools, listen, selfSignedCertificate, skopeoPush, startFakeServer, temporaryDirectory } from './support/registryServer';
import { collect, useRegistry } from './support/useRegistry';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const noCredentials = async () => undefined;
/** Fast, deterministic retries for tests: 3 attempts, no jitter delay. */
const FAST: Partial<HttpSettings> = { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50, maxRetryAfterMs: 5_000 }, random: () => 0.5 };

describe('registry: retries, digest checks and faults (proxy in front of a real registry)', function () {
  this.timeout(300_000);
  const at = useRegistry({ prefix: 'cie-faults-', populate: ({ host }) => skopeoPush(`oci:${FIXTURES}/oci-layout:1.0`, `${host}/app:1.0`) });
  const manifestDigest = JSON.parse(readFileSync(path.join(FIXTURES, 'oci-layout/index.json'), 'utf8')).manifests[0].digest as string;
  const manifest = JSON.parse(readFileSync(path.join(FIXTURES, 'oci-layout/blobs/sha256', manifestDigest.slice(7)), 'utf8')) as { config: { digest: string }; layers: Array<{ digest: string; size: number }> };
  const client = (log?: string[]) => new RegistryClient({ credentials: noCredentials, http: { ...FAST, log: log ? (line) => log.push(line) : undefined } });
  const repository = () => ({ registry: at.proxy.host, repository: 'app' });

  it('retries 500s and succeeds on the third attempt', async () => {
    const log: string[] = [];
    at.proxy.intercept = (_request, count) => (count <= 2 ? { respond: { status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"boom"}]}' } } : undefined);
    const fetched = await client(log).getManifest(repository(), '1.0');
    assert.equal(fetched.digest, manifestDigest);
    assert.deepEqual(at.proxy.requests.map((request) => request.status), [500, 500, 200]);
    assert.equal(log.filter((line) => / → 500 /.test(line)).length, 2);
  });

  it('honours Retry-After on 429', async () => {
    at.proxy.intercept = (_request, count) => (count === 1 ? { respond: { status: 429, headers: { 'Retry-After': '1' } } } : undefined);
    const started = Date.now();
    await client().getManifest(repository(), '1.0');
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
    assert.deepEqual(at.proxy.requests.map((request) => request.status), [429, 200]);
  });

  it('reports a registry that keeps failing after a bounded number of attempts', async () => {
    at.proxy.intercept = () => ({ respond: { status: 503, body: '{"errors":[{"code":"UNAVAILABLE","message":"maintenance"}]}' } });
    await assert.rejects(client().getManifest(repository(), '1.0'), (error: unknown) => isImageError(error, 'network') && /the registry failed \(HTTP 503: UNAVAILABLE maintenance\) after 3 attempts/.test(error.message));
    assert.equal(at.proxy.requests.length, 3);
    at.proxy.reset();
    at.proxy.intercept = () => ({ respond: { status: 429, headers: { 'Retry-After': '3600' } } });
    const started = Date.now();
    await assert.rejects(client().getManifest(repository(), '1.0'), (error: unknown) => isImageError(error, 'network') && /rate limiting/.test(error.message));
    assert.equal(at.proxy.requests.length, 1, 'an hour-long Retry-After is reported, not waited for');
    assert.ok(Date.now() - started < 3000);
  });

  it('retries dropped connections, and reports them when they keep dropping', async () => {
    at.proxy.intercept = (_request, count) => (count <= 2 ? { drop: true } : undefined);
    assert.equal((await client().getManifest(repository(), '1.0')).digest, manifestDigest);
    assert.deepEqual(at.proxy.requests.map((request) => request.status), [-1, -1, 200]);
    at.proxy.reset();
    at.proxy.intercept = () => ({ drop: true });
    await assert.rejects(client().getManifest(repository(), '1.0'), (error: unknown) => isImageError(error, 'network') && /after 3 attempts/.test(error.message) && error.message.includes(`GET http://${at.proxy.host}/v2/app/manifests/1.0 failed`));
    assert.equal(at.proxy.requests.length, 3);
  });

  it('rejects a manifest whose bytes do not match its digest (by tag, by digest, and when mounting)', async () => {
    const tamper = (body: Buffer) => Buffer.from(body.toString('utf8').replace('"schemaVersion":2', '"schemaVersion": 2'));
    at.proxy.intercept = (request) => (request.url?.includes('/manifests/') ? { rewrite: tamper } : undefined);
    const original = readFileSync(path.join(FIXTURES, 'oci-layout/blobs/sha256', manifestDigest.slice(7)));
    const actual = sha256(tamper(original));
    assert.notEqual(actual, manifestDigest);
    await assert.rejects(client().getManifest(repository(), '1.0'), (error: unknown) => isImageError(error, 'digest-mismatch') && error.message.includes(`expected ${manifestDigest}, actual ${actual}`) && /Docker-Content-Digest/.test(error.message));
    await assert.rejects(client().getManifest(repository(), manifestDigest), (error: unknown) => isImageError(error, 'digest-mismatch') && /the digest asked for/.test(error.message));
    await assert.rejects(openSource(`${at.proxy.host}/app:1.0`, { registry: { credentials: noCredentials, cache: path.join(at.work.path, 'cache-a') } }), (error: unknown) => isImageError(error, 'digest-mismatch'));
  });

  it('rejects a blob whose bytes do not match its digest, and does not cache it', async () => {
    const cache = path.join(at.work.path, 'cache-b');
    const source = await openSource(`${at.proxy.host}/app:1.0`, { registry: { credentials: noCredentials, cache } });
    const layer = manifest.layers[manifest.layers.length - 1];
    at.proxy.intercept = (request) => (request.url?.includes('/blobs/') ? { rewrite: (body) => Buffer.concat([body.subarray(0, body.length - 1), Buffer.from([body[body.length - 1] ^ 1])]) } : undefined);
    await assert.rejects(collect(await source.open(layer.digest)), (error: unknown) => isImageError(error, 'digest-mismatch') && error.message.includes(`expected ${layer.digest}`));
    assert.ok(!existsSync(path.join(cache, 'blobs/sha256', layer.digest.slice(7))), 'nothing unverified is cached');
    at.proxy.intercept = undefined;
    assert.equal(sha256(await collect(await source.open(layer.digest))), layer.digest, 'the next read fetches again and verifies');
    assert.ok(existsSync(path.join(cache, 'blobs/sha256', layer.digest.slice(7))));
  });
});

describe('registry: cancellation and timeouts', function () {
  this.timeout(60_000);
  const sockets: { closed: number; requests: number } = { closed: 0, requests: 0 };
  let hanging: http.Server;
  let host = '';
  let stalledBody = false;

  before(async () => {
    // Answers nothing (or, for /stall, headers and half a body), and counts closed connections.
    hanging = http.createServer((request) => {
      sockets.requests++;
      request.socket.once('close', () => sockets.closed++);
      if (stalledBody) {
        const response = request.socket;
        response.write(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n${'x'.repeat(1000)}`);
      }
    });
    host = `127.0.0.1:${await listen(hanging)}`;
  });
  after(async () => {
    await closeServer(hanging);
  });
  beforeEach(() => {
    sockets.closed = 0;
    sockets.requests = 0;
    stalledBody = false;
  });

  const waitFor = async (condition: () => boolean) => {
    for (let attempt = 0; attempt < 100 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    return condition();
  };

  it('aborts a request in flight when the signal fires', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(new RegistryClient({ credentials: noCredentials }).getManifest({ registry: host, repository: 'x' }, 'latest', { signal: controller.signal }), (error: unknown) => isImageError(error, 'cancelled'));
    assert.ok(Date.now() - started < 5000);
    assert.ok(await waitFor(() => sockets.closed >= 1), 'the connection was closed');
  });

  it('aborts a blob body mid-stream when the signal fires', async () => {
    stalledBody = true;
    const controller = new AbortController();
    const stream = await new RegistryClient({ credentials: noCredentials }).openBlob({ registry: host, repository: 'x' }, `sha256:${'a'.repeat(64)}`, {}, { signal: controller.signal });
    const reading = collect(stream);
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(reading, (error: unknown) => isImageError(error, 'cancelled'));
    assert.ok(await waitFor(() => sockets.closed >= 1), 'the connection was closed');
  });

  it('sends nothing when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(new RegistryClient({ credentials: noCredentials }).getManifest({ registry: host, repository: 'x' }, 'latest', { signal: controller.signal }), (error: unknown) => isImageError(error, 'cancelled'));
    assert.equal(sockets.requests, 0);
  });

  it('times out a server that does not answer, retries, then reports it', async () => {
    const client = new RegistryClient({ credentials: noCredentials, http: { timeoutMs: 300, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 0 } } });
    await assert.rejects(client.getManifest({ registry: host, repository: 'x' }, 'latest'), (error: unknown) => isImageError(error, 'network') && /no response within 300 ms/.test(error.message) && /after 2 attempts/.test(error.message));
    assert.equal(sockets.requests, 2);
  });

  it('times out a body that stops flowing', async () => {
    stalledBody = true;
    const client = new RegistryClient({ credentials: noCredentials, http: { idleTimeoutMs: 300 } });
    const stream = await client.openBlob({ registry: host, repository: 'x' }, `sha256:${'a'.repeat(64)}`);
    await assert.rejects(collect(stream), (error: unknown) => isImageError(error, 'network') && /no data for 300 ms/.test(error.message));
  });
});

describe('registry: TLS is verified, even on localhost', function () {
  this.timeout(60_000);
  let server: https.Server;
  let work: ReturnType<typeof temporaryDirectory>;
  let requests = 0;

  before(async function () {
    if (!haveRegistryTools()) this.skip();
    work = temporaryDirectory('cie-tls-');
    const { keyPem, certPem } = selfSignedCertificate(work.path, 'untrusted');
    server = https.createServer({ key: keyPem, cert: certPem }, (_request, response) => {
      requests++;
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    await listen(server);
  });
  after(async () => {
    if (server) await closeServer(server);
    work?.remove();
  });

  it('refuses a self-signed certificate and does not fall back to plain HTTP', async () => {
    const port = (server.address() as { port: number }).port;
    await assert.rejects(new RegistryClient({ credentials: noCredentials }).getManifest({ registry: `127.0.0.1:${port}`, repository: 'x' }, 'latest'), (error: unknown) => isImageError(error, 'network') && /self[- ]signed|certificate/i.test(error.message) && /certificates are always verified/.test(error.message));
    assert.equal(requests, 0);
  });
});

describe('registry: plain-HTTP fallback is remembered per host', function () {
  this.timeout(60_000);
  it('tries TLS once, then speaks HTTP to a loopback registry', async () => {
    const fake = await startFakeServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
      response.end(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:${'b'.repeat(64)}","size":2},"layers":[]}`);
    });
    try {
      const log: string[] = [];
      const client = new RegistryClient({ credentials: noCredentials, http: { log: (line) => log.push(line) } });
      assert.equal(client.transport.origin(fake.host), `https://${fake.host}`, 'https until a plain-HTTP answer is seen');
      await client.getManifest({ registry: fake.host, repository: 'x' }, 'a');
      await client.getManifest({ registry: fake.host, repository: 'x' }, 'b');
      assert.equal(log.filter((line) => line.startsWith('GET https://')).length, 1, 'one TLS attempt');
      assert.match(log[0], /TLS error: wrong version number/);
      assert.equal(log.filter((line) => line.startsWith('GET http://') && line.includes('→ 200')).length, 2);
      assert.equal(client.transport.origin(fake.host), `http://${fake.host}`);
    } finally {
      await fake.stop();
    }
  });
});
