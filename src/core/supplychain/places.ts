import type { Descriptor } from '../model/descriptor';
import type { GraphNode, ImageGraph } from '../model/imageGraph';
import type { ImageDocument } from '../model/manifest';
import { describeArtifact, type ArtifactDescription } from './artifactTypes';

/** Where a statement was found: BuildKit's attestation manifest, an OCI 1.1 referrer, or cosign's `sha256-<hex>.sig|att|sbom` tag. */
export type AttestationOrigin = 'attestation-manifest' | 'referrer' | 'cosign-tag';

/** One statement's address in a source, known from the graph alone (nothing read yet). */
export interface AttestationPlace {
  /** The manifest (or index, or artifact) the statement is about. */
  image: string;
  /** `os/arch[/variant]` of the image, when known. */
  platform?: string;
  origin: AttestationOrigin;
  /** The attestation manifest, referrer or cosign tag manifest that holds the statement. */
  container: string;
  /** What the container is, for the tree: friendly name and codicon. */
  artifact: ArtifactDescription;
  /** The container's artifactType, or its config media type when that says more than "image config". */
  artifactType?: string;
  /** The container's OCI 1.1 `subject`, when it has one. */
  containerSubject?: string;
  /** Why the container's document could not be read; the place then has no layer. */
  containerProblem?: string;
  /** The layer holding the statement; absent when the container has no layers (or could not be read). */
  layer?: Descriptor;
}

const COSIGN_TAG = /^sha256-([a-f0-9]{64})\.(sig|att|sbom)$/;

/** Nodes something is attached to, in graph order: attestation manifests, referrers or cosign tags. */
export function attestedImages(graph: ImageGraph): GraphNode[] {
  const tagged = new Set(cosignTagged(graph).map((entry) => entry.image));
  return graph.nodes.filter((node) => (node.attestations?.length ?? 0) > 0 || (node.referrers?.length ?? 0) > 0 || tagged.has(node.digest));
}

/** Every statement attached to one image, in order: attestation manifests' layers, referrers' layers, cosign tags' layers. */
export function attestationPlaces(graph: ImageGraph, imageDigest: string): AttestationPlace[] {
  const byDigest = new Map(graph.nodes.map((node) => [node.digest, node]));
  const image = byDigest.get(imageDigest);
  if (image === undefined) return [];
  const platform = normalisePlatform(image.platform);
  const containers: Array<[AttestationOrigin, string]> = [
    ...(image.attestations ?? []).map((digest) => ['attestation-manifest', digest] as [AttestationOrigin, string]),
    ...(image.referrers ?? []).map((digest) => ['referrer', digest] as [AttestationOrigin, string]),
    ...cosignTagged(graph)
      .filter((entry) => entry.image === imageDigest)
      .map((entry) => ['cosign-tag', entry.container] as [AttestationOrigin, string]),
  ];
  const places: AttestationPlace[] = [];
  for (const [origin, container] of containers) {
    const node = byDigest.get(container);
    const document = graph.documents.get(container);
    const base: AttestationPlace = { image: imageDigest, origin, container, artifact: describeArtifact(shapeOf(document, node)) };
    if (platform !== undefined) base.platform = platform;
    const artifactType = artifactTypeOf(document, node);
    if (artifactType !== undefined) base.artifactType = artifactType;
    if (document && document.type !== 'schema1' && document.subject) base.containerSubject = document.subject.digest;
    if (document?.type === 'manifest' && document.layers.length > 0) {
      for (const layer of document.layers) places.push({ ...base, layer });
      continue;
    }
    if (document === undefined) base.containerProblem = node?.present === false ? `${origin} ${container} is not in this source` : (node?.error ?? `${origin} ${container} could not be read`);
    places.push(base);
  }
  return places;
}

/** cosign's tag scheme (before OCI 1.1 referrers): a manifest tagged `sha256-<image hex>.sig`. */
function cosignTagged(graph: ImageGraph): Array<{ image: string; container: string }> {
  const result: Array<{ image: string; container: string }> = [];
  for (const node of graph.nodes) {
    for (const name of node.names ?? []) {
      const match = COSIGN_TAG.exec(name.replace(/^.*:/, ''));
      if (match) result.push({ image: `sha256:${match[1]}`, container: node.digest });
    }
  }
  return result;
}

function shapeOf(document: ImageDocument | undefined, node: GraphNode | undefined) {
  const descriptorAnnotations = node?.annotations;
  if (document?.type === 'manifest') return { artifactType: document.artifactType, config: document.config, layers: document.layers, annotations: document.annotations, descriptorAnnotations };
  if (document?.type === 'index') return { artifactType: document.artifactType, annotations: document.annotations, descriptorAnnotations };
  return { artifactType: node?.artifactType, descriptorAnnotations };
}

const GENERIC_CONFIGS = new Set(['application/vnd.oci.empty.v1+json', 'application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

function artifactTypeOf(document: ImageDocument | undefined, node: GraphNode | undefined): string | undefined {
  if (document?.type === 'manifest') return document.artifactType ?? (GENERIC_CONFIGS.has(document.config.mediaType) ? undefined : document.config.mediaType);
  if (document?.type === 'index') return document.artifactType;
  return node?.artifactType;
}

/** Platforms that say nothing ('unknown/unknown' on BuildKit's attestation manifests, '/' from an empty config) are left out. */
export function normalisePlatform(platform: string | undefined): string | undefined {
  if (platform === undefined) return undefined;
  const parts = platform.split('/');
  if (parts.length < 2 || parts[0] === '' || parts[1] === '' || parts[0] === 'unknown' || parts[1] === 'unknown') return undefined;
  return platform;
}
