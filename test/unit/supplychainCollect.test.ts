/**
 * collectAttestations over real sources: BuildKit attestation manifests (docker/attest layouts,
 * snyk's containerd export), OCI 1.1 referrers (notation, regclient), sources with none (oras), and
 * a layout written here for what the corpus lacks (cosign tags, digest mismatches, missing blobs).
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildImageGraph, type ImageGraph } from '../../src/core/model/imageGraph';
import { Readable } from 'node:stream';
import type { ImageSource } from '../../src/core/sources/imageSource';
import { ReadLimits } from '../../src/core/sources/limits';
import { openSource } from '../../src/core/sources/openSource';
import { attestationPlaces, attestedImages, collectAttestations, describeArtifact, readAttestationAt, type CollectedAttestation } from '../../src/core/supplychain';
import { CORPUS_DIR } from './support/corpus';

const corpusPresent = existsSync(path.join(CORPUS_DIR, 'README.md'));
const corpus = (relative: string) => path.join(CORPUS_DIR, relative);

async function collectAll(location: string): Promise<{ graph: ImageGraph; items: CollectedAttestation[] }> {
  const source = await openSource(location);
  try {
    const graph = await buildImageGraph(source);
    const items: CollectedAttestation[] = [];
    for (const image of attestedImages(graph)) items.push(...(await collectAttestations(source, graph, image.digest)));
    return { graph, items };
  } finally {
    await source.close();
  }
}

function assertNoUnknownPlatform(items: CollectedAttestation[]): void {
  for (const item of items) assert.ok(item.platform === undefined || !/unknown|^\/|\/$/.test(item.platform), `platform ${item.platform}`);
}

describe('supplychain: collectAttestations on corpus sources', function () {
  this.timeout(120_000);
  before(function () {
    if (!corpusPresent) {
      console.log(`corpus not found at ${CORPUS_DIR}: supply-chain collection tests skipped`);
      this.skip();
    }
  });

  it('docker/attest no-provenance-index: one SPDX SBOM per platform image, from its attestation manifest', async () => {
    const { items } = await collectAll(corpus('docker__attest/test/testdata/no-provenance-index'));
    assert.deepEqual(
      items.map((item) => [item.image, item.platform, item.origin, item.container, item.layer?.digest, item.summary.label]),
      [
        ['sha256:7ae6b41655929ad8e1848064874a98ac3f68884996c79907f6525e3045f75390', 'linux/amd64', 'attestation-manifest', 'sha256:059eea09507d0f904b8892ee59fcd3ddec1a637fc40fb7c83c432c6ff27e2f91', 'sha256:618f1e2f903648dde23cc38dc0ed7eed83d5394a6902bb7bfae8fa707c2e5c33', 'SBOM (SPDX 2.3) · 1 package'],
        ['sha256:52f7a760b9322aa1af76d998763868b7d1bfec2331a2574a438ef44c92c0c46d', 'linux/arm64', 'attestation-manifest', 'sha256:0b1ee0f360b073d2f76ceed15a63e291659fbcc6c3caf3be39e437d8344b520e', 'sha256:f0dac65dd0ff6a656c419c654ac672c38029a3f1a4b4acce062bd2f5a923ffae', 'SBOM (SPDX 2.3) · 1 package'],
      ],
    );
    for (const item of items) {
      assert.equal(item.summary.predicateType, 'https://spdx.dev/Document');
      assert.deepEqual(item.summary.subjects.map((subject) => subject.digest), [item.image]);
      assert.deepEqual(item.summary.problems, []);
      assert.equal(item.artifact.name, 'BuildKit attestations');
    }
  });

  it('docker/attest containerd-subject-layout: the SBOM of a scratch image whose manifest has "layers": null', async () => {
    const { items } = await collectAll(corpus('docker__attest/test/testdata/containerd-subject-layout'));
    assert.equal(items.length, 1);
    assert.equal(items[0].image, 'sha256:e44a73ec811b0442dfcdd13a0eb035746d0569662684dafe2f3e8abe644871ec');
    assert.equal(items[0].platform, 'linux/arm64');
    assert.equal(items[0].summary.kind, 'sbom');
    assert.equal(items[0].summary.format, 'SPDX 2.3');
    assert.deepEqual(items[0].summary.subjects, [{ name: 'pkg:docker/test@latest?platform=linux%2Farm64', digest: items[0].image }]);
    assert.deepEqual(items[0].summary.problems, []);
  });

  it('snyk busybox with attestation manifest: SLSA v0.2 provenance by buildkit, with materials', async () => {
    const location = corpus('snyk__snyk-docker-plugin/test/fixtures/containerd-archives/busybox-single-arch-with-attestation-manifest.tar');
    const { items } = await collectAll(location);
    assert.equal(items.length, 1);
    const [item] = items;
    assert.equal(item.image, 'sha256:cf7d823e4eea96316ae629fb9a45b4211869162a5f5dc1654928c7ca530ed810');
    assert.equal(item.platform, 'linux/arm64');
    assert.equal(item.summary.label, 'Provenance (SLSA v0.2) · buildkit');
    assert.equal(item.summary.builderId, undefined);
    assert.deepEqual(item.summary.subjects, [{ name: 'pkg:docker/foo/bar@v3?platform=linux%2Farm64', digest: item.image }]);
    const source = await openSource(location);
    try {
      const document = await readAttestationAt(source, item);
      assert.deepEqual(document.provenance?.materials, [{ uri: 'pkg:docker/busybox@latest?platform=linux%2Farm64', digest: 'sha256:f85340bf132ae937d2c2a763b8335c9bab35d6e8293f70f606b9c6178d84f42b' }]);
      assert.equal(document.provenance?.builderPlatform, 'linux/arm64');
    } finally {
      await source.close();
    }
  });

  it('notation: a JWS signature referrer on an artifact, signed by CN=testcert7', async () => {
    const { items } = await collectAll(corpus('notaryproject__notation/test/e2e/testdata/registry/oci_layout/e2e-with-timestamped-signature'));
    assert.equal(items.length, 1);
    const [item] = items;
    assert.equal(item.image, 'sha256:53b0191218aed9a3c1f7c661736ac40cfc8eb928642348fd843ba3f0483c0c20');
    assert.equal(item.platform, undefined, 'the signed artifact has no platform');
    assert.equal(item.origin, 'referrer');
    assert.equal(item.container, 'sha256:6a5cd3a886707a317935dcaf13954fc80ef9aeb665262b6ae4fe469ad7ea3aea');
    assert.equal(item.artifactType, 'application/vnd.cncf.notary.signature');
    assert.equal(item.artifact.name, 'Signature (notation)');
    assert.equal(item.summary.label, 'Signature (notation) · CN=testcert7');
    assert.deepEqual(item.summary.subjects, [{ name: '', digest: item.image }]);
    assert.deepEqual(item.summary.problems, []);
  });

  it('oras zot images: artifacts without subjects, so nothing is attached', async () => {
    const { graph, items } = await collectAll(corpus('oras-project__oras/test/e2e/testdata/zot/command/images'));
    assert.deepEqual(items, []);
    const foobar = graph.nodes.find((node) => node.names?.includes('foobar'));
    assert.ok(foobar);
    const document = graph.documents.get(foobar.digest);
    assert.equal(document?.type, 'manifest');
    if (document?.type === 'manifest') assert.equal(describeArtifact({ ...document }).known, false, 'described by its media types');
  });

  it('regclient testrepo: referrers on indexes, images and artifacts, described by their types', async () => {
    const { items } = await collectAll(corpus('regclient__regclient/testdata/testrepo'));
    assertNoUnknownPlatform(items);
    const byContainer = new Map(items.map((item) => [item.container, item]));
    const sbom = byContainer.get('sha256:0484e93c23cddf24a8400547119558312023295af241d4cd1eaf1b27145c5026');
    assert.equal(sbom?.image, 'sha256:dfae8f425735a5e3a72e40d6609e03079995511d48157c74d54801ff4430491e', 'a1 refers to the v2 index');
    assert.equal(sbom?.summary.kind, 'sbom');
    assert.equal(sbom?.summary.label, 'SBOM (application/example.sbom)');
    assert.deepEqual(sbom?.summary.subjects, [{ name: '', digest: sbom?.image }]);
    const signature = byContainer.get('sha256:741132f956e196c3858dab17e50ea977056f2f1ce1ad2900f11f4c8ff2d4203b');
    assert.equal(signature?.summary.kind, 'signature');
    const arms = items.filter((item) => item.artifactType === 'application/example.arms');
    assert.deepEqual(arms.map((item) => item.platform).sort(), ['linux/amd64', 'linux/arm/v7', 'linux/arm64']);
    for (const item of arms) assert.equal(item.summary.label, 'Artifact (application/example.arms)');
    const loop = byContainer.get('sha256:d69399e05204fac05b0184eef72e984538cdc9c5854a6484e8852e4357c543cb');
    assert.equal(loop?.image, 'sha256:8e54c6754f08d22f85c7552bb1951b228b8194d29b14a1639dbe50868da0273e', 'the looping index refers to its own child');
    assert.equal(loop?.layer, undefined, 'an index referrer has no layer');
    assert.equal(loop?.summary.label, 'Artifact (application/example.loop)');
    const buildType = byContainer.get('sha256:d910434391624641a9398ec921067e2dbd9a76aac69f120257906f811f0eecb8');
    assert.equal(buildType?.platform, 'linux/arm64');
    assert.match(buildType?.summary.problems[0] ?? '', /^content is not valid JSON/, 'its +json layer holds plain text');
    assert.equal(items.length, 9);
  });

  it('ggcr test_index_media_type: a Helm-style artifact is named by its config media type', async () => {
    const { graph, items } = await collectAll(corpus('google__go-containerregistry/pkg/v1/layout/testdata/test_index_media_type'));
    assert.deepEqual(items, []);
    const document = graph.documents.get(graph.roots[0].digest);
    assert.equal(document?.type, 'manifest');
    if (document?.type === 'manifest') assert.deepEqual(describeArtifact({ ...document }), { name: 'Helm chart', codicon: 'package', kind: 'other', mediaType: 'application/vnd.cncf.helm.config.v1+json', known: true });
  });

  it('none of the corpus sources yields an unknown/unknown platform', async () => {
    for (const location of ['docker__attest/test/testdata/no-provenance-index', 'docker__attest/test/testdata/containerd-subject-layout', 'snyk__snyk-docker-plugin/test/fixtures/containerd-archives/busybox-single-arch-with-attestation-manifest.tar']) {
      assertNoUnknownPlatform((await collectAll(corpus(location))).items);
    }
  });
});

// ── a layout written here: cosign tags, broken blobs, referrers of every kind ──────────────────

interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

function writeLayout(directory: string) {
  mkdirSync(path.join(directory, 'blobs', 'sha256'), { recursive: true });
  const put = (content: Buffer | string | object, mediaType: string, extra: Partial<Blob> = {}): Blob => {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content));
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(path.join(directory, 'blobs', 'sha256', hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length, ...extra };
  };
  const manifest = (config: Blob, layers: Blob[], extra: object = {}) => put({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers, ...extra }, 'application/vnd.oci.image.manifest.v1+json');
  const emptyConfig = put('{}', 'application/vnd.oci.empty.v1+json');

  const imageConfig = put({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }, 'application/vnd.oci.image.config.v1+json');
  const image = manifest(imageConfig, []);
  const statement = (predicateType: string, predicate: object) => ({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'pkg:docker/app@1', digest: { sha256: image.digest.slice(7) } }], predicateType, predicate });

  // BuildKit attestation manifest: a good SBOM, a layer whose bytes do not match its digest, a missing layer.
  const goodSbom = put(statement('https://spdx.dev/Document', { spdxVersion: 'SPDX-2.3', packages: [{ name: 'a' }, { name: 'b' }] }), 'application/vnd.in-toto+json', { annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } });
  const tampered = put(statement('https://slsa.dev/provenance/v0.2', { builder: { id: 'https://ci.example/run/1' }, buildType: 'https://mobyproject.org/buildkit@v1' }), 'application/vnd.in-toto+json', { annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } });
  writeFileSync(path.join(directory, 'blobs', 'sha256', tampered.digest.slice(7)), JSON.stringify(statement('https://slsa.dev/provenance/v0.2', { builder: { id: 'https://evil.example' } })));
  const missing: Blob = { mediaType: 'application/vnd.in-toto+json', digest: `sha256:${'0'.repeat(64)}`, size: 10, annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } };
  const attestationConfig = put({ architecture: 'unknown', os: 'unknown', rootfs: { type: 'layers', diff_ids: [] } }, 'application/vnd.oci.image.config.v1+json');
  const attestation = manifest(attestationConfig, [goodSbom, tampered, missing]);

  // OCI 1.1 referrers: a bare CycloneDX SBOM, a Helm-like binary blob (not read), a statement about another image.
  const subject = { mediaType: image.mediaType, digest: image.digest, size: image.size };
  const cyclone = manifest(emptyConfig, [put({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ name: 'x', type: 'library' }] }, 'application/vnd.cyclonedx+json')], { artifactType: 'application/vnd.cyclonedx+json', subject });
  const binary = manifest(put('{}', 'application/vnd.cncf.helm.config.v1+json'), [put(Buffer.from([0x1f, 0x8b, 0, 0]), 'application/vnd.cncf.helm.chart.content.v1.tar+gzip')], { subject });
  const otherImage = `sha256:${'9'.repeat(64)}`;
  const wrongSubject = manifest(emptyConfig, [put({ ...statement('https://example.com/custom', {}), subject: [{ name: 'x', digest: { sha256: otherImage.slice(7) } }] }, 'application/vnd.in-toto+json')], { artifactType: 'application/vnd.in-toto+json', subject });

  // cosign's tag scheme: sha256-<hex>.sig holding a simple-signing layer.
  const simpleSigning = put({ critical: { identity: { 'docker-reference': 'registry.example/app' }, image: { 'docker-manifest-digest': image.digest }, type: 'cosign container image signature' }, optional: null }, 'application/vnd.dev.cosign.simplesigning.v1+json', { annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQ==' } });
  const signatureManifest = manifest(put({ architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [] } }, 'application/vnd.oci.image.config.v1+json'), [simpleSigning]);

  const index = put(
    {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { ...image, platform: { architecture: 'amd64', os: 'linux' } },
        { ...attestation, platform: { architecture: 'unknown', os: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': image.digest } },
      ],
    },
    'application/vnd.oci.image.index.v1+json',
  );
  const ref = (blob: Blob, name?: string) => ({ mediaType: blob.mediaType, digest: blob.digest, size: blob.size, ...(name ? { annotations: { 'org.opencontainers.image.ref.name': name } } : {}) });
  writeFileSync(path.join(directory, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(path.join(directory, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [ref(index, 'latest'), ref(cyclone), ref(binary), ref(wrongSubject), ref(signatureManifest, `sha256-${image.digest.slice(7)}.sig`)] }));
  return { image, attestation, goodSbom, tampered, missing, cyclone, binary, wrongSubject, signatureManifest };
}

describe('supplychain: collectAttestations on a layout written by the test', function () {
  let directory = '';
  let layout: ReturnType<typeof writeLayout>;
  let source: ImageSource;
  let graph: ImageGraph;
  let items: CollectedAttestation[];

  before(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'supplychain-layout-'));
    layout = writeLayout(directory);
    source = await openSource(directory);
    graph = await buildImageGraph(source);
    items = await collectAttestations(source, graph, layout.image.digest);
  });
  after(async () => {
    await source?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('finds the image as the one attested image, with every place in order', () => {
    assert.deepEqual(attestedImages(graph).map((node) => node.digest), [layout.image.digest]);
    assert.deepEqual(
      attestationPlaces(graph, layout.image.digest).map((place) => [place.origin, place.container, place.layer?.digest]),
      [
        ['attestation-manifest', layout.attestation.digest, layout.goodSbom.digest],
        ['attestation-manifest', layout.attestation.digest, layout.tampered.digest],
        ['attestation-manifest', layout.attestation.digest, layout.missing.digest],
        ['referrer', layout.cyclone.digest, items[3].layer?.digest],
        ['referrer', layout.binary.digest, items[4].layer?.digest],
        ['referrer', layout.wrongSubject.digest, items[5].layer?.digest],
        ['cosign-tag', layout.signatureManifest.digest, items[6].layer?.digest],
      ],
    );
    for (const item of items) assert.equal(item.platform, 'linux/amd64');
  });

  it('reads a good statement without problems', () => {
    assert.equal(items[0].summary.label, 'SBOM (SPDX 2.3) · 2 packages');
    assert.deepEqual(items[0].summary.problems, []);
  });

  it('says when a layer does not match its digest', () => {
    assert.match(items[1].summary.problems[0], /^content does not match its digest: expected sha256:[a-f0-9]{64}, got sha256:[a-f0-9]{64}$/);
  });

  it('says when a layer is not in the source, keeping the kind its annotation gives', () => {
    assert.deepEqual(items[2].summary.problems, [`layer ${layout.missing.digest} is not in this source`]);
    assert.equal(items[2].summary.kind, 'sbom');
  });

  it('reads a bare CycloneDX referrer and gives it the referrer subject', () => {
    assert.equal(items[3].summary.label, 'SBOM (CycloneDX 1.5) · 1 package');
    assert.deepEqual(items[3].summary.subjects, [{ name: '', digest: layout.image.digest }]);
  });

  it('does not read a binary referrer layer; names it by its artifact type', () => {
    assert.equal(items[4].artifact.name, 'Helm chart');
    assert.equal(items[4].summary.format, 'application/vnd.cncf.helm.config.v1+json');
    assert.deepEqual(items[4].summary.problems, []);
  });

  it('says when no subject of a statement is the image it is attached to', () => {
    assert.deepEqual(items[5].summary.problems, [`no subject of the statement is the image it is attached to (${layout.image.digest})`]);
  });

  it('reads cosign signatures found by their sha256-<hex>.sig tag', () => {
    assert.equal(items[6].origin, 'cosign-tag');
    assert.equal(items[6].summary.label, 'Signature (cosign) · registry.example/app');
    assert.deepEqual(items[6].summary.problems, []);
  });

  it('returns nothing for an image with nothing attached, or a digest not in the graph', async () => {
    assert.deepEqual(await collectAttestations(source, graph, layout.cyclone.digest), []);
    assert.deepEqual(await collectAttestations(source, graph, `sha256:${'e'.repeat(64)}`), []);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(collectAttestations(source, graph, layout.image.digest, { signal: controller.signal }), /cancelled/);
  });
});

describe('supplychain: the attestation read limit', () => {
  it('a layer larger than ReadLimits.attestation is not read; the summary says so', async () => {
    const digest = `sha256:${'1'.repeat(64)}`;
    let opened = false;
    const source: ImageSource = {
      kind: 'oci-layout',
      location: 'stub',
      format: 'stub',
      roots: async () => [],
      stat: async () => ({ size: ReadLimits.attestation + 1 }),
      open: async () => {
        opened = true;
        return Readable.from([]);
      },
      list: async () => [],
      close: async () => undefined,
    };
    const place = {
      image: `sha256:${'2'.repeat(64)}`,
      origin: 'attestation-manifest' as const,
      container: `sha256:${'3'.repeat(64)}`,
      artifact: describeArtifact({ descriptorAnnotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }),
      layer: { mediaType: 'application/vnd.in-toto+json', digest, size: ReadLimits.attestation + 1, annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } },
    };
    const { summary } = await readAttestationAt(source, place);
    assert.equal(opened, false, 'the blob is refused before it is opened');
    assert.equal(summary.kind, 'sbom');
    assert.equal(summary.problems.length, 1);
    assert.match(summary.problems[0], new RegExp(`more than the ${ReadLimits.attestation} allowed`));
  });
});
