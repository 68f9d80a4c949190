/**
 * The filesystem of an image: its layers applied in order (layerReplay.ts), every visible node
 * knowing the layer it comes from, every path its history, every layer its change set.
 */
import { throwIfCancelled, type OperationOptions } from '../cancellation';
import type { TarEntry } from '../tar/tarEntry';
import { summariseChanges, type LayerChangeSet, type PathChange } from './change';
import { readLayerContent } from './layerContent';
import { historyList, LayerReplay, type History, type HistoryNode } from './layerReplay';
import type { FileNode, PathTree } from './pathTree';
import type { FileSystemView, LinkedFile } from './view';

export interface LayerRef {
  /** Position in the manifest, 0 = base. */
  index: number;
  /** The layer blob's digest, as the manifest gives it. */
  digest: string;
}

export interface MergeInput {
  digest: string;
  /** The layer's tar entries in archive order (a LayerIndex's `entries`). */
  entries: readonly TarEntry[];
}

export class MergedFilesystem implements FileSystemView {
  readonly description = 'the image';

  constructor(
    readonly layers: readonly LayerRef[],
    readonly tree: PathTree,
    /** Per layer, what it changed. */
    private readonly changesByLayer: readonly PathChange[][],
    /** Per layer, entries left out and why. */
    readonly problems: readonly string[][],
    /** Histories of paths no longer in the tree. */
    private readonly removed: ReadonlyMap<string, History>,
  ) {}

  get(path: string): FileNode | undefined {
    return this.tree.get(path);
  }

  /** What layer `layer` added, modified and deleted, with sizes. */
  changes(layer: number): LayerChangeSet {
    const changes = this.changesByLayer[layer];
    if (changes === undefined) throw new RangeError(`no layer ${layer} (the image has ${this.layers.length})`);
    return summariseChanges(layer, changes);
  }

  /** Every change to `path`, base layer first; empty for a path no layer touched. */
  history(path: string): readonly PathChange[] {
    const node = this.tree.get(path) as HistoryNode | undefined;
    return historyList(node === undefined ? this.removed.get(path) : node.history);
  }

  /**
   * A hard link shares its data with the file its target named when the link's layer was
   * applied: the target in the link's own layer, else in the layers below (tar semantics; a
   * later layer replacing the target does not change the link's data).
   */
  hardLinkTarget(linkLayer: number, targetPath: string): LinkedFile | undefined {
    const history = this.history(targetPath);
    for (let index = history.length - 1; index >= 0; index--) {
      const change = history[index];
      if (change.layer > linkLayer) continue;
      if (change.change === 'deleted' || change.entry === undefined) return undefined;
      return { path: targetPath, entry: change.entry, layer: change.layer };
    }
    return undefined;
  }
}

/** Applies `layers` (base first) and returns the merged filesystem. */
export function mergeLayers(layers: readonly MergeInput[], options: OperationOptions = {}): MergedFilesystem {
  const replay = new LayerReplay();
  const changes: PathChange[][] = [];
  const problems: string[][] = [];
  layers.forEach((layer, index) => {
    throwIfCancelled(options.signal, 'merging the layers');
    const content = readLayerContent(layer.entries);
    changes.push(replay.apply(content, index));
    problems.push(content.problems);
  });
  return new MergedFilesystem(
    layers.map((layer, index) => ({ index, digest: layer.digest })),
    replay.tree,
    changes,
    problems,
    replay.removed,
  );
}
