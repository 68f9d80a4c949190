/**
 * OCI layouts with BuildKit-style attestations, built from real statements of the corpus (Docker
 * Hub's alpine SPDX SBOM and SLSA v0.2 provenance, as hkolvenbach/oci-explorer recorded them), so
 * the tests need no buildx: each platform image gets an attestation manifest (platform
 * unknown/unknown, `vnd.docker.reference.*` annotations) whose layers are in-toto statements whose
 * subjects are rewritten to name that image. Used by unit, integration and UI tests.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatPlatform, type Descriptor, type Platform } from '../../../src/core/model/descriptor';

export const ALPINE_ATTESTATIONS = 'hkolvenbach__oci-explorer/registry/testdata/alpine/attestations/410dabcd6f1d';
const SBOM_FILE = 'layer_0_0d38fd5b3194.json';
const PROVENANCE_FILE = 'layer_1_4fbdf2544c91.json';

type Json = Record<string, unknown>;

class LayoutWriter {
  constructor(readonly directory: string) {
    mkdirSync(path.join(directory, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(path.join(directory, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  }

  blob(bytes: Buffer, mediaType: string, annotations?: Record<string, string>): Descriptor {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(path.join(this.directory, 'blobs', 'sha256', hex), bytes);
    const descriptor: Descriptor = { mediaType, digest: `sha256:${hex}`, size: bytes.length };
    if (annotations) descriptor.annotations = annotations;
    return descriptor;
  }

  json(value: unknown, mediaType: string, annotations?: Record<string, string>): Descriptor {
    return this.blob(Buffer.from(JSON.stringify(value)), mediaType, annotations);
  }

  /** A one-layer image (an empty tar, gzip'd) for a platform. */
  image(platform: Platform, label: string): Descriptor {
    const tar = Buffer.alloc(1024);
    const layer = this.blob(gzipSync(tar), 'application/vnd.oci.image.layer.v1.tar+gzip');
    const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
    const config = this.json({ ...platform, created: '2024-01-01T00:00:00Z', config: { Labels: { fixture: label } }, rootfs: { type: 'layers', diff_ids: [diffId] }, history: [{ created_by: `fixture ${label}` }] }, 'application/vnd.oci.image.config.v1+json');
    const manifest = this.json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] }, 'application/vnd.oci.image.manifest.v1+json');
    return { ...manifest, platform };
  }

  /** BuildKit's attestation manifest for `image`: the given statements as in-toto layers. */
  attestationManifest(image: Descriptor, statements: Array<{ bytes: Buffer; predicateType: string }>): Descriptor {
    const config = this.json({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [] } }, 'application/vnd.oci.image.config.v1+json');
    const layers = statements.map((statement) => this.blob(statement.bytes, 'application/vnd.in-toto+json', { 'in-toto.io/predicate-type': statement.predicateType }));
    const manifest = this.json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers }, 'application/vnd.oci.image.manifest.v1+json');
    return { ...manifest, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.digest': image.digest, 'vnd.docker.reference.type': 'attestation-manifest' } };
  }

  finish(roots: Array<{ descriptor: Descriptor; name: string }>): void {
    const manifests = roots.map(({ descriptor, name }) => ({ ...descriptor, annotations: { ...descriptor.annotations, 'org.opencontainers.image.ref.name': name } }));
    writeFileSync(path.join(this.directory, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  }
}

const subjectFor = (image: Descriptor, platform: string) => [{ name: `pkg:docker/example.com/app@1?platform=${encodeURIComponent(platform)}`, digest: { sha256: image.digest.slice(7) } }];

export interface AttestedLayout {
  directory: string;
  /** The base image the provenance names as a material: it is in the layout too. */
  base: string;
  /** Platform image digests by platform. */
  images: Record<string, string>;
  /** Statement blob digests by platform: the SBOM and the provenance (the arm64 one is DSSE-wrapped). */
  sboms: Record<string, string>;
  provenances: Record<string, string>;
  /** Packages in the corpus SBOM. */
  packageCount: number;
}

/**
 * `example.com/app:1`: linux/amd64 and linux/arm64 images, each with an SPDX SBOM and a SLSA v0.2
 * provenance (arm64's inside a DSSE envelope, as docker/attest signs them), and `example.com/base:1`,
 * the image the provenance lists as a material.
 */
export function writeAttestedLayout(corpus: string, directory: string): AttestedLayout {
  const writer = new LayoutWriter(directory);
  const sbomTemplate = JSON.parse(readFileSync(path.join(corpus, ALPINE_ATTESTATIONS, SBOM_FILE), 'utf8')) as Json;
  const provenanceTemplate = JSON.parse(readFileSync(path.join(corpus, ALPINE_ATTESTATIONS, PROVENANCE_FILE), 'utf8')) as Json;
  const base = writer.image({ os: 'linux', architecture: 'amd64' }, 'base');
  const result: AttestedLayout = { directory, base: base.digest, images: {}, sboms: {}, provenances: {}, packageCount: ((sbomTemplate.predicate as Json).packages as unknown[]).length };
  const index: Descriptor[] = [];
  for (const platform of [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }]) {
    const image = writer.image(platform, platform.architecture);
    const name = formatPlatform(image.platform) as string;
    const sbom = { ...sbomTemplate, subject: subjectFor(image, name) };
    const predicate = structuredClone(provenanceTemplate.predicate) as Json;
    const materials = predicate.materials as Array<{ uri: string; digest: Record<string, string> }>;
    materials.unshift({ uri: 'pkg:docker/example.com/base@1?platform=linux%2Famd64', digest: { sha256: base.digest.slice(7) } });
    const provenance = { ...provenanceTemplate, subject: subjectFor(image, name), predicate };
    let provenanceBytes = Buffer.from(JSON.stringify(provenance));
    if (platform.architecture === 'arm64') {
      provenanceBytes = Buffer.from(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: provenanceBytes.toString('base64'), signatures: [{ keyid: 'fixture-key', sig: 'MEUCIQDfixture' }] }));
    }
    const attestations = writer.attestationManifest(image, [
      { bytes: Buffer.from(JSON.stringify(sbom)), predicateType: 'https://spdx.dev/Document' },
      { bytes: provenanceBytes, predicateType: 'https://slsa.dev/provenance/v0.2' },
    ]);
    const layers = (JSON.parse(readFileSync(path.join(directory, 'blobs', 'sha256', attestations.digest.slice(7)), 'utf8')) as { layers: Descriptor[] }).layers;
    result.images[name] = image.digest;
    result.sboms[name] = layers[0].digest;
    result.provenances[name] = layers[1].digest;
    index.push(image, attestations);
  }
  const appIndex = writer.json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index }, 'application/vnd.oci.image.index.v1+json');
  writer.finish([
    { descriptor: appIndex, name: 'example.com/app:1' },
    { descriptor: base, name: 'example.com/base:1' },
  ]);
  return result;
}

/** What a malformed-statements layout holds: one image whose attestation manifest has these layers. */
export interface MalformedLayout {
  directory: string;
  image: string;
  badBase64: string;
  wrongType: string;
  hugeSbom: string;
  hugeCount: number;
}

/** One image with three bad statements: a DSSE payload that is not base64, a wrong `_type`, and a 50k-package SPDX SBOM. */
export function writeMalformedLayout(directory: string, hugeCount = 50_000): MalformedLayout {
  const writer = new LayoutWriter(directory);
  const image = writer.image({ os: 'linux', architecture: 'amd64' }, 'malformed');
  const subject = subjectFor(image, 'linux/amd64');
  const badBase64 = Buffer.from(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: 'eyJfdHlwZSI6!!!not-base64', signatures: [{ keyid: 'k', sig: 'AAAA' }] }));
  const wrongType = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v9', predicateType: 'https://slsa.dev/provenance/v0.2', subject, predicate: { builder: { id: 'https://example.com/builder' }, buildType: 'https://mobyproject.org/buildkit@v1' } }));
  const packages = Array.from({ length: hugeCount }, (_, index) => ({
    name: `package-${index}`,
    SPDXID: `SPDXRef-Package-${index}`,
    versionInfo: `1.0.${index}`,
    licenseConcluded: index % 3 === 0 ? 'MIT' : 'Apache-2.0',
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:${index % 2 ? 'npm' : 'deb'}/package-${index}@1.0.${index}` }],
  }));
  const hugeSbom = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://spdx.dev/Document', subject, predicate: { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'huge', packages } }));
  const attestations = writer.attestationManifest(image, [
    { bytes: badBase64, predicateType: 'https://slsa.dev/provenance/v0.2' },
    { bytes: wrongType, predicateType: 'https://slsa.dev/provenance/v0.2' },
    { bytes: hugeSbom, predicateType: 'https://spdx.dev/Document' },
  ]);
  const index = writer.json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [image, attestations] }, 'application/vnd.oci.image.index.v1+json');
  writer.finish([{ descriptor: index, name: 'example.com/malformed:1' }]);
  const digest = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  return { directory, image: image.digest, badBase64: digest(badBase64), wrongType: digest(wrongType), hugeSbom: digest(hugeSbom), hugeCount };
}
