/**
 * RegistrySource and the distribution client against a real registry (Debian's docker-registry,
 * anonymous, plain HTTP on 127.0.0.1), with a counting proxy in front to check that a mount is the
 * minimal request sequence, a reopen one HEAD, and that blobs are fetched once.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isImageError } from '../../src/core/errors';
import { verifyBlob } from '../../src/core/integrity';
import { buildImageGraph } from '../../src/core/model/imageGraph';
import { RegistryClient } from '../../src/core/registry/client';
import { openSource } from '../../src/core/sources/openSource';
import { RegistrySource } from '../../src/core/sources/registrySource';
import { buildArtifactLayout, FIXTURES, putManifest, skopeoPush, type Proxy } from './support/registryServer';
import { collect, useRegistry } from './support/useRegistry';

const REPO_ROOT = path.resolve(__dirname, '../..');
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** `METHOD path` of each request the proxy saw, in order. */
const seen = (proxy: Proxy) => proxy.requests.map((request) => `${request.method} ${request.path}`);

describe('registry: pulling from a real registry (anonymous HTTP)', function () {
  this.timeout(300_000);
  const indexDigest = JSON.parse(readFileSync(path.join(FIXTURES, 'multi-platform-layout/index.json'), 'utf8')).manifests[0].digest as string;
  let artifactDigest = '';
  let fallbackTag = '';
  let cacheCount = 0;
  const at = useRegistry({
    prefix: 'cie-pull-',
    populate: async ({ host }, workDirectory) => {
      await skopeoPush(`oci:${FIXTURES}/multi-platform-layout:1.0`, `${host}/multi:1.0`);
      await skopeoPush(`oci:${FIXTURES}/zstd-layout:1.0`, `${host}/zstd:1.0`);
      for (const tag of ['1.0', '1.1', '2.0']) await skopeoPush(`oci:${FIXTURES}/oci-layout:1.0`, `${host}/app:${tag}`);
      const indexSize = readFileSync(path.join(FIXTURES, 'multi-platform-layout/blobs/sha256', indexDigest.slice(7))).length;
      const artifact = buildArtifactLayout(workDirectory, { mediaType: 'application/vnd.oci.image.index.v1+json', digest: indexDigest, size: indexSize }, 'application/spdx+json');
      artifactDigest = artifact.artifactDigest;
      fallbackTag = artifact.fallbackTag;
      await skopeoPush(`oci:${artifact.layout}:sbom`, `${host}/multi:sbom`);
      await putManifest(host, 'multi', fallbackTag, artifact.referrersIndex, 'application/vnd.oci.image.index.v1+json');
    },
  });
  const freshCache = () => path.join(at.work.path, `cache-${++cacheCount}`);

  it('mounts a tag with one manifest GET, reopens with one HEAD, and reads deeper documents only when asked', async () => {
    const cache = freshCache();
    const reference = `${at.proxy.host}/multi:1.0`;
    const first = await openSource(reference, { registry: { cache } });
    const shallow = await buildImageGraph(first, { depth: 'roots' });
    assert.deepEqual(seen(at.proxy), ['GET /v2/multi/manifests/1.0'], 'a mount fetches the index and nothing else');
    assert.equal(first.kind, 'registry');
    assert.deepEqual(shallow.roots.map((root) => [root.names, root.digest]), [[[reference], indexDigest]]);
    assert.deepEqual(shallow.nodes.map((node) => [node.kind, node.platform ?? '', node.present]), [['index', '', true], ['manifest', 'linux/amd64', true], ['manifest', 'linux/arm64/v8', true]]);
    assert.deepEqual([...shallow.documents.keys()], [indexDigest], 'only the root document was read');
    await first.close();

    at.proxy.reset();
    const second = await openSource(reference, { registry: { cache } });
    await buildImageGraph(second, { depth: 'roots' });
    assert.deepEqual(seen(at.proxy), ['HEAD /v2/multi/manifests/1.0'], 'a reopen costs one HEAD (tag → digest) and cache hits');

    at.proxy.reset();
    const full = await buildImageGraph(second);
    const children = shallow.nodes.slice(1).map((node) => `GET /v2/multi/manifests/${node.digest}`);
    assert.deepEqual(seen(at.proxy).sort(), children.sort(), 'the full walk fetches each platform manifest once; configs and layers are not read');
    assert.deepEqual(full.nodes.map((node) => node.kind), ['index', 'manifest', 'manifest', 'config', 'layer', 'layer', 'layer', 'config', 'layer']);
    assert.ok(full.nodes.every((node) => node.present));
    await second.close();

    at.proxy.reset();
    const third = await openSource(reference, { registry: { cache } });
    await buildImageGraph(third);
    assert.deepEqual(seen(at.proxy), ['HEAD /v2/multi/manifests/1.0'], 'with everything cached even the full walk is one HEAD');
  });

  it('opens a digest reference from the cache without any request', async () => {
    const cache = freshCache();
    const reference = `docker://${at.proxy.host}/multi@${indexDigest}`;
    const cold = await openSource(reference, { registry: { cache } });
    assert.deepEqual(seen(at.proxy), [`GET /v2/multi/manifests/${indexDigest}`]);
    assert.equal((await cold.roots())[0].descriptor.mediaType, 'application/vnd.oci.image.index.v1+json');
    at.proxy.reset();
    const warm = await openSource(reference, { registry: { cache } });
    assert.deepEqual(seen(at.proxy), []);
    assert.deepEqual((await warm.roots())[0].descriptor, (await cold.roots())[0].descriptor);
  });

  it('fetches a layer once: verified, cached, shared by concurrent readers; a range is a Range request', async () => {
    const cache = freshCache();
    const source = await openSource(`${at.proxy.host}/app:1.0`, { registry: { cache } });
    const graph = await buildImageGraph(source);
    const layers = graph.nodes.filter((node) => node.kind === 'layer');
    assert.equal(layers.length, 3);
    const [big, other] = [...layers].sort((a, b) => b.size - a.size);
    at.proxy.reset();
    const [one, two] = await Promise.all([collect(await source.open(big.digest)), collect(await source.open(big.digest))]);
    assert.equal(sha256(one), big.digest);
    assert.deepEqual(two, one);
    assert.deepEqual(seen(at.proxy), [`GET /v2/app/blobs/${big.digest}`], 'two concurrent readers, one download');
    assert.equal(at.proxy.requests[0].headers['accept-encoding'], 'identity', 'blob bytes are hashed as stored: no transfer compression');
    at.proxy.reset();
    assert.deepEqual(await collect(await source.open(big.digest, { start: 100, end: 5000 })), one.subarray(100, 5000));
    assert.deepEqual(seen(at.proxy), [], 'a range of a cached blob is read from the cache');
    const local = await source.localRange?.(big.digest);
    assert.equal(local?.length, big.size);
    assert.equal(sha256(readFileSync(local!.path)), big.digest, 'a cached blob is a local file');
    assert.equal(await source.localRange?.(other.digest), undefined, 'an uncached one is not');

    const whole = await collect(await (await openSource(`${at.registry.host}/app:1.0`, { registry: { cache: false } })).open(other.digest));
    at.proxy.reset();
    const part = await collect(await source.open(other.digest, { start: 10, end: 60 }));
    assert.deepEqual(part, whole.subarray(10, 60));
    assert.deepEqual(seen(at.proxy), [`GET /v2/app/blobs/${other.digest}`]);
    assert.equal(at.proxy.requests[0].headers.range, 'bytes=10-59');
    assert.equal(at.proxy.requests[0].headers['accept-encoding'], 'identity', 'blob bytes are hashed as stored: no transfer compression');
    assert.equal(at.proxy.requests[0].status, 206);
    assert.deepEqual(await collect(await source.open(other.digest, { start: 7, end: 7 })), Buffer.alloc(0));
  });

  it('verifies every blob of a zstd image and of a two-platform index', async () => {
    for (const reference of [`${at.registry.host}/zstd:1.0`, `${at.registry.host}/multi:1.0`]) {
      const source = await openSource(reference, { registry: { cache: freshCache() } });
      const graph = await buildImageGraph(source);
      if (reference.includes('zstd')) assert.ok(graph.nodes.some((node) => node.mediaType === 'application/vnd.oci.image.layer.v1.tar+zstd'), 'zstd layers keep their media type');
      for (const node of graph.nodes) {
        const check = await verifyBlob(source, node.digest, node.size);
        assert.ok(check.ok, `${reference} ${node.kind} ${node.digest}: ${check.problem}`);
      }
      await source.close();
    }
  });

  it('pings: the registry speaks the v2 API, openly', async () => {
    const result = await new RegistryClient({ credentials: async () => undefined }).ping(at.proxy.host);
    assert.deepEqual([result.origin, result.status, result.apiVersion, result.challenges], [`http://${at.proxy.host}`, 200, 'registry/2.0', []]);
  });

  it('lists tags (distribution 2.8 answers them in one page; Link pages are tested against a fake server)', async () => {
    const client = new RegistryClient({ credentials: async () => undefined });
    const tags = await client.listTags({ registry: at.proxy.host, repository: 'app' }, { pageSize: 1 });
    assert.deepEqual([...tags].sort(), ['1.0', '1.1', '2.0']);
    assert.deepEqual(seen(at.proxy), ['GET /v2/app/tags/list?n=1']);
    assert.deepEqual([...(await client.listTags({ registry: at.proxy.host, repository: 'multi' }))].sort(), ['1.0', fallbackTag, 'sbom'].sort());
    await assert.rejects(client.listTags({ registry: at.proxy.host, repository: 'does/not/exist' }), (error: unknown) => isImageError(error, 'not-found') && /NAME_UNKNOWN/.test(error.message));
  });

  it('finds referrers through the referrers tag schema when the referrers API answers 404', async () => {
    const client = new RegistryClient({ credentials: async () => undefined });
    const repository = { registry: at.proxy.host, repository: 'multi' };
    const found = await client.referrers(repository, indexDigest);
    assert.equal(found.via, 'tag-schema');
    assert.deepEqual(found.descriptors.map((descriptor) => [descriptor.digest, descriptor.artifactType]), [[artifactDigest, 'application/spdx+json']]);
    assert.deepEqual(seen(at.proxy), [`GET /v2/multi/referrers/${indexDigest}`, `GET /v2/multi/manifests/${fallbackTag}`]);
    assert.deepEqual((await client.referrers(repository, indexDigest, 'application/vnd.example.other')).descriptors, [], 'artifactType filters');
    assert.deepEqual(await client.referrers(repository, `sha256:${'0'.repeat(64)}`), { descriptors: [], via: 'none' });

    const artifact = await openSource(`${at.registry.host}/multi:sbom`, { registry: { cache: false } });
    const graph = await buildImageGraph(artifact);
    assert.equal(graph.nodes[0].kind, 'artifact');
    assert.equal(graph.nodes[0].subject, indexDigest);
    assert.equal(graph.nodes[0].artifactType, 'application/spdx+json');
    const viaSource = await (artifact as RegistrySource).referrers(indexDigest);
    assert.equal(viaSource.descriptors[0]?.digest, artifactDigest);
  });

  it('reports a missing tag or repository as not-found, naming the reference', async () => {
    await assert.rejects(openSource(`${at.registry.host}/multi:nope`, { registry: { cache: false } }), (error: unknown) => isImageError(error, 'not-found') && error.message.startsWith(`${at.registry.host}/multi:nope: manifest nope: not found`) && /MANIFEST_UNKNOWN/.test(error.message) && /there is no file or directory ".*", so it was read as a registry reference/.test(error.message));
    await assert.rejects(openSource(`docker://${at.registry.host}/multi:nope`, { registry: { cache: false } }), (error: unknown) => isImageError(error, 'not-found') && !/read as a registry reference/.test(error.message), 'docker:// says what it is');
    await assert.rejects(openSource(`${at.registry.host}/nothing/here:1`, { registry: { cache: false } }), (error: unknown) => isImageError(error, 'not-found'));
    await assert.rejects(openSource('./missing-archive.tar'), (error: unknown) => isImageError(error, 'not-found') && /no such file/.test(error.message), 'a file name is not sent to a registry');
  });

  it('serves tree, verify and tags from the CLI', function () {
    const cli = (args: string[]) => spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(REPO_ROOT, 'src/cli.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_CACHE_HOME: path.join(at.work.path, 'xdg') } });
    const tree = cli(['tree', '--json', `${at.registry.host}/multi:1.0`]);
    assert.equal(tree.status, 0, tree.stderr);
    const json = JSON.parse(tree.stdout) as { source: { kind: string }; nodes: Array<{ kind: string }> };
    assert.equal(json.source.kind, 'registry');
    assert.equal(json.nodes.length, 9);
    const verify = cli(['verify', `docker://${at.registry.host}/zstd:1.0`]);
    assert.equal(verify.status, 0, verify.stderr);
    assert.match(verify.stdout, /5 blobs checked, 0 failed/);
    const tags = cli(['tags', '--json', `${at.registry.host}/app`]);
    assert.equal(tags.status, 0, tags.stderr);
    const listed = JSON.parse(tags.stdout) as { repository: string; tags: string[] };
    assert.equal(listed.repository, `${at.registry.host}/app`);
    assert.deepEqual(listed.tags.sort(), ['1.0', '1.1', '2.0']);
    const missing = cli(['tree', `${at.registry.host}/multi:absent`]);
    assert.equal(missing.status, 3);
    assert.match(missing.stderr, /not found/);
  });
});
