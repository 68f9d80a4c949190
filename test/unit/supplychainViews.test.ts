/** What the detail views are built from: packages grouped for the tree, licence counts, readable documents. */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { embeddedSourceText, groupPackages, licenceCounts, listSbomPackages, readableDocument, type PackageGroup, type SbomPackage } from '../../src/core/supplychain';
import { CORPUS_DIR } from './support/corpus';

const packagesOf = (count: number, typeOf: (index: number) => string | undefined, nameOf = (index: number) => `pkg-${String(index).padStart(6, '0')}`): SbomPackage[] =>
  Array.from({ length: count }, (_, index) => {
    const item: SbomPackage = { name: nameOf(index), version: '1.0' };
    const type = typeOf(index);
    if (type) item.type = type;
    return item;
  });

/** Every package under a group tree, and the largest number of rows any one level shows. */
function walk(groups: PackageGroup[]): { packages: SbomPackage[]; widest: number } {
  let widest = groups.length;
  const packages: SbomPackage[] = [];
  for (const group of groups) {
    if (group.packages) {
      widest = Math.max(widest, group.packages.length);
      packages.push(...group.packages);
      assert.equal(group.count, group.packages.length, group.label);
    } else {
      const inner = walk(group.groups ?? []);
      widest = Math.max(widest, inner.widest);
      packages.push(...inner.packages);
      assert.equal(group.count, inner.packages.length, group.label);
    }
  }
  return { packages, widest };
}

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const statement = { _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://spdx.dev/Document', subject: [{ name: 'x', digest: { sha256: 'ab'.repeat(32) } }], predicate: { spdxVersion: 'SPDX-2.3', packages: [{ name: 'zlib', versionInfo: '1.3' }] } };

describe('supplychain: views', () => {
  it('a small SBOM is one sorted list', () => {
    const result = groupPackages([{ name: 'zlib' }, { name: 'Apk-tools' }, { name: 'busybox', version: '2' }, { name: 'busybox', version: '1' }]);
    assert.ok('packages' in result);
    assert.deepEqual(result.packages.map((item) => `${item.name}@${item.version ?? ''}`), ['Apk-tools@', 'busybox@1', 'busybox@2', 'zlib@']);
  });

  it('a large SBOM is grouped by type, untyped last, with counts', () => {
    const result = groupPackages(packagesOf(500, (index) => (index % 5 === 0 ? undefined : index % 2 ? 'npm' : 'deb')), 200);
    assert.ok('groups' in result);
    assert.deepEqual(result.groups.map((group) => `${group.label} ${group.count}`), ['deb 200', 'npm 200', '(no type) 100']);
  });

  it('50k packages of one type: no level holds more than 200 rows, and none is lost', () => {
    const names = ['alpha', 'beta', 'gamma', '3d', '_x'];
    const packages = packagesOf(50_000, () => 'npm', (index) => `${names[index % names.length]}-${index}`);
    const started = performance.now();
    const result = groupPackages(packages, 200);
    const elapsed = performance.now() - started;
    assert.ok('groups' in result);
    const { packages: all, widest } = walk(result.groups);
    assert.equal(all.length, 50_000);
    assert.ok(widest <= 200, `widest level ${widest}`);
    assert.deepEqual(result.groups.map((group) => group.label), ['0–9', '#', 'a', 'b', 'g']);
    assert.match(result.groups[2].groups![0].label, /^alpha-\S+ … alpha-\S+$/);
    console.log(`      grouped 50,000 packages in ${elapsed.toFixed(0)} ms`);
  });

  it('licence counts are sorted by use, packages without one count as (none)', () => {
    assert.deepEqual(licenceCounts([{ name: 'a', license: 'MIT' }, { name: 'b' }, { name: 'c', license: 'MIT' }, { name: 'd', license: 'Apache-2.0' }]), [
      { licence: 'MIT', count: 2 },
      { licence: '(none)', count: 1 },
      { licence: 'Apache-2.0', count: 1 },
    ]);
  });

  it('a DSSE envelope reads as its decoded, indented payload', () => {
    const document = readableDocument(Buffer.from(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: base64(statement), signatures: [{ keyid: 'k', sig: 'AAAA' }] })));
    assert.deepEqual(document.unwrapped, ['DSSE']);
    assert.deepEqual(document.problems, []);
    assert.equal(document.text, `${JSON.stringify(statement, null, 2)}\n`);
  });

  it('a sigstore bundle opens down to the statement of its DSSE envelope', () => {
    const bundle = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { publicKey: { hint: 'h' } }, dsseEnvelope: { payloadType: 'application/vnd.in-toto+json', payload: base64(statement), signatures: [{ sig: 'AAAA' }] } };
    const document = readableDocument(Buffer.from(JSON.stringify(bundle)));
    assert.deepEqual(document.unwrapped, ['sigstore bundle', 'DSSE']);
    assert.equal(JSON.parse(document.text).predicate.packages[0].name, 'zlib');
  });

  it('a payload that is not base64 leaves the envelope shown, with the problem at the top', () => {
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: 'eyJfdHlwZSI6!!!', signatures: [{ sig: 'AAAA' }] };
    const document = readableDocument(Buffer.from(JSON.stringify(envelope)));
    assert.deepEqual(document.unwrapped, []);
    assert.match(document.text, /^\/\/ DSSE payload is not valid base64: character 13 is "!"\n\{\n {2}"payloadType"/);
  });

  it('a statement with a wrong _type is shown as is, the problem named', () => {
    const document = readableDocument(Buffer.from(JSON.stringify({ ...statement, _type: 'https://in-toto.io/Statement/v9' })));
    assert.match(document.text, /^\/\/ in-toto statement "_type" is "https:\/\/in-toto.io\/Statement\/v9"/);
    assert.match(document.text, /"zlib"/);
  });

  it('bytes that are not JSON are shown as they are', () => {
    const document = readableDocument(Buffer.from('not json'));
    assert.match(document.text, /^\/\/ content is not valid JSON.*\nnot json$/);
  });

  const alpine = path.join(CORPUS_DIR, 'hkolvenbach__oci-explorer/registry/testdata/alpine/attestations/410dabcd6f1d');
  it('the Dockerfile BuildKit embedded in alpine’s provenance (corpus)', function () {
    if (!existsSync(alpine)) this.skip();
    const provenance = readFileSync(path.join(alpine, 'layer_1_4fbdf2544c91.json'));
    assert.equal(embeddedSourceText(provenance, 0), 'FROM scratch\nADD alpine-minirootfs-3.23.2-aarch64.tar.gz /\nCMD ["/bin/sh"]\n');
    assert.equal(embeddedSourceText(provenance, 1), undefined);
    const sbom = listSbomPackages(readFileSync(path.join(alpine, 'layer_0_0d38fd5b3194.json')));
    const grouped = groupPackages(sbom.packages);
    assert.ok('packages' in grouped && grouped.packages.length === sbom.total);
    assert.ok(licenceCounts(sbom.packages).some((entry) => entry.licence === 'GPL-2.0-only'));
  });

  it('trivy’s and cosign’s sigstore bundles (corpus) open down to their in-toto statements', function () {
    const trivy = path.join(CORPUS_DIR, 'aquasecurity__trivy/pkg/fanal/artifact/image/testdata/sigstore-bundle.json');
    const cosign = path.join(CORPUS_DIR, 'sigstore__cosign/pkg/cosign/testdata/oci-attestation.sigstore.json');
    if (!existsSync(trivy) || !existsSync(cosign)) this.skip();
    for (const file of [trivy, cosign]) {
      const document = readableDocument(readFileSync(file));
      assert.deepEqual(document.unwrapped, ['sigstore bundle', 'DSSE'], file);
      assert.equal(document.text.startsWith('//'), document.problems.length > 0);
      const statement = JSON.parse(document.text.replace(/^(\/\/.*\n)*/, '')) as { _type: string; subject: unknown[] };
      assert.match(statement._type, /^https:\/\/in-toto\.io\/Statement\/v(0\.1|1)$/, file);
      assert.ok(statement.subject.length > 0);
    }
  });
});
