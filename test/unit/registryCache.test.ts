import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isImageError } from '../../src/core/errors';
import { BlobCache, cacheLimitFromEnvironment, DEFAULT_CACHE_LIMIT, defaultCacheDirectory } from '../../src/core/registry/blobCache';
import { digestedBytes } from '../../src/core/registry/manifest';
import { schema1SignedPayload } from '../../src/core/registry/schema1';
import { VerifyingReader } from '../../src/core/registry/verifyingReader';
import { temporaryDirectory } from './support/registryServer';
import { collect } from './support/useRegistry';

const digestOf = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;


describe('registry: blob cache', () => {
  let directory: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => (directory = temporaryDirectory('cie-cache-')));
  afterEach(() => directory.remove());

  it('defaults to ${XDG_CACHE_HOME:-~/.cache}/container-image-explorer/registry', () => {
    assert.equal(defaultCacheDirectory({ XDG_CACHE_HOME: '/x' }), '/x/container-image-explorer/registry');
    assert.equal(defaultCacheDirectory({ HOME: '/home/u' }), '/home/u/.cache/container-image-explorer/registry');
  });

  it('takes its size limit from CIE_REGISTRY_CACHE_SIZE (bytes or K/M/G), naming the variable when it does not parse', () => {
    assert.equal(cacheLimitFromEnvironment({}), DEFAULT_CACHE_LIMIT);
    assert.equal(cacheLimitFromEnvironment({ CIE_REGISTRY_CACHE_SIZE: '500M' }), 500 * 1024 * 1024);
    assert.equal(cacheLimitFromEnvironment({ CIE_REGISTRY_CACHE_SIZE: '1.5GiB' }), 1.5 * 1024 ** 3);
    assert.equal(cacheLimitFromEnvironment({ CIE_REGISTRY_CACHE_SIZE: '4096' }), 4096);
    assert.throws(() => cacheLimitFromEnvironment({ CIE_REGISTRY_CACHE_SIZE: 'lots' }), (error: unknown) => isImageError(error, 'usage') && /CIE_REGISTRY_CACHE_SIZE is "lots"/.test(error.message));
  });

  it('stores by digest, reads whole and ranges, remembers tags and media types, and clears', async () => {
    const cache = new BlobCache({ directory: directory.path });
    const bytes = Buffer.from('hello registry cache');
    const digest = digestOf(bytes);
    assert.equal(await cache.stat(digest), undefined);
    await cache.put(digest, bytes);
    assert.deepEqual(await cache.stat(digest), { size: bytes.length });
    assert.deepEqual(await cache.read(digest), bytes);
    assert.equal((await collect(cache.open(digest, { start: 6, end: 14 }))).toString(), 'registry');
    assert.equal((await collect(cache.open(digest, { start: 3, end: 3 }))).length, 0);
    await cache.setMediaType(digest, 'application/vnd.oci.image.index.v1+json');
    assert.equal(await cache.mediaType(digest), 'application/vnd.oci.image.index.v1+json');
    await cache.setTag('127.0.0.1:5000/x:1', { digest, mediaType: 'm', size: 3 });
    assert.deepEqual(await cache.tag('127.0.0.1:5000/x:1'), { digest, mediaType: 'm', size: 3 });
    assert.equal(await cache.tag('127.0.0.1:5000/x:2'), undefined);
    assert.ok(existsSync(path.join(directory.path, 'CACHEDIR.TAG')));
    await cache.clear();
    assert.equal(await cache.stat(digest), undefined);
    assert.equal(await cache.tag('127.0.0.1:5000/x:1'), undefined);
    assert.deepEqual(await cache.usage(), { files: 0, bytes: 0 });
  });

  it('refuses digests that would escape the cache directory', async () => {
    const cache = new BlobCache({ directory: directory.path });
    await assert.rejects(cache.stat('sha256:../../etc/passwd'), (error: unknown) => isImageError(error, 'invalid-digest'));
  });

  it('keeps nothing from an aborted download', async () => {
    const cache = new BlobCache({ directory: directory.path });
    const sink = await cache.writer(digestOf('x'), 1);
    await sink!.write(Buffer.from('x'));
    await sink!.abort();
    assert.equal(await cache.stat(digestOf('x')), undefined);
    assert.deepEqual(readdirSync(path.join(directory.path, 'tmp')), []);
  });

  it('evicts the least recently used blobs beyond its limit (use refreshes a blob)', async () => {
    const cache = new BlobCache({ directory: directory.path, maxBytes: 350 });
    const blobs = ['a', 'b', 'c', 'd'].map((letter) => Buffer.alloc(100, letter));
    const digests = blobs.map((blob) => digestOf(blob));
    for (let index = 0; index < 3; index++) {
      await cache.put(digests[index], blobs[index]);
      const file = path.join(directory.path, 'blobs', 'sha256', digests[index].slice(7));
      const past = new Date(Date.now() - (10 - index) * 60_000);
      utimesSync(file, past, past); // a: oldest, c: newest
    }
    assert.ok(await cache.stat(digests[0]), 'reading a refreshes it');
    await cache.put(digests[3], blobs[3]);
    assert.ok(await cache.stat(digests[0]), 'a was used recently');
    assert.equal(await cache.stat(digests[1]), undefined, 'b is the least recently used');
    assert.ok(await cache.stat(digests[2]));
    assert.ok(await cache.stat(digests[3]));
    assert.equal((await cache.usage()).bytes, 300, 'down to 90% of the limit: one blob went');
    assert.equal(await cache.writer(digestOf('big'), 351), undefined, 'a blob larger than the cache is not cached');
  });
});

describe('registry: verifying reader', () => {
  let directory: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => (directory = temporaryDirectory('cie-verify-')));
  afterEach(() => directory.remove());

  const chunks = (text: string) => Readable.from(text.match(/.{1,3}/gs)!.map((part) => Buffer.from(part)));

  it('passes matching content through and commits it to the cache', async () => {
    const cache = new BlobCache({ directory: directory.path });
    const text = 'verified content, in small chunks';
    const digest = digestOf(text);
    const reader = new VerifyingReader({ digest, size: text.length, source: 'test', sink: await cache.writer(digest) });
    const out = await collect(chunks(text).pipe(reader));
    assert.equal(out.toString(), text);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await cache.read(digest), Buffer.from(text));
  });

  it('fails a digest mismatch at the end, naming expected and actual, and caches nothing', async () => {
    const cache = new BlobCache({ directory: directory.path });
    const expected = digestOf('the real content');
    const reader = new VerifyingReader({ digest: expected, source: 'test', sink: await cache.writer(expected) });
    await assert.rejects(pipeline(chunks('tampered content'), reader, async function* (source) {
      for await (const chunk of source) yield chunk;
    }), (error: unknown) => isImageError(error, 'digest-mismatch') && error.message.includes(`expected ${expected}`) && error.message.includes(`actual ${digestOf('tampered content')}`));
    assert.equal(await cache.stat(expected), undefined);
  });

  it('keeps reading when the cache cannot write (disk full), and drops the partial file', async () => {
    const text = 'content that the cache fails to keep';
    let aborted = 0;
    const sink = { write: async () => Promise.reject(new Error('ENOSPC')), commit: async () => assert.fail('not committed'), abort: async () => void aborted++ };
    const out = await collect(chunks(text).pipe(new VerifyingReader({ digest: digestOf(text), source: 't', sink })));
    assert.equal(out.toString(), text);
    assert.equal(aborted, 1);
  });

  it('fails a short or long blob on its size', async () => {
    const text = 'twelve bytes';
    await assert.rejects(collect(chunks(text).pipe(new VerifyingReader({ digest: digestOf(text), size: 13, source: 't' }))), (error: unknown) => isImageError(error, 'size-mismatch') && /ended after 12 of the 13/.test(error.message));
    await assert.rejects(collect(chunks(text).pipe(new VerifyingReader({ digest: digestOf(text), size: 5, source: 't' }))), (error: unknown) => isImageError(error, 'size-mismatch') && /longer than the 5/.test(error.message));
  });
});

describe('registry: signed schema 1 manifests are digested without their signatures', () => {
  it('rebuilds the payload from formatLength and formatTail', () => {
    const payload = '{\n   "schemaVersion": 1,\n   "name": "library/x",\n   "tag": "1",\n   "architecture": "amd64",\n   "fsLayers": [],\n   "history": []\n}';
    const formatLength = payload.length - 2; // up to the final "\n}"
    const protectedHeader = Buffer.from(JSON.stringify({ formatLength, formatTail: Buffer.from('\n}').toString('base64url'), time: '2016-01-01T00:00:00Z' })).toString('base64url');
    const signed = `${payload.slice(0, formatLength)},\n   "signatures": [\n      {\n         "header": {"alg": "ES256"},\n         "signature": "sig",\n         "protected": "${protectedHeader}"\n      }\n   ]\n}`;
    const bytes = Buffer.from(signed);
    assert.equal(schema1SignedPayload(bytes)?.toString(), payload);
    assert.equal(digestOf(digestedBytes(bytes, 'application/vnd.docker.distribution.manifest.v1+prettyjws')), digestOf(payload));
    assert.equal(digestedBytes(bytes, 'application/vnd.oci.image.manifest.v1+json'), bytes, 'other manifests are digested as they are');
    assert.equal(schema1SignedPayload(Buffer.from(payload)), undefined, 'unsigned: no payload to extract');
  });
});
