import type { OperationOptions } from '../cancellation';
import type { ImageSource } from '../sources/imageSource';
import { ReadLimits } from '../sources/limits';
import { readBlob } from '../sources/readBlob';
import { parseImageConfig } from './config';
import type { GraphNode, ImageGraph } from './imageGraph';
import { isImageConfigMediaType } from './mediaTypes';

/** What a digest met in a document is, in a mounted source. */
export type DigestMeaning =
  | { type: 'node'; node: GraphNode }
  /** A `rootfs.diff_ids` entry: the uncompressed digest of a layer. */
  | { type: 'diff-id'; layer: GraphNode; layerIndex: number; image: GraphNode }
  | { type: 'unknown' };

/**
 * Answers "what is this digest?" for links and hovers: graph nodes directly, and diff_ids through
 * the configs (read once, lazily, then kept: content never changes).
 */
export class DigestCatalog {
  private readonly nodes: Map<string, GraphNode>;
  private diffIds?: Promise<Map<string, { layer: GraphNode; layerIndex: number; image: GraphNode }>>;

  constructor(
    private readonly source: ImageSource,
    private readonly graph: ImageGraph,
  ) {
    this.nodes = new Map(graph.nodes.map((node) => [node.digest, node]));
    for (const blob of graph.unreferenced) {
      if (!this.nodes.has(blob.digest)) this.nodes.set(blob.digest, { digest: blob.digest, size: blob.size, mediaType: '', kind: 'blob', present: true, parents: [], annotations: {} });
    }
  }

  async meaning(digest: string, options: OperationOptions = {}): Promise<DigestMeaning> {
    const node = this.nodes.get(digest);
    if (node) return { type: 'node', node };
    const viaDiffId = (await this.diffIdMap(options)).get(digest);
    return viaDiffId ? { type: 'diff-id', ...viaDiffId } : { type: 'unknown' };
  }

  /** Nodes a lazily read graph gained (an expanded registry image); diff_ids are looked up again. */
  learn(nodes: readonly GraphNode[]): void {
    for (const node of nodes) this.nodes.set(node.digest, node);
    this.diffIds = undefined;
  }

  node(digest: string): GraphNode | undefined {
    return this.nodes.get(digest);
  }

  private diffIdMap(options: OperationOptions): Promise<Map<string, { layer: GraphNode; layerIndex: number; image: GraphNode }>> {
    this.diffIds ??= this.readDiffIds(options);
    return this.diffIds;
  }

  private async readDiffIds(options: OperationOptions): Promise<Map<string, { layer: GraphNode; layerIndex: number; image: GraphNode }>> {
    const map = new Map<string, { layer: GraphNode; layerIndex: number; image: GraphNode }>();
    for (const [digest, document] of this.graph.documents) {
      const image = this.nodes.get(digest);
      if (!image || document.type !== 'manifest' || !isImageConfigMediaType(document.config.mediaType)) continue;
      try {
        const config = parseImageConfig(await readBlob(this.source, document.config.digest, ReadLimits.config, options), { source: this.source.location, subject: document.config.digest });
        config.diffIds.forEach((diffId, layerIndex) => {
          const layer = this.nodes.get(document.layers[layerIndex]?.digest ?? '');
          if (layer && !map.has(diffId)) map.set(diffId, { layer, layerIndex, image });
        });
      } catch {
        // An absent or unreadable config just leaves its diff_ids unexplained.
      }
    }
    return map;
  }
}
