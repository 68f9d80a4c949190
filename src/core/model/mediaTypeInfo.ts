import { MediaType } from './mediaTypes';

export interface MediaTypeInfo {
  description: string;
  /** The spec page that defines it. */
  spec: string;
}

const OCI = 'https://github.com/opencontainers/image-spec/blob/main';
const DOCKER = 'https://distribution.github.io/distribution/spec';

const TABLE: Record<string, MediaTypeInfo> = {
  [MediaType.ociIndex]: { description: 'OCI image index: a list of manifests, usually one per platform.', spec: `${OCI}/image-index.md` },
  [MediaType.ociManifest]: { description: 'OCI image manifest: a config and an ordered list of layers (or an artifact).', spec: `${OCI}/manifest.md` },
  [MediaType.ociConfig]: { description: 'OCI image config: platform, runtime defaults, history and layer diff_ids.', spec: `${OCI}/config.md` },
  [MediaType.ociLayer]: { description: 'OCI layer: an uncompressed tar changeset.', spec: `${OCI}/layer.md` },
  [MediaType.ociLayerGzip]: { description: 'OCI layer: a gzip-compressed tar changeset.', spec: `${OCI}/layer.md` },
  [MediaType.ociLayerZstd]: { description: 'OCI layer: a zstd-compressed tar changeset.', spec: `${OCI}/layer.md` },
  [MediaType.ociNondistributableLayer]: { description: 'OCI non-distributable layer (deprecated): may not be pushed to other registries.', spec: `${OCI}/layer.md` },
  [MediaType.ociNondistributableLayerGzip]: { description: 'OCI non-distributable gzip layer (deprecated).', spec: `${OCI}/layer.md` },
  [MediaType.ociNondistributableLayerZstd]: { description: 'OCI non-distributable zstd layer (deprecated).', spec: `${OCI}/layer.md` },
  [MediaType.ociEmpty]: { description: 'The empty descriptor `{}`: a placeholder config for artifacts.', spec: `${OCI}/manifest.md#guidance-for-an-empty-descriptor` },
  [MediaType.dockerManifestList]: { description: 'Docker manifest list: one manifest per platform.', spec: `${DOCKER}/manifest-v2-2/#manifest-list` },
  [MediaType.dockerManifest]: { description: 'Docker image manifest, schema 2: a config and an ordered list of layers.', spec: `${DOCKER}/manifest-v2-2/#image-manifest` },
  [MediaType.dockerSchema1]: { description: 'Docker image manifest, schema 1 (deprecated): layers and v1 history, no config.', spec: `${DOCKER}/deprecated-schema-v1/` },
  [MediaType.dockerSchema1Signed]: { description: 'Signed Docker schema 1 manifest (deprecated), with a JWS signature.', spec: `${DOCKER}/deprecated-schema-v1/` },
  [MediaType.dockerConfig]: { description: 'Docker image config: platform, runtime defaults, history and layer diff_ids.', spec: `${OCI}/config.md` },
  [MediaType.dockerLayer]: { description: 'Docker layer: an uncompressed tar changeset.', spec: `${DOCKER}/manifest-v2-2/` },
  [MediaType.dockerLayerGzip]: { description: 'Docker layer: a gzip-compressed tar changeset.', spec: `${DOCKER}/manifest-v2-2/` },
  [MediaType.dockerLayerZstd]: { description: 'Docker layer: a zstd-compressed tar changeset.', spec: `${DOCKER}/manifest-v2-2/` },
  [MediaType.dockerForeignLayerGzip]: { description: 'Docker foreign layer: fetched from its `urls`, not the registry (Windows base layers).', spec: `${DOCKER}/manifest-v2-2/` },
  [MediaType.dockerPluginConfig]: { description: 'Docker plugin config.', spec: 'https://docs.docker.com/engine/extend/config/' },
  [MediaType.inToto]: { description: 'in-toto attestation statement (SBOM, provenance, …) as JSON.', spec: 'https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md' },
  'application/vnd.docker.attestation.manifest.v1+json': { description: 'BuildKit attestation manifest (artifact type).', spec: 'https://docs.docker.com/build/metadata/attestations/attestation-storage/' },
  'application/vnd.cncf.helm.config.v1+json': { description: 'Helm chart config (chart metadata).', spec: 'https://helm.sh/docs/topics/registries/' },
  'application/vnd.cncf.helm.chart.content.v1.tar+gzip': { description: 'Helm chart content: the packaged chart.', spec: 'https://helm.sh/docs/topics/registries/' },
  'application/vnd.cncf.notary.signature': { description: 'Notary Project (notation) signature artifact.', spec: 'https://github.com/notaryproject/specifications' },
  'application/vnd.dev.cosign.simplesigning.v1+json': { description: 'cosign simple-signing payload.', spec: 'https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md' },
  'application/vnd.dev.sigstore.bundle.v0.3+json': { description: 'Sigstore bundle: signature, certificate and transparency-log proof.', spec: 'https://github.com/sigstore/protobuf-specs' },
  'application/spdx+json': { description: 'SPDX software bill of materials (JSON).', spec: 'https://spdx.github.io/spdx-spec/' },
  'application/vnd.cyclonedx+json': { description: 'CycloneDX software bill of materials (JSON).', spec: 'https://cyclonedx.org/specification/overview/' },
  'application/vnd.wasm.config.v1+json': { description: 'WebAssembly module config (CNCF wasm OCI artifact).', spec: 'https://tag-runtime.cncf.io/wgs/wasm/deliverables/wasm-oci-artifact/' },
  'application/vnd.docker.compose.project': { description: 'Docker Compose project published as an OCI artifact.', spec: 'https://docs.docker.com/compose/how-tos/oci-artifact/' },
};

export function mediaTypeInfo(mediaType: string): MediaTypeInfo | undefined {
  return TABLE[mediaType];
}
