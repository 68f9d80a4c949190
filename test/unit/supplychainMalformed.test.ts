/**
 * Bad content never throws: every malformed input gives a summary whose `problems` say what is
 * wrong. Plus a generated 50k-package SPDX document, counted exactly (timed, not asserted on time).
 */
import * as assert from 'node:assert/strict';
import { describeStatement, listSbomPackages, readAttestation } from '../../src/core/supplychain';

const IMAGE = `sha256:${'ab'.repeat(32)}`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const base64 = (value: unknown) => json(value).toString('base64');

function spdxStatement(packageCount: number): object {
  const packages = Array.from({ length: packageCount }, (_, index) => ({
    name: `package-${index}`,
    SPDXID: `SPDXRef-Package-${index}`,
    versionInfo: `1.0.${index}`,
    downloadLocation: 'NOASSERTION',
    licenseConcluded: index % 2 === 0 ? 'NOASSERTION' : 'Apache-2.0',
    licenseDeclared: 'MIT',
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:npm/package-${index}@1.0.${index}` }],
  }));
  return {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://spdx.dev/Document',
    subject: [{ name: 'pkg:docker/example@1', digest: { sha256: IMAGE.slice(7) } }],
    predicate: { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'example', packages },
  };
}

const hasProblem = (problems: string[], pattern: RegExp) => assert.ok(problems.some((problem) => pattern.test(problem)), `no problem matches ${pattern}: ${JSON.stringify(problems)}`);

describe('supplychain: malformed input', () => {
  it('a DSSE payload that is not base64 is a problem, and the kind still comes from the hints', () => {
    const envelope = json({ payloadType: 'application/vnd.in-toto+json', payload: 'eyJfdHlwZSI6!!!not-base64', signatures: [{ keyid: 'key-1', sig: 'AAAA' }] });
    const summary = describeStatement(envelope, { mediaType: 'application/vnd.in-toto+json', predicateType: 'https://slsa.dev/provenance/v0.2' });
    hasProblem(summary.problems, /^DSSE payload is not valid base64: character 13 is "!"$/);
    assert.equal(summary.kind, 'provenance');
    assert.equal(summary.format, 'SLSA v0.2');
    assert.deepEqual(summary.envelopes, ['DSSE']);
    assert.equal(summary.signer, 'key key-1');
  });

  it('a base64 payload of an impossible length is a problem', () => {
    const summary = describeStatement(json({ payloadType: 'application/vnd.in-toto+json', payload: 'abcde', signatures: [] }));
    hasProblem(summary.problems, /cannot be a whole number of bytes/);
    hasProblem(summary.problems, /DSSE envelope has no signatures/);
  });

  it('a DSSE payload that decodes to something that is not JSON is a problem', () => {
    const summary = describeStatement(json({ payloadType: 'application/vnd.in-toto+json', payload: Buffer.from('hello').toString('base64'), signatures: [{ sig: 'x' }] }));
    hasProblem(summary.problems, /^DSSE payload is not valid JSON/);
  });

  it('a wrong `_type` is a problem, but the predicate is still recognised', () => {
    const statement = { ...spdxStatement(2), _type: 'https://in-toto.io/Statement/v9' };
    const summary = describeStatement(json(statement));
    hasProblem(summary.problems, /"_type" is "https:\/\/in-toto.io\/Statement\/v9", expected https:\/\/in-toto.io\/Statement\/v0.1 or https:\/\/in-toto.io\/Statement\/v1/);
    assert.equal(summary.label, 'SBOM (SPDX 2.3) · 2 packages');
  });

  it('truncated JSON says it ends early; kind and format come from the layer annotation', () => {
    const whole = json(spdxStatement(20));
    for (const length of [1, 10, Math.floor(whole.length / 2), whole.length - 1]) {
      const summary = describeStatement(whole.subarray(0, length), { mediaType: 'application/vnd.in-toto+json', predicateType: 'https://spdx.dev/Document' });
      hasProblem(summary.problems, /^content is not valid JSON: it ends after \d+ characters, before the document is complete \(truncated\?\)$/);
      assert.equal(summary.kind, 'sbom');
      assert.equal(summary.format, 'SPDX');
      assert.equal(summary.predicateType, 'https://spdx.dev/Document');
      assert.equal(summary.label, 'SBOM (SPDX)');
    }
  });

  it('JSON that is not an object, empty content and binary garbage are problems', () => {
    hasProblem(describeStatement(Buffer.from('[1, 2]')).problems, /content is a JSON array, not an object/);
    hasProblem(describeStatement(Buffer.from('42')).problems, /content is a JSON number, not an object/);
    hasProblem(describeStatement(Buffer.from('  \n')).problems, /content is empty/);
    hasProblem(describeStatement(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff]), { mediaType: 'application/vnd.in-toto+json' }).problems, /not valid JSON/);
  });

  it('binary content of a binary media type is not a problem, only described by its type', () => {
    const summary = describeStatement(Buffer.from([0x1f, 0x8b, 0x08, 0x00]), { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', artifactType: 'application/vnd.cncf.helm.config.v1+json' });
    assert.deepEqual(summary.problems, []);
    assert.equal(summary.kind, 'other');
    assert.equal(summary.format, 'application/vnd.cncf.helm.config.v1+json');
  });

  it('an in-toto layer that is some other JSON object names the keys it found', () => {
    const summary = describeStatement(json({ hello: 'world', n: 1 }), { mediaType: 'application/vnd.in-toto+json' });
    hasProblem(summary.problems, /not an in-toto statement or DSSE envelope: it has no "_type" or "payloadType" \(keys: hello, n\)/);
  });

  it('subjects without digests, a missing predicate type and a bad sha256 are problems', () => {
    const summary = describeStatement(json({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'a' }, { name: 'b', digest: { sha256: 'xyz' } }], predicate: {} }));
    hasProblem(summary.problems, /subject\[0\] has no digest/);
    hasProblem(summary.problems, /subject\[1\] sha256 "xyz" is not 64 hex digits/);
    hasProblem(summary.problems, /has no "predicateType"/);
    assert.equal(summary.kind, 'other');
  });

  it('a layer annotation that disagrees with the statement is a problem', () => {
    const summary = describeStatement(json(spdxStatement(1)), { predicateType: 'https://slsa.dev/provenance/v0.2' });
    hasProblem(summary.problems, /annotation says predicate type https:\/\/slsa.dev\/provenance\/v0.2, the statement says https:\/\/spdx.dev\/Document/);
    assert.equal(summary.kind, 'sbom', 'the statement wins');
  });

  it('an SBOM predicate type whose predicate is not an SBOM is a problem', () => {
    const summary = describeStatement(json({ ...spdxStatement(0), predicate: { something: 'else' } }));
    hasProblem(summary.problems, /the SPDX predicate is not an SPDX, CycloneDX or syft document/);
  });

  it('SPDX packages that are not a list are a problem', () => {
    const summary = describeStatement(json({ ...spdxStatement(0), predicate: { spdxVersion: 'SPDX-2.2', packages: { not: 'a list' } } }));
    hasProblem(summary.problems, /SPDX "packages" is not a list/);
    assert.equal(summary.label, 'SBOM (SPDX 2.2) · 0 packages');
  });

  it('content larger than maxBytes is not parsed', () => {
    const summary = describeStatement(json(spdxStatement(10)), { maxBytes: 100, predicateType: 'https://spdx.dev/Document' });
    hasProblem(summary.problems, /^content is \d+ bytes, more than the 100 bytes allowed for an attestation; not read$/);
    assert.equal(summary.packageCount, undefined);
    assert.equal(summary.kind, 'sbom');
  });

  it('envelopes nested too deep stop being unwrapped', () => {
    let value: object = spdxStatement(1);
    for (let depth = 0; depth < 8; depth++) value = { payloadType: 'application/vnd.in-toto+json', payload: base64(value), signatures: [{ sig: 'x' }] };
    hasProblem(describeStatement(json(value)).problems, /nested more than 4 deep/);
  });

  it('notation and sigstore envelopes with broken parts are problems', () => {
    const jws = describeStatement(json({ protected: '%%%', payload: 'e30', signature: 'x', header: {} }), { mediaType: 'application/jose+json' });
    hasProblem(jws.problems, /JWS protected header is not valid base64url/);
    assert.equal(jws.kind, 'signature');
    const bundle = describeStatement(json({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }));
    hasProblem(bundle.problems, /has no verificationMaterial/);
    hasProblem(bundle.problems, /neither a dsseEnvelope nor a messageSignature/);
    const certificate = describeStatement(json({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { certificate: { rawBytes: Buffer.from('not a certificate').toString('base64') } }, messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: Buffer.alloc(32, 1).toString('base64') }, signature: 'x' } }));
    hasProblem(certificate.problems, /sigstore bundle certificate 1 is not a DER X.509 certificate/);
    assert.deepEqual(certificate.subjects, [{ name: '', digest: `sha256:${'01'.repeat(32)}` }]);
  });

  it('never throws on any prefix or byte flip of valid documents', () => {
    const documents = [
      json(spdxStatement(3)),
      json({ payloadType: 'application/vnd.in-toto+json', payload: base64(spdxStatement(2)), signatures: [{ keyid: 'k', sig: 's' }] }),
      json({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { publicKey: { hint: 'h' } }, dsseEnvelope: { payloadType: 'application/vnd.in-toto+json', payload: base64(spdxStatement(1)), signatures: [] } }),
      json({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ name: 'a', components: [{ name: 'b' }] }] }),
    ];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const document of documents) {
      for (let length = 0; length <= document.length; length += 7) describeStatement(document.subarray(0, length));
      for (let round = 0; round < 200; round++) {
        const copy = Buffer.from(document);
        copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        const summary = describeStatement(copy);
        assert.ok(typeof summary.label === 'string' && Array.isArray(summary.problems));
      }
    }
  });
});

describe('supplychain: a 50k-package SPDX document', function () {
  this.timeout(120_000);
  it('is read and counted exactly, and its packages can be paged', () => {
    const bytes = json(spdxStatement(50_000));
    const started = performance.now();
    const document = readAttestation(bytes, { mediaType: 'application/vnd.in-toto+json', predicateType: 'https://spdx.dev/Document' });
    const readMs = performance.now() - started;
    const all = listSbomPackages(document);
    const totalMs = performance.now() - started;
    console.log(`      50k-package SPDX (${(bytes.length / 1e6).toFixed(1)} MB): summary in ${readMs.toFixed(0)} ms, every package listed in ${totalMs.toFixed(0)} ms`);
    assert.equal(document.summary.packageCount, 50_000);
    assert.equal(document.summary.label, 'SBOM (SPDX 2.3) · 50,000 packages');
    assert.deepEqual(document.summary.problems, []);
    assert.equal(all.total, 50_000);
    assert.equal(all.packages.length, 50_000);
    assert.deepEqual(all.packages[49_999], { name: 'package-49999', version: '1.0.49999', type: 'npm', license: 'Apache-2.0', purl: 'pkg:npm/package-49999@1.0.49999' });
    assert.equal(all.packages[0].license, 'MIT', 'licenseConcluded NOASSERTION falls back to licenseDeclared');
    const page = listSbomPackages(document, { offset: 49_990, limit: 100 });
    assert.equal(page.total, 50_000);
    assert.deepEqual(page.packages.map((item) => item.name), Array.from({ length: 10 }, (_, index) => `package-${49_990 + index}`));
  });
});
