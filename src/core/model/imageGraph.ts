import { throttledProgress, throwIfCancelled, type OperationOptions } from '../cancellation';
import { describeError, ImageError } from '../errors';
import type { ImageSource, SourceKind } from '../sources/imageSource';
import { readBlob } from '../sources/readBlob';
import { ReadLimits } from '../sources/limits';
import { parseImageConfig } from './config';
import { formatPlatform, type Descriptor } from './descriptor';
import { parseImageDocument, type ImageDocument } from './manifest';
import { isImageConfigMediaType, isIndexMediaType, isJsonMediaType, isManifestMediaType, MediaType } from './mediaTypes';
import { ATTESTATION_ANNOTATIONS, kindOfLayer, kindOfManifestLike, type NodeKind } from './nodeKind';

/** One descriptor of the image graph: a node of `tree --json`. */
export interface GraphNode {
  digest: string;
  mediaType: string;
  size: number;
  kind: NodeKind;
  /** Whether the source holds the blob ("not in this archive" otherwise). */
  present: boolean;
  /** `os/arch[/variant]` where known (from an index descriptor or the image config). */
  platform?: string;
  /** Digests of the nodes whose document references this one (manifests, indexes). */
  parents: string[];
  annotations: Record<string, string>;
  artifactType?: string;
  /** OCI 1.1: the manifest this artifact refers to. */
  subject?: string;
  /** OCI 1.1: artifacts in this source whose `subject` is this node. */
  referrers?: string[];
  /** BuildKit: the image manifest an attestation manifest describes (`vnd.docker.reference.digest`). */
  attests?: string;
  /** BuildKit: attestation manifests that describe this image manifest. */
  attestations?: string[];
  /** Names given to a root: tags, `ref.name` annotations, RepoTags. */
  names?: string[];
  /** Why the node's document could not be read, if it could not. */
  error?: string;
}

export interface GraphRoot {
  names: string[];
  digest: string;
  mediaType: string;
  size: number;
}

export interface ImageGraph {
  source: { location: string; kind: SourceKind; format: string };
  roots: GraphRoot[];
  /** Every descriptor reachable from the roots, breadth first, each once. */
  nodes: GraphNode[];
  /** Blobs the source holds that nothing references. */
  unreferenced: Array<{ digest: string; size: number }>;
  /** Parsed documents by digest (indexes and manifests), for the adapters; not serialised. */
  documents: Map<string, ImageDocument>;
}

/** The most nodes one graph may have: a hostile index cannot make us walk forever. */
const MAX_NODES = 200_000;
/** Unreferenced blobs up to this size are peeked at for OCI 1.1 `subject` (referrers not in index.json). */
const REFERRER_PEEK_LIMIT = 256 * 1024;

interface Visit {
  descriptor: Descriptor;
  parent?: GraphNode;
  /** The kind the parent's document gives this descriptor (config, layer...); undefined for manifest-likes. */
  childKind?: NodeKind;
  platform?: string;
}

export interface GraphOptions extends OperationOptions {
  /**
   * `all` (the default) reads every index and manifest reachable from the roots. `roots` reads
   * only the roots' own documents: what they reference becomes nodes from its descriptors, unread
   * (no entry in `documents`), and no config is read for a platform. A registry mount then costs
   * one manifest request; adapters read deeper documents when the user expands a node.
   */
  depth?: 'all' | 'roots';
}

/** Walks a source from its roots: reads each index and manifest once, marks absent blobs, links attestations and referrers. */
export async function buildImageGraph(source: ImageSource, options: GraphOptions = {}): Promise<ImageGraph> {
  const shallow = options.depth === 'roots';
  const roots = await source.roots(options);
  const walk = new GraphWalk(source, options, { shallow, readConfigs: !shallow });
  for (const root of roots) walk.enqueue({ descriptor: root.descriptor, platform: formatPlatform(root.descriptor.platform) });
  await walk.drain();

  // OCI 1.1 referrers that index.json does not list: unreferenced small manifests with a subject.
  const listed = await source.list(options);
  for (const digest of shallow ? [] : (listed ?? [])) {
    if (walk.nodes.has(digest)) continue;
    const stat = await source.stat(digest, options);
    if (!stat || stat.size > REFERRER_PEEK_LIMIT) continue;
    const document = await peekDocument(source, digest, options);
    if (document && document.type !== 'schema1' && document.subject) {
      walk.enqueue({ descriptor: { mediaType: document.mediaType, digest, size: stat.size } });
      await walk.drain();
    }
  }

  linkAttestationsAndReferrers(walk.nodes, walk.nodes.values());
  const unreferenced: Array<{ digest: string; size: number }> = [];
  for (const digest of listed ?? []) {
    if (walk.nodes.has(digest)) continue;
    unreferenced.push({ digest, size: (await source.stat(digest, options))?.size ?? 0 });
  }
  const graphRoots = roots.map((root) => ({ names: root.names, digest: root.descriptor.digest, mediaType: root.descriptor.mediaType, size: root.descriptor.size }));
  for (const root of graphRoots) {
    const node = walk.nodes.get(root.digest);
    if (node && root.names.length > 0) node.names = [...new Set([...(node.names ?? []), ...root.names])];
  }
  return { source: { location: source.location, kind: source.kind, format: source.format }, roots: graphRoots, nodes: [...walk.nodes.values()], unreferenced, documents: walk.documents };
}

/** Whether a node of a `depth: 'roots'` graph still has a document to read (an unexpanded platform image, a nested index). */
export function isUnread(graph: ImageGraph, node: GraphNode): boolean {
  return node.present && !graph.documents.has(node.digest) && node.error === undefined && (node.kind === 'manifest' || node.kind === 'index' || node.kind === 'attestation-manifest' || node.kind === 'artifact');
}

/**
 * Reads one unread node of a shallow graph (what expanding it in a tree asks for): its document,
 * its image config when the platform is not known yet, and adds the descriptors the document
 * references as nodes, unread. Mutates `graph` in place and returns the nodes it added.
 */
export async function expandGraphNode(source: ImageSource, graph: ImageGraph, digest: string, options: OperationOptions = {}): Promise<GraphNode[]> {
  const node = graph.nodes.find((candidate) => candidate.digest === digest);
  if (!node || !isUnread(graph, node)) return [];
  const walk = new GraphWalk(source, options, { shallow: true, readConfigs: true }, new Map(graph.nodes.map((known) => [known.digest, known])), graph.documents);
  const descriptor: Descriptor = { mediaType: node.mediaType, digest: node.digest, size: node.size, annotations: node.annotations };
  if (node.artifactType) descriptor.artifactType = node.artifactType;
  await walk.read(node, { descriptor, platform: node.platform });
  await walk.drain();
  const added = [...walk.nodes.values()].slice(graph.nodes.length);
  graph.nodes.push(...added);
  linkAttestationsAndReferrers(walk.nodes, [node, ...added]);
  return added;
}

/** The breadth-first walk over documents behind buildImageGraph and expandGraphNode. */
class GraphWalk {
  private readonly queue: Visit[] = [];
  private readonly progress: ReturnType<typeof throttledProgress>;

  constructor(
    private readonly source: ImageSource,
    private readonly options: OperationOptions,
    /** `shallow`: documents of non-root nodes stay unread; `readConfigs`: an image without a platform reads its config. */
    private readonly mode: { shallow: boolean; readConfigs: boolean },
    readonly nodes = new Map<string, GraphNode>(),
    readonly documents = new Map<string, ImageDocument>(),
  ) {
    this.progress = throttledProgress(options.progress);
  }

  enqueue(visit: Visit): void {
    this.queue.push(visit);
  }

  async drain(): Promise<void> {
    while (this.queue.length > 0) {
      throwIfCancelled(this.options.signal, 'reading the image graph');
      await this.visit(this.queue.shift() as Visit);
    }
  }

  /** Adds a descriptor as a node (once; a second parent is recorded) and reads its document when it has one to read. */
  private async visit(visit: Visit): Promise<void> {
    const { descriptor, parent, childKind, platform } = visit;
    const existing = this.nodes.get(descriptor.digest);
    if (existing) {
      if (parent && !existing.parents.includes(parent.digest)) existing.parents.push(parent.digest);
      return;
    }
    if (this.nodes.size >= MAX_NODES) throw new ImageError('too-large', `the image graph has more than ${MAX_NODES} descriptors`, { source: this.source.location });
    const stat = await this.source.stat(descriptor.digest, this.options);
    const node: GraphNode = {
      digest: descriptor.digest,
      mediaType: descriptor.mediaType,
      // Schema 1 layers carry no size; the stored blob's size stands in when there is one.
      size: descriptor.size >= 0 ? descriptor.size : (stat?.size ?? 0),
      kind: childKind ?? 'blob',
      present: stat !== undefined,
      parents: parent ? [parent.digest] : [],
      annotations: descriptor.annotations ?? {},
    };
    if (descriptor.artifactType) node.artifactType = descriptor.artifactType;
    if (platform && platform !== 'unknown/unknown') node.platform = platform;
    this.nodes.set(node.digest, node);
    this.progress({ message: `Reading ${node.digest}`, done: this.nodes.size });
    if (childKind !== undefined && childKind !== 'blob') return;
    if (this.mode.shallow && parent) {
      node.kind = childKind === 'blob' ? 'blob' : kindOfManifestLike(descriptor, undefined);
      if (node.kind === 'attestation-manifest') markAttestation(node, descriptor);
      return;
    }
    await this.read(node, visit);
  }

  /** Reads a node's document (when it may be a manifest), settles its kind and queues what it references. */
  async read(node: GraphNode, { descriptor, childKind }: Visit): Promise<void> {
    let document: ImageDocument | undefined;
    if (node.present && mayBeManifest(descriptor, childKind)) {
      try {
        document = parseImageDocument(await readBlob(this.source, descriptor.digest, ReadLimits.manifest, this.options), descriptor.mediaType, { source: this.source.location, subject: descriptor.digest });
        this.documents.set(node.digest, document);
        if (!node.mediaType) node.mediaType = document.mediaType;
      } catch (error) {
        if (error instanceof ImageError && error.code === 'cancelled') throw error;
        if (childKind === undefined) node.error = describeError(error);
      }
    }
    node.kind = childKind === 'blob' && !document ? 'blob' : kindOfManifestLike(descriptor, document);
    if (node.kind === 'attestation-manifest') markAttestation(node, descriptor);
    if (!document) return;
    if (document.type !== 'schema1') {
      if (document.subject) node.subject = document.subject.digest;
      if (document.artifactType) node.artifactType = document.artifactType;
    }
    if (document.type === 'index') {
      for (const child of document.manifests) this.enqueue({ descriptor: child, parent: node, platform: formatPlatform(child.platform) });
    } else if (document.type === 'manifest') {
      if (!node.platform && node.kind === 'manifest' && this.mode.readConfigs) node.platform = await platformFromConfig(this.source, document.config, document.mediaType, this.options);
      this.enqueue({ descriptor: document.config, parent: node, childKind: 'config', platform: node.platform });
      for (const layer of document.layers) this.enqueue({ descriptor: layer, parent: node, childKind: kindOfLayer(layer, node.kind), platform: node.platform });
    } else {
      if (!node.platform && document.architecture) node.platform = `linux/${document.architecture}`;
      for (const layerDigest of document.layerDigests) this.enqueue({ descriptor: { mediaType: '', digest: layerDigest, size: -1 }, parent: node, childKind: 'layer', platform: node.platform });
    }
  }
}

/** BuildKit attestation manifests say which image they describe; they have no platform of their own. */
function markAttestation(node: GraphNode, descriptor: Descriptor): void {
  delete node.platform;
  const attests = descriptor.annotations?.[ATTESTATION_ANNOTATIONS.digest];
  if (attests) node.attests = attests;
}

function mayBeManifest(descriptor: Descriptor, childKind: NodeKind | undefined): boolean {
  if (childKind === undefined) return true; // roots and index entries are manifests by definition
  return isIndexMediaType(descriptor.mediaType) || isManifestMediaType(descriptor.mediaType);
}

async function platformFromConfig(source: ImageSource, config: Descriptor, manifestMediaType: string, options: OperationOptions): Promise<string | undefined> {
  const dockerImage = manifestMediaType === MediaType.dockerManifest;
  if (!dockerImage && !isImageConfigMediaType(config.mediaType) && !isJsonMediaType(config.mediaType)) return undefined;
  try {
    if (!(await source.stat(config.digest, options))) return undefined;
    const parsed = parseImageConfig(await readBlob(source, config.digest, ReadLimits.config, options), { source: source.location, subject: config.digest });
    return formatPlatform(parsed.platform);
  } catch {
    return undefined;
  }
}

async function peekDocument(source: ImageSource, digest: string, options: OperationOptions): Promise<ImageDocument | undefined> {
  try {
    return parseImageDocument(await readBlob(source, digest, REFERRER_PEEK_LIMIT, options), undefined, { source: source.location, subject: digest });
  } catch {
    return undefined;
  }
}

/** Records, on the nodes they point at, the attestation manifests and referrers among `from` (idempotent). */
function linkAttestationsAndReferrers(nodes: Map<string, GraphNode>, from: Iterable<GraphNode>): void {
  const link = (target: GraphNode | undefined, field: 'attestations' | 'referrers', digest: string) => {
    if (target && !target[field]?.includes(digest)) target[field] = [...(target[field] ?? []), digest];
  };
  for (const node of from) {
    if (node.attests) link(nodes.get(node.attests), 'attestations', node.digest);
    if (node.subject) link(nodes.get(node.subject), 'referrers', node.digest);
  }
}

/** The JSON shape of `tree --json` (documented in the README); stable: add fields, never rename. */
export function graphToJson(graph: ImageGraph): object {
  return {
    source: graph.source,
    roots: graph.roots.map((root) => ({ name: root.names[0] ?? null, ...root })),
    nodes: graph.nodes,
    unreferenced: graph.unreferenced,
  };
}

/**
 * The nodes a node's document references, in the document's order (an index's manifests; a
 * manifest's config then layers), then the attestations and referrers that point at it.
 */
export function childrenOf(graph: ImageGraph, node: GraphNode, byDigest: ReadonlyMap<string, GraphNode>): GraphNode[] {
  const document = graph.documents.get(node.digest);
  let digests: string[] = [];
  if (document?.type === 'index') digests = document.manifests.map((descriptor) => descriptor.digest);
  else if (document?.type === 'manifest') digests = [document.config.digest, ...document.layers.map((descriptor) => descriptor.digest)];
  else if (document?.type === 'schema1') digests = document.layerDigests;
  const seen = new Set<string>();
  const result: GraphNode[] = [];
  for (const digest of [...digests, ...(node.attestations ?? []), ...(node.referrers ?? [])]) {
    const child = byDigest.get(digest);
    if (child && !seen.has(digest)) {
      seen.add(digest);
      result.push(child);
    }
  }
  return result;
}
