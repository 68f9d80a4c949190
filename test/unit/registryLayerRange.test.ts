/**
 * A big remote gzip layer (real registry, counting proxy): browsing it streams the blob once to
 * make the layer index and checkpoints, and only those are kept (not the blob); reading one file
 * afterwards, even from a new session, is one HTTP Range request of about one checkpoint span.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { LayerStore } from '../../src/core/layers/layerStore';
import { buildImageGraph } from '../../src/core/model/imageGraph';
import { BlobCache } from '../../src/core/registry/blobCache';
import { openSource } from '../../src/core/sources/openSource';
import { buildLayerImage } from './support/layerImage';
import { skopeoPush } from './support/registryServer';
import { collect, useRegistry } from './support/useRegistry';

const SPAN = 1024 * 1024;
/** The test's stand-in for "big": blobs over 1 MiB are not kept whole. */
const KEEP_UP_TO = 1024 * 1024;

describe('registry: a big remote gzip layer is indexed once and read by Range', function () {
  this.timeout(300_000);
  // 24 incompressible 1 MiB files with a small text file after each: a ~24 MiB gzip layer.
  const files: Array<[string, Buffer]> = [];
  for (let number = 0; number < 24; number++) {
    files.push([`data/blob-${number}.bin`, randomBytes(1024 * 1024)]);
    files.push([`notes/note-${number}.txt`, Buffer.from(`note ${number}\n`.repeat(200))]);
  }
  let layerDigest = '';
  let layerSize = 0;
  const at = useRegistry({
    prefix: 'cie-layer-range-',
    populate: async ({ host }, workDirectory) => {
      const image = buildLayerImage(workDirectory, 'big-layout', files);
      ({ layerDigest, layerSize } = image);
      await skopeoPush(`oci:${image.layout}:1.0`, `${host}/big:1.0`);
    },
  });

  it('streams the layer once for its index, keeps the index (not the blob), then reads a file with one bounded Range request', async () => {
    const registryCache = path.join(at.work.path, 'registry-cache');
    const indexCache = path.join(at.work.path, 'layer-indexes');
    const open = () => openSource(`${at.proxy.host}/big:1.0`, { registry: { cache: registryCache, keepBlobsUpTo: KEEP_UP_TO } });
    const source = await open();
    const graph = await buildImageGraph(source);
    const node = graph.nodes.find((candidate) => candidate.kind === 'layer');
    assert.equal(node?.digest, layerDigest);
    const layer = { mediaType: node.mediaType, digest: node.digest, size: node.size };
    assert.ok(layerSize > 20 * SPAN, `the layer is ${layerSize} bytes`);

    at.proxy.reset();
    const index = await new LayerStore({ cacheDirectory: indexCache, span: SPAN }).index(source, layer);
    assert.equal(index.entries.filter((entry) => entry.type === 'file').length, files.length);
    assert.deepEqual(at.proxy.requests.map((request) => [request.method, request.path, request.headers.range ?? 'whole']), [['GET', `/v2/big/blobs/${layerDigest}`, 'whole']], 'one streaming pass');
    assert.equal(at.proxy.requests[0].bytes, layerSize);
    assert.equal(await new BlobCache({ directory: registryCache }).stat(layerDigest), undefined, 'the big blob itself is not kept');
    assert.ok(readdirSync(indexCache, { recursive: true }).length > 0 && existsSync(indexCache), 'its index and checkpoints are');
    await source.close();

    // A new session: the index comes from disk, the file from one Range request.
    const reopened = await open();
    await buildImageGraph(reopened);
    const store = new LayerStore({ cacheDirectory: indexCache, span: SPAN });
    const [name, expected] = files[25];
    const entry = (await store.index(reopened, layer)).entries.find((candidate) => candidate.path === name);
    assert.ok(entry, name);
    at.proxy.reset();
    const bytes = await collect(await store.readEntry(reopened, layer, entry));
    assert.deepEqual(bytes, expected, `${name} reads back`);
    assert.equal(store.counters.scans, 0, 'no second pass');
    assert.equal(at.proxy.requests.length, 1, `one request, got ${at.proxy.requests.map((request) => `${request.method} ${request.path} ${request.headers.range}`).join('; ')}`);
    const [read] = at.proxy.requests;
    assert.equal(read.status, 206);
    const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(String(read.headers.range)) ?? [];
    assert.ok(first !== undefined && last !== undefined, `a bounded range, got ${read.headers.range}`);
    assert.ok(read.bytes < 2 * SPAN, `${read.bytes} bytes on the wire for a ${expected.length}-byte file: less than two ${SPAN}-byte spans`);
    const asked = Number(last) - Number(first) + 1;
    assert.ok(asked < 2 * SPAN, `the Range asks for ${asked} bytes: less than two spans, not the rest of the blob`);
    assert.ok(read.bytes <= asked);
    await reopened.close();
  });
});
