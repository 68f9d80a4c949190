import type { Descriptor } from './descriptor';
import type { ImageDocument } from './manifest';
import { isImageConfigMediaType, isIndexMediaType, isManifestMediaType, MediaType } from './mediaTypes';

/** What a node of the image graph is; the `kind` field of `tree --json`. */
export type NodeKind = 'index' | 'manifest' | 'config' | 'layer' | 'attestation-manifest' | 'attestation' | 'artifact' | 'blob';

/** BuildKit's attestation manifests (docs: "Attestation storage"): annotations on their index descriptor. */
export const ATTESTATION_ANNOTATIONS = {
  type: 'vnd.docker.reference.type',
  digest: 'vnd.docker.reference.digest',
  attestationManifest: 'attestation-manifest',
  predicateType: 'in-toto.io/predicate-type',
} as const;

export function isAttestationManifestDescriptor(descriptor: Descriptor): boolean {
  return descriptor.annotations?.[ATTESTATION_ANNOTATIONS.type] === ATTESTATION_ANNOTATIONS.attestationManifest;
}

/** The kind of a descriptor met in an index (or as a root), refined by its parsed document when present. */
export function kindOfManifestLike(descriptor: Descriptor, document: ImageDocument | undefined): NodeKind {
  if (isAttestationManifestDescriptor(descriptor)) return 'attestation-manifest';
  if (document?.type === 'index') return 'index';
  if (document?.type === 'schema1') return 'manifest';
  if (document?.type === 'manifest') {
    // Old Docker schema 2 manifests may give their config as application/octet-stream; a
    // Docker manifest is an image unless it says otherwise.
    const isDockerImage = document.mediaType === MediaType.dockerManifest;
    const isArtifact = document.artifactType !== undefined || document.subject !== undefined || (!isDockerImage && !isImageConfigMediaType(document.config.mediaType));
    return isArtifact ? 'artifact' : 'manifest';
  }
  if (isIndexMediaType(descriptor.mediaType)) return 'index';
  if (isManifestMediaType(descriptor.mediaType)) return descriptor.artifactType ? 'artifact' : 'manifest';
  return 'blob';
}

/** The kind of a manifest's layer, given the kind of the manifest that lists it. */
export function kindOfLayer(layer: Descriptor, parentKind: NodeKind): NodeKind {
  if (layer.mediaType === MediaType.inToto || layer.annotations?.[ATTESTATION_ANNOTATIONS.predicateType] !== undefined) return 'attestation';
  if (parentKind === 'attestation-manifest') return 'attestation';
  if (parentKind === 'artifact') return 'blob';
  return 'layer';
}
