import * as assert from 'node:assert/strict';
import { isImageError } from '../../src/core/errors';
import { historyForLayers, parseImageConfig } from '../../src/core/model/config';
import { formatPlatform, parsePlatform } from '../../src/core/model/descriptor';
import { jsonErrorOffset } from '../../src/core/model/jsonErrorOffset';
import { parseImageDocument } from '../../src/core/model/manifest';
import { kindOfLayer, kindOfManifestLike } from '../../src/core/model/nodeKind';
import { detectCompression, looksLikeTar } from '../../src/core/compression/detect';
import { isDigest, parseDigest } from '../../src/core/digest';

const where = { subject: 'test' };
const digest = (char: string) => `sha256:${char.repeat(64)}`;

describe('digests', () => {
  it('accepts sha256 and sha512 of the right length only', () => {
    assert.ok(isDigest(digest('a')));
    assert.ok(isDigest(`sha512:${'b'.repeat(128)}`));
    for (const bad of ['sha256:../../etc/passwd', `sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, `md5:${'a'.repeat(32)}`, '', 42]) assert.equal(isDigest(bad), false, String(bad));
  });

  it('names the bad value in the error', () => {
    assert.throws(() => parseDigest('sha256:../x', { source: 'layout' }), (error: unknown) => isImageError(error, 'invalid-digest') && /layout: .*sha256:\.\.\/x/.test((error as Error).message));
  });
});

describe('image documents', () => {
  it('reads an OCI index with platforms and attestation annotations', () => {
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digest('1'), size: 10, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digest('2'), size: 11, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': digest('1') } },
      ],
    };
    const document = parseImageDocument(Buffer.from(JSON.stringify(index)), undefined, where);
    assert.equal(document.type, 'index');
    if (document.type !== 'index') return;
    assert.equal(formatPlatform(document.manifests[0].platform), 'linux/arm64/v8');
    assert.equal(kindOfManifestLike(document.manifests[1], undefined), 'attestation-manifest');
    assert.equal(kindOfManifestLike(document.manifests[0], undefined), 'manifest');
  });

  it('tells artifacts from images by config media type, artifactType or subject', () => {
    const manifest = (extra: object) => parseImageDocument(Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest('c'), size: 2 }, layers: [], ...extra })), 'application/vnd.oci.image.manifest.v1+json', where);
    const descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digest('d'), size: 1 };
    assert.equal(kindOfManifestLike(descriptor, manifest({})), 'manifest');
    assert.equal(kindOfManifestLike(descriptor, manifest({ artifactType: 'application/vnd.cncf.helm.chart' })), 'artifact');
    assert.equal(kindOfManifestLike(descriptor, manifest({ subject: { mediaType: descriptor.mediaType, digest: digest('e'), size: 3 } })), 'artifact');
    assert.equal(kindOfManifestLike(descriptor, manifest({ config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digest('f'), size: 2 } })), 'artifact');
    assert.equal(kindOfLayer({ mediaType: 'application/vnd.in-toto+json', digest: digest('a'), size: 1 }, 'attestation-manifest'), 'attestation');
  });

  it('recognises Docker schema 1 and lists its layers base first', () => {
    const schema1 = { schemaVersion: 1, name: 'library/x', tag: 'latest', architecture: 'amd64', fsLayers: [{ blobSum: digest('2') }, { blobSum: digest('1') }], history: [{ v1Compatibility: '{"id":"2"}' }, { v1Compatibility: '{"id":"1"}' }] };
    const document = parseImageDocument(Buffer.from(JSON.stringify(schema1)), undefined, where);
    assert.equal(document.type, 'schema1');
    if (document.type === 'schema1') assert.deepEqual(document.layerDigests, [digest('1'), digest('2')]);
  });

  it('treats "manifests": null as an empty index (ggcr hello-world-v25)', () => {
    const document = parseImageDocument(Buffer.from('{"schemaVersion":2,"manifests":null}'), undefined, where);
    assert.equal(document.type === 'index' && document.manifests.length, 0);
  });

  it('says where bad JSON breaks and what a bad descriptor lacks', () => {
    assert.throws(() => parseImageDocument(Buffer.from('{\n  "manifests": [,]\n}'), undefined, { source: 'a.tar', subject: 'index.json' }), (error: unknown) => isImageError(error, 'bad-json') && /a\.tar: index\.json: .*line 2/.test((error as Error).message));
    assert.throws(() => parseImageDocument(Buffer.from('{"manifests":[{"digest":"sha256:xyz","size":1}]}'), undefined, where), (error: unknown) => isImageError(error, 'invalid-digest') && /manifests\[0\]\.digest/.test((error as Error).message));
    assert.throws(() => parseImageDocument(Buffer.from('{"hello":1}'), undefined, where), (error: unknown) => isImageError(error, 'bad-json'));
  });
});

describe('image config', () => {
  it('maps history entries to layers, skipping empty_layer', () => {
    const config = parseImageConfig(
      Buffer.from(JSON.stringify({ os: 'linux', architecture: 'arm', variant: 'v7', config: { Env: ['A=1'], Cmd: ['sh'], WorkingDir: '/app', Labels: { a: 'b' } }, rootfs: { type: 'layers', diff_ids: [digest('1'), digest('2')] }, history: [{ created_by: 'ADD a' }, { created_by: 'ENV x', empty_layer: true }, { created_by: 'RUN b' }] })),
      where,
    );
    assert.equal(formatPlatform(config.platform), 'linux/arm/v7');
    assert.deepEqual(config.env, ['A=1']);
    assert.deepEqual(config.labels, { a: 'b' });
    assert.deepEqual(historyForLayers(config, 2).map((entry) => entry?.createdBy), ['ADD a', 'RUN b']);
    assert.deepEqual(historyForLayers(config, 3).map((entry) => entry?.createdBy), ['ADD a', 'RUN b', undefined]);
  });

  it('parses platforms both ways', () => {
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.equal(parsePlatform('linux'), undefined);
    assert.equal(formatPlatform({ os: '', architecture: '' }), undefined, 'a config of {} has no platform (regclient a-docker)');
  });
});

describe('compression detection', () => {
  it('goes by magic bytes', () => {
    assert.equal(detectCompression(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0])), 'gzip');
    assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), 'zstd');
    assert.equal(detectCompression(Buffer.from('ustar!')), 'none');
    assert.equal(looksLikeTar(Buffer.alloc(512)), false);
  });
});

describe('JSON error positions', () => {
  it('points at the first broken character', () => {
    const cases: Array<[string, number | undefined]> = [
      ['{"a": [1, 2]}', undefined],
      ['{"a": [,]}', 7],
      ['{"a" 1}', 5],
      ['[1, 2', 5],
      ['{"a": tru}', 6],
      ['{"a": "x\u0001"}', 8],
      ['{} x', 3],
      ['', 0],
    ];
    for (const [text, expected] of cases) {
      assert.equal(jsonErrorOffset(text), expected, JSON.stringify(text));
      assert.equal(expected === undefined, (() => { try { JSON.parse(text); return true; } catch { return false; } })(), `agrees with JSON.parse on ${JSON.stringify(text)}`);
    }
  });
});
