/**
 * The filesystem of an image: its layers applied in order (layerReplay.ts), every visible node
 * knowing the layer it comes from, every path its history, every layer its change set.
 */
import { throttledProgress, throwIfCancelled, type OperationOptions } from '../cancellation';
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
  const merge = new Merge(layers);
  for (const [index, layer] of layers.entries()) {
    throwIfCancelled(options.signal, 'merging the layers');
    const steps = merge.layer(index, layer);
    for (let step = steps.next(); !step.done; step = steps.next());
  }
  return merge.result();
}

/**
 * `mergeLayers` for callers that must stay responsive (the extension host): it lets the event
 * loop run every 25 ms or so and stops with ImageError 'cancelled' as soon as `signal` aborts.
 */
export async function mergeLayersAsync(layers: readonly MergeInput[], options: OperationOptions = {}): Promise<MergedFilesystem> {
  const merge = new Merge(layers);
  const progress = throttledProgress(options.progress);
  let lastPause = Date.now();
  for (const [index, layer] of layers.entries()) {
    progress({ message: `Applying layer ${index + 1} of ${layers.length}`, done: index, total: layers.length, unit: 'layers' });
    const steps = merge.layer(index, layer);
    for (let step = steps.next(); !step.done; step = steps.next()) {
      if (Date.now() - lastPause < PAUSE_AFTER_MS) continue;
      await new Promise((resolve) => setImmediate(resolve));
      throwIfCancelled(options.signal, 'merging the layers');
      lastPause = Date.now();
    }
    throwIfCancelled(options.signal, 'merging the layers');
  }
  progress({ message: 'Layers applied', done: layers.length, total: layers.length, unit: 'layers' });
  return merge.result();
}

/** After this long without a break, mergeLayersAsync lets the event loop run. */
const PAUSE_AFTER_MS = 25;

/** The state of one merge: the replay, and what each layer changed and left out. */
class Merge {
  private readonly replay = new LayerReplay();
  private readonly changes: PathChange[][] = [];
  private readonly problems: string[][] = [];

  constructor(private readonly layers: readonly MergeInput[]) {}

  *layer(index: number, layer: MergeInput): Generator<void, void, void> {
    const content = readLayerContent(layer.entries);
    this.problems.push(content.problems);
    this.changes.push(yield* this.replay.applyInSteps(content, index));
  }

  result(): MergedFilesystem {
    const layers = this.layers.map((layer, index) => ({ index, digest: layer.digest }));
    return new MergedFilesystem(layers, this.replay.tree, this.changes, this.problems, this.replay.removed);
  }
}
