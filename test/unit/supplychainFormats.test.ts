/**
 * Formats the corpus has no sample of, from hand-written documents that follow each spec:
 * BuildKit's SLSA v1, nested CycloneDX, syft JSON, SPDX 3, vulnerability predicates, cosign
 * signature layers with their annotations, and certificates checked against node:crypto.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readCertificate } from '../../src/core/supplychain/x509';
import { describeArtifact, describeArtifactType, describeStatement, listSbomPackages, provenanceDetails, readAttestation, signatureDetails } from '../../src/core/supplychain';

const IMAGE = `sha256:${'cd'.repeat(32)}`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const statement = (predicateType: string, predicate: unknown, type = 'https://in-toto.io/Statement/v1') => ({
  _type: type,
  subject: [{ name: 'pkg:docker/example@1?platform=linux%2Famd64', digest: { sha256: IMAGE.slice(7) } }],
  predicateType,
  predicate,
});

describe('supplychain: formats', () => {
  it('SLSA v1 as BuildKit writes it: builder, request args, resolved dependencies, vcs and the Dockerfile', () => {
    const predicate = {
      buildDefinition: {
        buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
        externalParameters: {
          configSource: { uri: 'https://github.com/moby/buildkit.git#refs/tags/v0.11.0', digest: { sha1: '4b220de5058abfd01ff619c9d2ff6b09a049bea0' }, path: 'Dockerfile' },
          request: { frontend: 'gateway.v0', args: { 'build-arg:BUILDKIT_CONTEXT_KEEP_GIT_DIR': '1', 'label:FOO': 'bar', source: 'docker/dockerfile-upstream:master', target: 'release' } },
        },
        internalParameters: { builderPlatform: 'linux/amd64' },
        resolvedDependencies: [{ uri: 'pkg:docker/alpine@3.17?platform=linux%2Famd64', digest: { sha256: '8914eb54f968791faf6a8638949e480fef81e697984fba772b3976835194c6d4' } }],
      },
      runDetails: {
        builder: { id: 'https://github.com/docker/buildx/actions/runs/3709599520' },
        metadata: {
          invocationID: 'rpv7a389uzil5lqmrgwhijwjz',
          startedOn: '2021-11-17T15:00:00Z',
          finishedOn: '2021-11-17T15:01:00Z',
          buildkit_metadata: { vcs: { source: 'https://github.com/example/repo', revision: 'abc123' }, source: { infos: [{ filename: 'Dockerfile', language: 'Dockerfile', data: Buffer.from('FROM alpine\n').toString('base64') }] } },
        },
      },
    };
    const document = readAttestation(json(statement('https://slsa.dev/provenance/v1', predicate)));
    assert.equal(document.summary.label, 'Provenance (SLSA v1) · buildkit · https://github.com/docker/buildx/actions/runs/3709599520');
    assert.equal(document.summary.builderId, 'https://github.com/docker/buildx/actions/runs/3709599520');
    assert.deepEqual(document.summary.problems, []);
    const details = provenanceDetails(document);
    assert.deepEqual(details, {
      slsaVersion: 'v1',
      buildType: predicate.buildDefinition.buildType,
      configSource: { uri: 'https://github.com/moby/buildkit.git#refs/tags/v0.11.0', digest: 'sha1:4b220de5058abfd01ff619c9d2ff6b09a049bea0', entryPoint: 'Dockerfile' },
      frontend: 'gateway.v0',
      buildArgs: { BUILDKIT_CONTEXT_KEEP_GIT_DIR: '1' },
      frontendArgs: { 'label:FOO': 'bar', source: 'docker/dockerfile-upstream:master', target: 'release' },
      builderPlatform: 'linux/amd64',
      materials: [{ uri: 'pkg:docker/alpine@3.17?platform=linux%2Famd64', digest: 'sha256:8914eb54f968791faf6a8638949e480fef81e697984fba772b3976835194c6d4' }],
      builderId: 'https://github.com/docker/buildx/actions/runs/3709599520',
      invocationId: 'rpv7a389uzil5lqmrgwhijwjz',
      startedOn: '2021-11-17T15:00:00Z',
      finishedOn: '2021-11-17T15:01:00Z',
      vcs: { source: 'https://github.com/example/repo', revision: 'abc123' },
      sources: [{ filename: 'Dockerfile', language: 'Dockerfile', text: 'FROM alpine\n' }],
      problems: [],
    });
  });

  it('SLSA v1 without buildDefinition or runDetails says so', () => {
    const summary = describeStatement(json(statement('https://slsa.dev/provenance/v1', {})));
    assert.deepEqual(summary.problems, ['SLSA v1 predicate has no "buildDefinition"', 'SLSA v1 predicate has no "runDetails"']);
    assert.equal(summary.label, 'Provenance (SLSA v1)');
  });

  it('CycloneDX: nested components are counted, licences and purl types listed', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: [
        { type: 'library', name: 'openssl', version: '3.0.2', purl: 'pkg:deb/ubuntu/openssl@3.0.2', licenses: [{ license: { id: 'Apache-2.0' } }] },
        { type: 'application', name: 'app', components: [{ type: 'library', name: 'lodash', version: '4.17.21', licenses: [{ expression: 'MIT OR ISC' }] }] },
      ],
    };
    const document = readAttestation(json(statement('https://cyclonedx.org/bom/v1.5', bom)));
    assert.equal(document.summary.label, 'SBOM (CycloneDX 1.5) · 3 packages');
    assert.deepEqual(listSbomPackages(document).packages, [
      { name: 'openssl', version: '3.0.2', type: 'deb', license: 'Apache-2.0', purl: 'pkg:deb/ubuntu/openssl@3.0.2' },
      { name: 'app', type: 'application' },
      { name: 'lodash', version: '4.17.21', type: 'library', license: 'MIT OR ISC' },
    ]);
  });

  it('a CycloneDX document with vulnerabilities and no components is a vulnerability report', () => {
    const summary = describeStatement(json({ bomFormat: 'CycloneDX', specVersion: '1.6', vulnerabilities: [{ id: 'CVE-1' }, { id: 'CVE-2' }] }));
    assert.equal(summary.kind, 'vulnerability-report');
    assert.equal(summary.label, 'Vulnerability report (CycloneDX 1.6) · 2 findings');
  });

  it('syft JSON and SPDX 3 documents', () => {
    const syft = readAttestation(json({ artifacts: [{ name: 'musl', version: '1.2.4', type: 'apk', purl: 'pkg:apk/alpine/musl@1.2.4', licenses: [{ value: 'MIT' }] }], schema: { version: '16.0.0', url: 'https://raw.githubusercontent.com/anchore/syft/main/schema/json/schema-16.0.0.json' } }), { mediaType: 'application/vnd.syft+json' });
    assert.equal(syft.summary.label, 'SBOM (syft JSON 16.0.0) · 1 package');
    assert.deepEqual(listSbomPackages(syft).packages, [{ name: 'musl', version: '1.2.4', type: 'apk', license: 'MIT', purl: 'pkg:apk/alpine/musl@1.2.4' }]);
    const spdx3 = readAttestation(json({ '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': [{ type: 'software_Package', name: 'zlib', software_packageVersion: '1.3', software_packageUrl: 'pkg:generic/zlib@1.3' }, { type: 'File', name: 'x' }] }));
    assert.equal(spdx3.summary.label, 'SBOM (SPDX 3) · 1 package');
  });

  it('cosign older attestations keep the SBOM as a string in predicate.Data', () => {
    const spdx = { spdxVersion: 'SPDX-2.2', packages: [{ name: 'a' }, { name: 'b' }] };
    const summary = describeStatement(json(statement('https://spdx.dev/Document', { Data: JSON.stringify(spdx), Timestamp: '2023-01-01T00:00:00Z' }, 'https://in-toto.io/Statement/v0.1')));
    assert.equal(summary.label, 'SBOM (SPDX 2.2) · 2 packages');
  });

  it('vulnerability predicates: cosign vuln with a trivy result, OpenVEX', () => {
    const cosignVuln = describeStatement(json(statement('https://cosign.sigstore.dev/attestation/vuln/v1', { scanner: { uri: 'pkg:github/aquasecurity/trivy', version: '0.50.1', result: { Results: [{ Vulnerabilities: [{}, {}] }, { Vulnerabilities: [{}] }] } } })));
    assert.equal(cosignVuln.kind, 'vulnerability-report');
    assert.equal(cosignVuln.vulnerabilityCount, 3);
    assert.equal(cosignVuln.label, 'Vulnerability report (cosign vuln) · trivy 0.50.1 · 3 findings');
    const vex = describeStatement(json(statement('https://openvex.dev/ns/v0.2.0', { statements: [{}] })));
    assert.equal(vex.label, 'Vulnerability report (OpenVEX) · 1 statement');
  });

  it('an unknown predicate type is an attestation described by that type', () => {
    const summary = describeStatement(json(statement('https://example.com/predicate/v3', { anything: true })));
    assert.equal(summary.kind, 'other');
    assert.equal(summary.label, 'Attestation (https://example.com/predicate/v3)');
  });

  it('a cosign signature layer: simple-signing payload, signature annotation, bad certificate annotation', () => {
    const payload = json({ critical: { identity: { 'docker-reference': 'registry.example/app' }, image: { 'docker-manifest-digest': IMAGE }, type: 'cosign container image signature' }, optional: { creator: 'ci' } });
    const annotations = { 'dev.cosignproject.cosign/signature': 'MEUCIQ==', 'dev.sigstore.cosign/certificate': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' };
    const document = readAttestation(payload, { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', annotations });
    assert.equal(document.summary.kind, 'signature');
    assert.deepEqual(document.summary.subjects, [{ name: 'registry.example/app', digest: IMAGE }]);
    assert.deepEqual(document.summary.problems, ['cosign certificate annotation is not a DER X.509 certificate']);
    assert.deepEqual(signatureDetails(document)?.optional, { creator: 'ci' });
    assert.equal(signatureDetails(document)?.signatureCount, 1);
  });

  it('a GPG simple signing payload (atomic container signature) is a "simple signing" signature', () => {
    const summary = describeStatement(json({ critical: { identity: { 'docker-reference': 'quay.io/x' }, image: { 'docker-manifest-digest': 'sha256:nothex' }, type: 'atomic container signature' }, optional: {} }));
    assert.equal(summary.format, 'simple signing');
    assert.deepEqual(summary.problems, ['simple-signing docker-manifest-digest "sha256:nothex" is not a valid digest']);
  });

  describe('certificates (checked against node:crypto X509Certificate)', function () {
    let directory = '';
    before(function () {
      if (spawnSync('openssl', ['version']).status !== 0) {
        console.log('openssl not found: certificate cross-checks skipped');
        this.skip();
      }
      directory = mkdtempSync(path.join(tmpdir(), 'supplychain-x509-'));
    });
    after(() => {
      if (directory) rmSync(directory, { recursive: true, force: true });
    });

    const makeCertificate = (subject: string, extension?: string): Buffer => {
      const file = path.join(directory, `${Math.random().toString(16).slice(2)}.der`);
      const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${file}.key`, '-subj', subject, '-days', '2', '-outform', 'DER', '-out', file];
      if (extension) args.push('-addext', extension);
      const result = spawnSync('openssl', args);
      assert.equal(result.status, 0, result.stderr?.toString());
      return readFileSync(file);
    };

    it('subject, issuer, CN and validity agree with node:crypto', () => {
      const der = makeCertificate('/C=US/ST=WA/L=Seattle/O=Notary/CN=example signer');
      const info = readCertificate(der);
      const reference = new X509Certificate(der);
      assert.ok(info);
      assert.equal(info.commonName, 'example signer');
      assert.equal(info.subject, reference.subject.split('\n').reverse().join(', '));
      assert.equal(info.issuer, info.subject, 'self-signed');
      assert.equal(new Date(info.notBefore ?? '').getTime(), new Date(reference.validFrom).getTime());
      assert.equal(new Date(info.notAfter ?? '').getTime(), new Date(reference.validTo).getTime());
    });

    it('subject alternative names (e-mail, URI, DNS) as Fulcio certificates carry them', () => {
      const der = makeCertificate('/O=sigstore.dev', 'subjectAltName=email:dev@example.com,URI:https://github.com/example/repo/.github/workflows/release.yml@refs/heads/main,DNS:example.com');
      const info = readCertificate(der);
      assert.deepEqual(info?.alternativeNames, ['dev@example.com', 'https://github.com/example/repo/.github/workflows/release.yml@refs/heads/main', 'example.com']);
      assert.equal(info?.commonName, undefined);
      assert.equal(new X509Certificate(der).subjectAltName, 'email:dev@example.com, URI:https://github.com/example/repo/.github/workflows/release.yml@refs/heads/main, DNS:example.com');
      const summary = describeStatement(json({ mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1', verificationMaterial: { x509CertificateChain: { certificates: [{ rawBytes: der.toString('base64') }] } }, messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: Buffer.alloc(32).toString('base64') }, signature: 'x' } }));
      assert.equal(summary.label, 'Signature (sigstore bundle) · dev@example.com');
      assert.deepEqual(summary.envelopes, ['sigstore bundle v0.1']);
    });

    it('every truncation of a certificate is refused or read, never thrown', () => {
      const der = makeCertificate('/CN=truncate me');
      for (let length = 0; length < der.length; length++) readCertificate(der.subarray(0, length));
    });
  });
});

describe('supplychain: artifact types', () => {
  it('names well-known artifact types with a codicon; parameters and case are ignored', () => {
    const cases: Array<[string, string, string]> = [
      ['application/vnd.cncf.helm.config.v1+json', 'Helm chart', 'package'],
      ['application/vnd.wasm.config.v1+json', 'WebAssembly module', 'file-binary'],
      ['application/vnd.module.wasm.content.layer.v1+wasm', 'WebAssembly module', 'file-binary'],
      ['application/vnd.docker.compose.project', 'Docker Compose project', 'layers'],
      ['application/spdx+json', 'SBOM (SPDX)', 'checklist'],
      ['application/vnd.cyclonedx+json', 'SBOM (CycloneDX)', 'checklist'],
      ['application/vnd.syft+json', 'SBOM (syft)', 'checklist'],
      ['application/vnd.cncf.notary.signature', 'Signature (notation)', 'verified'],
      ['application/vnd.dev.cosign.simplesigning.v1+json', 'Signature (cosign)', 'verified'],
      ['application/vnd.dev.cosign.artifact.sig.v1+json', 'Signature (cosign)', 'verified'],
      ['application/vnd.dev.sigstore.bundle+json;version=0.1', 'Sigstore bundle', 'verified'],
      ['APPLICATION/VND.DEV.SIGSTORE.BUNDLE.V0.3+JSON', 'Sigstore bundle', 'verified'],
      ['application/vnd.in-toto+json', 'Attestation (in-toto)', 'shield'],
    ];
    for (const [type, name, codicon] of cases) {
      const info = describeArtifactType(type);
      assert.equal(info?.name, name, type);
      assert.equal(info?.codicon, codicon, type);
    }
    assert.equal(describeArtifactType('application/vnd.example.unknown'), undefined);
  });

  it('describes artifacts by BuildKit and Homebrew annotations, artifactType, config and layers, in that order', () => {
    assert.equal(describeArtifact({ descriptorAnnotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }).name, 'BuildKit attestations');
    const bottle = describeArtifact({ config: { mediaType: 'application/vnd.oci.image.config.v1+json' }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', annotations: { 'org.opencontainers.image.title': 'wget--1.21.bottle.tar.gz' } }], descriptorAnnotations: { 'org.opencontainers.image.ref.name': '1.21.arm64_sonoma', 'sh.brew.bottle.digest': 'abc' } });
    assert.deepEqual([bottle.name, bottle.codicon], ['Homebrew bottle', 'beaker']);
    assert.equal(describeArtifact({ artifactType: 'application/vnd.cncf.notary.signature', config: { mediaType: 'application/vnd.oci.empty.v1+json' } }).name, 'Signature (notation)');
    assert.equal(describeArtifact({ config: { mediaType: 'application/vnd.cncf.helm.config.v1+json' }, layers: [{ mediaType: 'application/tar+gzip' }] }).name, 'Helm chart');
    assert.equal(describeArtifact({ config: { mediaType: 'application/vnd.oci.empty.v1+json' }, layers: [{ mediaType: 'application/spdx+json' }] }).kind, 'sbom');
    const unknown = describeArtifact({ artifactType: 'application/vnd.unknown.artifact.v1', config: { mediaType: 'application/vnd.oci.empty.v1+json' }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar' }] });
    assert.deepEqual(unknown, { name: 'Artifact (application/vnd.unknown.artifact.v1)', codicon: 'file', kind: 'other', mediaType: 'application/vnd.unknown.artifact.v1', known: false });
    assert.equal(describeArtifact({ artifactType: 'application/example.sbom' }).kind, 'sbom', 'unknown types are classified by their words');
  });
});
