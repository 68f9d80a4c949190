/**
 * Recognition of real attestation, SBOM and signature documents from the third-party corpus
 * (../shared/corpus, read-only): each file on its own, as bytes, without a source around it.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { listSbomPackages, provenanceDetails, readAttestation, signatureDetails } from '../../src/core/supplychain';
import { CORPUS_DIR } from './support/corpus';

const corpusPresent = existsSync(path.join(CORPUS_DIR, 'README.md'));
const corpus = (relative: string) => path.join(CORPUS_DIR, relative);
const read = (relative: string) => readFileSync(corpus(relative));

describe('supplychain: corpus documents', function () {
  before(function () {
    if (!corpusPresent) {
      console.log(`corpus not found at ${CORPUS_DIR}: supply-chain corpus document tests skipped`);
      this.skip();
    }
  });

  describe('hkolvenbach alpine (Docker Hub alpine:latest, re-serialized JSON)', () => {
    const ALPINE = 'hkolvenbach__oci-explorer/registry/testdata/alpine';
    const attestationDirs = () => readdirSync(corpus(`${ALPINE}/attestations`));

    it('has 8 attestation manifests, one per platform image of the index', () => {
      const index = JSON.parse(read(`${ALPINE}/image_index.json`).toString('utf8'));
      const attested = index.manifests
        .filter((entry: { annotations?: Record<string, string> }) => entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest')
        .map((entry: { annotations: Record<string, string> }) => entry.annotations['vnd.docker.reference.digest'].slice(7, 19));
      assert.deepEqual([...attested].sort(), [...attestationDirs()].sort());
    });

    it('recognises every layer as SPDX 2.3 or SLSA v0.2 about its platform image, matching the layer annotation', () => {
      let sboms = 0;
      let provenances = 0;
      for (const dir of attestationDirs()) {
        const files = readdirSync(corpus(`${ALPINE}/attestations/${dir}`));
        const manifest = JSON.parse(read(`${ALPINE}/attestations/${dir}/${files.find((name) => name.startsWith('manifest_'))}`).toString('utf8'));
        manifest.layers.forEach((layer: { annotations: Record<string, string> }, index: number) => {
          const file = files.find((name) => name.startsWith(`layer_${index}_`));
          assert.ok(file, `${dir}: layer ${index} file`);
          const predicateType = layer.annotations['in-toto.io/predicate-type'];
          const document = readAttestation(read(`${ALPINE}/attestations/${dir}/${file}`), { mediaType: 'application/vnd.in-toto+json', predicateType });
          const { summary } = document;
          assert.deepEqual(summary.problems, [], `${dir}/${file}`);
          assert.equal(summary.predicateType, predicateType);
          assert.ok(summary.subjects.length > 0);
          for (const subject of summary.subjects) assert.ok(subject.digest.startsWith(`sha256:${dir}`), `${dir}: subject ${subject.digest}`);
          assert.ok(summary.subjects.some((subject) => subject.name.startsWith('pkg:docker/alpine@')));
          if (summary.kind === 'sbom') {
            sboms++;
            assert.equal(summary.format, 'SPDX 2.3');
            assert.ok((summary.packageCount ?? 0) > 10, `${dir}: ${summary.packageCount} packages`);
            assert.equal(summary.label, `SBOM (SPDX 2.3) · ${summary.packageCount} packages`);
            const page = listSbomPackages(document);
            assert.equal(page.total, summary.packageCount);
            const base = page.packages.find((item) => item.name === 'alpine-baselayout');
            assert.ok(base, 'alpine-baselayout is listed');
            assert.equal(base.type, 'apk');
            assert.match(base.version ?? '', /^\d/);
          } else {
            provenances++;
            assert.equal(summary.kind, 'provenance');
            assert.equal(summary.format, 'SLSA v0.2');
            assert.equal(summary.builderId, 'https://github.com/docker-library');
            assert.equal(summary.label, 'Provenance (SLSA v0.2) · buildkit · https://github.com/docker-library');
            const details = provenanceDetails(document);
            assert.ok(details);
            assert.equal(details.buildType, 'https://mobyproject.org/buildkit@v1');
            assert.match(details.configSource?.uri ?? '', /^https:\/\/github\.com\/alpinelinux\/docker-alpine\.git#/);
            assert.ok(details.materials.some((material) => material.digest?.startsWith('sha1:')));
            assert.ok('BUILDKIT_SYNTAX' in details.buildArgs);
            assert.match(details.sources[0]?.text ?? '', /^FROM scratch\nADD alpine-minirootfs-/);
            assert.equal(details.sources[0]?.filename, 'Dockerfile');
          }
        });
      }
      assert.equal(provenances, 8);
      assert.equal(sboms, 7, 'arm/v6 has provenance only');
    });
  });

  it('kairos SBOM sample: SPDX 2.3 statement with 3 packages, licences and purl types', () => {
    const document = readAttestation(read('hkolvenbach__oci-explorer/registry/testdata/kairos_sbom_sample.json'));
    assert.equal(document.summary.label, 'SBOM (SPDX 2.3) · 3 packages');
    assert.deepEqual(document.summary.problems, []);
    assert.equal(document.summary.subjects[0].digest, 'sha256:c93ad9a4ed48c4fb9eed1bf52397effe2b6ec40bb99685015957f8406857f54a');
    assert.deepEqual(listSbomPackages(document).packages[2], {
      name: 'adduser',
      version: '3.118ubuntu5',
      type: 'deb',
      license: 'GPL-2.0-only',
      purl: 'pkg:deb/ubuntu/adduser@3.118ubuntu5?arch=all&distro=ubuntu-22.04',
    });
  });

  it('docker/attest example_attestation.json: DSSE-signed SLSA v0.2 provenance with the Dockerfile embedded', () => {
    const document = readAttestation(read('docker__attest/test/testdata/example_attestation.json'));
    const { summary } = document;
    assert.equal(summary.kind, 'provenance');
    assert.equal(summary.format, 'SLSA v0.2');
    assert.equal(summary.label, 'Provenance (SLSA v0.2) · buildkit · signed (DSSE)');
    assert.equal(summary.builderId, undefined, 'builder.id is empty');
    assert.deepEqual(summary.envelopes, ['DSSE']);
    assert.deepEqual(summary.subjects, [{ name: 'pkg:docker/test-image@test?platform=linux%2Farm64', digest: 'sha256:7a76cec943853f9f7105b1976afa1bf7cd5bb6afc4e9d5852dd8da7cf81ae86e' }]);
    assert.deepEqual(summary.problems, []);
    assert.deepEqual(signatureDetails(document)?.keyIds, ['a0c296026645799b2a297913878e81b0aefff2a0c301e97232f717e14402f3e4']);
    const details = provenanceDetails(document);
    assert.ok(details);
    assert.equal(details.frontend, 'dockerfile.v0');
    assert.equal(details.materials.length, 2);
    assert.equal(details.materials[1].uri, 'pkg:docker/alpine@latest?platform=linux%2Farm64');
    assert.equal(details.vcs?.source, 'git@github.com:docker/image-signer-verifier.git');
    assert.equal(details.sources[0].text, 'FROM alpine AS build\nRUN echo "hello world" > /tmp/hello.txt\n\nFROM scratch\nCOPY --from=build /tmp/hello.txt /\n');
  });

  it('trivy cyclonedx.json: a bare CycloneDX 1.4 SBOM naming its image by purl', () => {
    const document = readAttestation(read('aquasecurity__trivy/pkg/fanal/artifact/image/testdata/cyclonedx.json'), { mediaType: 'application/vnd.cyclonedx+json' });
    assert.equal(document.summary.label, 'SBOM (CycloneDX 1.4) · 2 packages');
    assert.equal(document.summary.predicateType, undefined);
    assert.deepEqual(document.summary.subjects, [{ name: 'localhost:5001/demo-referrers-2023:app', digest: 'sha256:e76a13475c6b4a713a0e4a7a8574ce450274d340357a2c40b8221cfcfedf8b19' }]);
    assert.deepEqual(listSbomPackages(document).packages[0], { name: 'github.com/opencontainers/go-digest', version: 'v1.0.0', type: 'golang', purl: 'pkg:golang/github.com/opencontainers/go-digest@v1.0.0' });
  });

  it('trivy sigstore-bundle.json: a sigstore bundle v0.3 around a DSSE CycloneDX attestation, signed by a Fulcio e-mail', () => {
    const document = readAttestation(read('aquasecurity__trivy/pkg/fanal/artifact/image/testdata/sigstore-bundle.json'));
    const { summary } = document;
    assert.equal(summary.kind, 'sbom');
    assert.equal(summary.format, 'CycloneDX 1.4');
    assert.equal(summary.predicateType, 'https://cyclonedx.org/bom');
    assert.deepEqual(summary.envelopes, ['sigstore bundle v0.3', 'DSSE']);
    assert.equal(summary.signer, 'thomas.grininger@ringodev.com');
    assert.equal(summary.label, 'SBOM (CycloneDX 1.4) · 2 packages · signed (sigstore bundle v0.3, DSSE)');
    assert.deepEqual(summary.subjects, [{ name: 'ghcr.io/ringodev/demo-sbom', digest: 'sha256:ea9c657ca44371fadd027510f2a1a68b799003294bf6a4827827971cc4390ad4' }]);
    const signature = signatureDetails(document);
    assert.equal(signature?.format, 'sigstore bundle');
    assert.equal(signature?.certificates[0].oidcIssuer, 'https://github.com/login/oauth');
    assert.equal(signature?.certificates[0].issuer, 'CN=sigstore-intermediate, O=sigstore.dev');
    assert.equal(signature?.transparencyLog.length, 1);
  });

  it('cosign oci-attestation.sigstore.json: a cosign custom predicate in a sigstore bundle', () => {
    const { summary } = readAttestation(read('sigstore__cosign/pkg/cosign/testdata/oci-attestation.sigstore.json'), { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' });
    assert.equal(summary.kind, 'other');
    assert.equal(summary.format, 'cosign custom predicate');
    assert.equal(summary.label, 'Attestation (cosign custom predicate) · signed (sigstore bundle v0.3, DSSE)');
    assert.equal(summary.signer, 'cody@soyland.com');
    assert.deepEqual(summary.subjects, [{ name: '127.0.0.1:60943/repo', digest: 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4' }]);
    assert.deepEqual(summary.problems, []);
  });

  it('containers/image cosign signatures: simple-signing payloads, keyless (Fulcio + Rekor) and with a key', () => {
    const keyless = readAttestation(read('containers__image/signature/fixtures/dir-img-cosign-fulcio-rekor-valid/signature-1'));
    assert.equal(keyless.summary.label, 'Signature (cosign) · mitr@redhat.com');
    assert.deepEqual(keyless.summary.subjects, [{ name: '192.168.64.2:5000/cosign-signed/fulcio-rekor-1', digest: 'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a' }]);
    const details = signatureDetails(keyless);
    assert.equal(details?.certificates.length, 3, 'leaf and chain');
    assert.equal(details?.transparencyLog[0].logIndex, '11605770');
    assert.deepEqual(keyless.summary.problems, []);

    const keyed = readAttestation(read('containers__image/signature/fixtures/dir-img-cosign-valid/signature-1'));
    assert.equal(keyed.summary.kind, 'signature');
    assert.equal(keyed.summary.format, 'cosign');
    assert.equal(keyed.summary.label, 'Signature (cosign) · 192.168.64.2:5000/cosign-signed-single-sample');
    assert.equal(signatureDetails(keyed)?.dockerManifestDigest, 'sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00');
  });

  it('notation JWS envelope: protected header claims, x5c subject CN and the timestamp countersignature', () => {
    const blob = 'notaryproject__notation/test/e2e/testdata/registry/oci_layout/e2e-with-timestamped-signature/blobs/sha256/603ff134e97a79cd7a15560b76137c2c4a10451daab11327a7c6f86dac250fee';
    const document = readAttestation(read(blob), { mediaType: 'application/jose+json', artifactType: 'application/vnd.cncf.notary.signature' });
    assert.equal(document.summary.label, 'Signature (notation) · CN=testcert7');
    assert.deepEqual(document.summary.subjects, [{ name: '', digest: 'sha256:53b0191218aed9a3c1f7c661736ac40cfc8eb928642348fd843ba3f0483c0c20' }]);
    const details = signatureDetails(document);
    assert.equal(details?.signingScheme, 'notary.x509');
    assert.equal(details?.signingTime, '2025-01-21T09:17:46Z');
    assert.equal(details?.expiry, '2025-01-21T12:39:46Z');
    assert.equal(details?.algorithm, 'PS256');
    assert.equal(details?.timestamped, true);
    assert.equal(details?.certificates[0].subject, 'CN=testcert7, O=Notary, L=Seattle, ST=WA, C=US');
    assert.equal(details?.certificates[0].notAfter, '2025-01-22T08:36:26Z');
  });
});
