import { ATTESTATION_ANNOTATIONS } from '../model/nodeKind';
import { kindFromWords } from './predicateTypes';
import type { AttestationKind } from './types';

/** What the tree shows for an artifact: a friendly name and a codicon (https://microsoft.github.io/vscode-codicons/). */
export interface ArtifactTypeInfo {
  name: string;
  codicon: string;
  kind: AttestationKind;
}

export interface ArtifactDescription extends ArtifactTypeInfo {
  /** The type it was recognised by (artifactType, config or layer media type); '' when there is none. */
  mediaType: string;
  /** False when no table entry matched and the name is only the media type. */
  known: boolean;
}

/** Exact media types, then prefixes (entries ending in '*'). Sources: each project's OCI artifact docs. */
const TABLE: Array<[type: string, info: ArtifactTypeInfo]> = [
  ['application/vnd.cncf.helm.config.v1+json', { name: 'Helm chart', codicon: 'package', kind: 'other' }],
  ['application/vnd.cncf.helm.chart.content.v1.tar+gzip', { name: 'Helm chart', codicon: 'package', kind: 'other' }],
  ['application/vnd.wasm.config.v1+json', { name: 'WebAssembly module', codicon: 'file-binary', kind: 'other' }],
  ['application/vnd.module.wasm.*', { name: 'WebAssembly module', codicon: 'file-binary', kind: 'other' }],
  ['application/vnd.wasm.content.layer.v1+wasm', { name: 'WebAssembly module', codicon: 'file-binary', kind: 'other' }],
  ['application/vnd.docker.compose.project', { name: 'Docker Compose project', codicon: 'layers', kind: 'other' }],
  ['application/vnd.docker.compose.*', { name: 'Docker Compose project', codicon: 'layers', kind: 'other' }],
  ['application/spdx+json', { name: 'SBOM (SPDX)', codicon: 'checklist', kind: 'sbom' }],
  ['text/spdx*', { name: 'SBOM (SPDX)', codicon: 'checklist', kind: 'sbom' }],
  ['application/vnd.cyclonedx*', { name: 'SBOM (CycloneDX)', codicon: 'checklist', kind: 'sbom' }],
  ['application/vnd.syft+json', { name: 'SBOM (syft)', codicon: 'checklist', kind: 'sbom' }],
  ['application/vnd.dev.cosign.artifact.sbom.*', { name: 'SBOM (cosign)', codicon: 'checklist', kind: 'sbom' }],
  ['application/sarif+json', { name: 'Vulnerability report (SARIF)', codicon: 'bug', kind: 'vulnerability-report' }],
  ['application/vnd.cncf.notary.signature', { name: 'Signature (notation)', codicon: 'verified', kind: 'signature' }],
  ['application/jose+json', { name: 'Signature (JWS)', codicon: 'verified', kind: 'signature' }],
  ['application/cose', { name: 'Signature (COSE)', codicon: 'verified', kind: 'signature' }],
  ['application/vnd.dev.cosign.simplesigning.v1+json', { name: 'Signature (cosign)', codicon: 'verified', kind: 'signature' }],
  ['application/vnd.dev.cosign.*', { name: 'Signature (cosign)', codicon: 'verified', kind: 'signature' }],
  ['application/vnd.dev.sigstore.bundle*', { name: 'Sigstore bundle', codicon: 'verified', kind: 'signature' }],
  ['application/vnd.dsse.envelope.v1+json', { name: 'Attestation (DSSE)', codicon: 'shield', kind: 'other' }],
  ['application/vnd.in-toto+json', { name: 'Attestation (in-toto)', codicon: 'shield', kind: 'other' }],
  ['application/vnd.in-toto.*', { name: 'Attestation (in-toto)', codicon: 'shield', kind: 'other' }],
  ['application/vnd.docker.attestation.manifest.v1+json', { name: 'BuildKit attestations', codicon: 'shield', kind: 'other' }],
  ['application/vnd.sylabs.sif.config.v1+json', { name: 'Apptainer image (SIF)', codicon: 'package', kind: 'other' }],
  ['application/vnd.cncf.flux.config.v1+json', { name: 'Flux artifact', codicon: 'package', kind: 'other' }],
];

const HOMEBREW: ArtifactTypeInfo = { name: 'Homebrew bottle', codicon: 'beaker', kind: 'other' };
const BUILDKIT: ArtifactTypeInfo = { name: 'BuildKit attestations', codicon: 'shield', kind: 'other' };

/** The table entry for one media type or artifact type, if any. Parameters (`;version=0.1`) are ignored. */
export function describeArtifactType(type: string | undefined): ArtifactTypeInfo | undefined {
  if (!type) return undefined;
  const bare = type.split(';')[0].trim().toLowerCase();
  for (const [pattern, info] of TABLE) {
    if (pattern.endsWith('*') ? bare.startsWith(pattern.slice(0, -1)) : bare === pattern) return info;
  }
  return undefined;
}

/** The parts of a manifest (and of the descriptor pointing at it) that say what kind of artifact it is. */
export interface ArtifactShape {
  artifactType?: string;
  config?: { mediaType: string };
  layers?: Array<{ mediaType: string; annotations?: Record<string, string> }>;
  annotations?: Record<string, string>;
  /** Annotations on the index descriptor that points at the manifest (BuildKit puts its markers there). */
  descriptorAnnotations?: Record<string, string>;
}

const hasBrewAnnotation = (annotations: Record<string, string> | undefined) => Object.keys(annotations ?? {}).some((key) => key.startsWith('sh.brew.'));

/**
 * Names an artifact: BuildKit attestation manifests and Homebrew bottles by their annotations, then
 * the artifactType, the config media type and the layer media types, in that order (the OCI 1.1
 * guidance for deriving an artifact's type). Unknown artifacts are named by their type.
 */
export function describeArtifact(shape: ArtifactShape): ArtifactDescription {
  if (shape.descriptorAnnotations?.[ATTESTATION_ANNOTATIONS.type] === ATTESTATION_ANNOTATIONS.attestationManifest) {
    return { ...BUILDKIT, mediaType: shape.artifactType ?? '', known: true };
  }
  const layers = shape.layers ?? [];
  if (hasBrewAnnotation(shape.annotations) || hasBrewAnnotation(shape.descriptorAnnotations) || layers.some((layer) => hasBrewAnnotation(layer.annotations))) {
    return { ...HOMEBREW, mediaType: shape.artifactType ?? layers[0]?.mediaType ?? '', known: true };
  }
  const candidates = [shape.artifactType, shape.config?.mediaType, ...layers.map((layer) => layer.mediaType)];
  for (const candidate of candidates) {
    const info = describeArtifactType(candidate);
    if (info && candidate) return { ...info, mediaType: candidate, known: true };
  }
  const mediaType = [shape.artifactType, shape.config?.mediaType].find((type) => type && !isGenericConfig(type)) ?? layers[0]?.mediaType ?? '';
  return { name: mediaType ? `Artifact (${mediaType})` : 'Artifact', codicon: 'file', kind: kindFromWords(mediaType), mediaType, known: false };
}

/** Config types that say nothing about the artifact: the empty descriptor and image configs. */
function isGenericConfig(type: string): boolean {
  return type === 'application/vnd.oci.empty.v1+json' || type === 'application/vnd.oci.image.config.v1+json' || type === 'application/vnd.docker.container.image.v1+json';
}
