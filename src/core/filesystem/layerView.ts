/**
 * One layer on its own: the entries its tar holds (whiteout and opaque markers included, as
 * files), with the directories they imply. Links resolve within the layer only.
 */
import { shortDigest } from '../digest';
import type { TarEntry } from '../tar/tarEntry';
import { readLayerContent } from './layerContent';
import { LayerReplay } from './layerReplay';
import type { FileNode, PathTree } from './pathTree';
import type { FileSystemView, LinkedFile } from './view';

export class LayerView implements FileSystemView {
  private constructor(
    /** Position of the layer in its manifest (0 = base). */
    readonly layer: number,
    readonly digest: string,
    readonly tree: PathTree,
    /** Entries left out and why. */
    readonly problems: readonly string[],
  ) {}

  static build(layer: number, digest: string, entries: readonly TarEntry[]): LayerView {
    const replay = new LayerReplay(layer, false);
    const content = readLayerContent(entries, { keepMarkers: true });
    replay.apply(content, layer);
    return new LayerView(layer, digest, replay.tree, content.problems);
  }

  get description(): string {
    return `layer ${this.layer} (${shortDigest(this.digest)})`;
  }

  get(path: string): FileNode | undefined {
    return this.tree.get(path);
  }

  /** In one layer a hard link can only name a file of the same layer. */
  hardLinkTarget(_linkLayer: number, targetPath: string): LinkedFile | undefined {
    const node = this.tree.get(targetPath);
    if (node?.entry === undefined) return undefined;
    return { path: targetPath, entry: node.entry, layer: this.layer };
  }
}
