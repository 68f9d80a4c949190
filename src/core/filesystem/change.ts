/**
 * What a layer did to a path, as dive shows it: added (nothing was there), modified (something
 * was there and this layer replaced it or changed its header), deleted (a whiteout, an opaque
 * directory, or a directory replaced by a file removed it).
 */
import type { TarEntry } from '../tar/tarEntry';

export type ChangeKind = 'added' | 'modified' | 'deleted';

export interface PathChange {
  path: string;
  /** Index (0 = base) of the layer that made the change. */
  layer: number;
  change: ChangeKind;
  /**
   * For added and modified: the layer's header (undefined for a directory the layer only
   * implies). For deleted: the header of what was removed.
   */
  entry: TarEntry | undefined;
}

/** One layer's changes, each list in path order, with the bytes each list accounts for. */
export interface LayerChangeSet {
  layer: number;
  added: PathChange[];
  modified: PathChange[];
  deleted: PathChange[];
  /** Sum of the header sizes (regular files' data; links and directories count 0). */
  addedSize: number;
  modifiedSize: number;
  deletedSize: number;
}

function byPath(left: PathChange, right: PathChange): number {
  return left.path < right.path ? -1 : left.path > right.path ? 1 : 0;
}

/** Sorts one layer's changes into a change set. */
export function summariseChanges(layer: number, changes: readonly PathChange[]): LayerChangeSet {
  const set: LayerChangeSet = { layer, added: [], modified: [], deleted: [], addedSize: 0, modifiedSize: 0, deletedSize: 0 };
  for (const change of changes) {
    const size = change.entry?.size ?? 0;
    if (change.change === 'added') {
      set.added.push(change);
      set.addedSize += size;
    } else if (change.change === 'modified') {
      set.modified.push(change);
      set.modifiedSize += size;
    } else {
      set.deleted.push(change);
      set.deletedSize += size;
    }
  }
  set.added.sort(byPath);
  set.modified.sort(byPath);
  set.deleted.sort(byPath);
  return set;
}
