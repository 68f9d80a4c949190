/**
 * Applies layers, base first, to one tree, the way image-spec layer.md "Applying Changesets"
 * describes and overlay filesystems behave: a layer's whiteouts and opaque markers act on the
 * layers below it only (never on its own entries), then its entries are added in archive order;
 * a directory over a directory keeps the children, anything else replaces what was there (a
 * directory replaced by a file loses everything beneath it). There is one tree and no per-layer
 * copy. What each layer changed is recorded as it happens, on the node it happened to: that is
 * what dive's layer view and a path's history need (a top-down pass as in go-containerregistry's
 * `extract` cannot tell "added" from "modified" without the layers below).
 */
import type { TarEntry } from '../tar/tarEntry';
import type { ChangeKind, PathChange } from './change';
import type { LayerContent } from './layerContent';
import { parentPath, PathTree, type FileNode } from './pathTree';

/** One change, or several (base layer first): most paths change once, and need no array. */
export type History = PathChange | PathChange[];

/** A node that carries its path's history. */
export interface HistoryNode extends FileNode {
  history?: History;
}

/** applyInSteps pauses after every 4096 entries. */
const STEP_MASK = 4095;

/** Marks a change two steps of one layer cancelled (added, then removed again). */
const CANCELLED = -1;

export function historyList(history: History | undefined): readonly PathChange[] {
  return history === undefined ? [] : Array.isArray(history) ? history : [history];
}

export class LayerReplay {
  readonly tree: PathTree<HistoryNode>;
  /** Histories of paths that are gone (removed and not re-created), by path. */
  readonly removed = new Map<string, History>();
  /** This layer's changes, in the order made. */
  private changes: PathChange[] = [];
  private layer = 0;
  private lastParentPath: string | undefined;
  private lastParent: HistoryNode | undefined;

  /**
   * `rootLayer`: the layer the root directory is attributed to until a header names it.
   * `recordChanges`: false for a view of one layer, which has no history to keep.
   */
  constructor(
    rootLayer = 0,
    private readonly recordChanges = true,
  ) {
    this.tree = new PathTree<HistoryNode>(rootLayer);
  }

  /** Applies one layer on top of what is there; returns what it changed, in the order made. */
  apply(content: LayerContent, layer: number): PathChange[] {
    const steps = this.applyInSteps(content, layer);
    for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
  }

  /** `apply`, pausing (yielding) every few thousand entries so a caller can let other work run or stop. */
  *applyInSteps(content: LayerContent, layer: number): Generator<void, PathChange[], void> {
    this.changes = [];
    this.layer = layer;
    this.lastParentPath = undefined;
    const removed = (node: HistoryNode) => this.remove(node);
    for (const target of content.whiteouts) {
      const node = this.tree.get(target);
      if (node !== undefined && node !== this.tree.root) this.tree.detach(node, removed);
    }
    // A whiteout sits in its directory and an opaque marker in the directory it makes opaque:
    // both directories exist in this layer (extraction creates them, and so does an overlay).
    for (const target of content.whiteouts) this.directory(parentPath(target));
    for (const directory of content.opaques) this.tree.clearChildren(this.directory(directory), removed);
    const { paths, entries } = content;
    for (let index = 0; index < paths.length; index++) {
      this.put(paths[index], entries[index]);
      if ((index & STEP_MASK) === STEP_MASK) yield;
    }
    return this.changes.filter((change) => change.layer !== CANCELLED);
  }

  private put(path: string, entry: TarEntry): void {
    const tree = this.tree;
    if (path === '') {
      // The root's own header ("./"): its attributes, never a change to list.
      tree.root.entry = entry;
      tree.root.layer = this.layer;
      return;
    }
    const isDirectory = entry.type === 'directory';
    const existing = tree.get(path);
    if (existing === undefined) {
      const node = this.create(this.parentOf(path), path, entry, isDirectory ? new Set() : undefined);
      this.record(node, 'added', entry);
      return;
    }
    const before = existing.entry;
    if (existing.children !== undefined && !isDirectory) tree.clearChildren(existing, (node) => this.remove(node));
    existing.entry = entry;
    existing.layer = this.layer;
    existing.children = isDirectory ? (existing.children ?? new Set()) : undefined;
    // A directory header repeated with the same type, mode and owner is no change (dive compares
    // the same fields); its header still becomes the one the directory's attributes come from.
    if (isDirectory && before !== undefined && sameDirectory(before, entry)) return;
    this.record(existing, 'modified', entry);
  }

  /** The parent directory of `path`; entries come grouped by directory, so the last one is remembered. */
  private parentOf(path: string): HistoryNode {
    const parent = parentPath(path);
    // Within a layer nothing replaces a directory that later entries sit in (readLayerContent
    // leaves such contradictions out), so a remembered directory stays valid while it is one.
    if (parent !== this.lastParentPath || this.lastParent?.children === undefined) {
      this.lastParent = this.directory(parent);
      this.lastParentPath = parent;
    }
    return this.lastParent;
  }

  /** The directory at `path`, creating missing ones (implied) and turning a non-directory in the way into one. */
  private directory(path: string): HistoryNode {
    const existing = this.tree.get(path);
    if (existing?.children !== undefined) return existing;
    // Walk up to the closest directory, then create downwards: no recursion, however deep the path.
    const missing: string[] = [path];
    let parent = this.tree.get(parentPath(path));
    for (let ancestor = parentPath(path); parent?.children === undefined; ancestor = parentPath(ancestor), parent = this.tree.get(ancestor)) {
      missing.push(ancestor);
    }
    let directory = parent as HistoryNode;
    for (let index = missing.length - 1; index >= 0; index--) {
      const child = missing[index];
      const inTheWay = this.tree.get(child);
      if (inTheWay !== undefined) {
        // A file, link or device where a directory must be: replaced, as an overlay would.
        inTheWay.entry = undefined;
        inTheWay.layer = this.layer;
        inTheWay.children = new Set();
        this.record(inTheWay, 'modified', undefined);
        directory = inTheWay;
      } else {
        directory = this.create(directory, child, undefined, new Set());
        this.record(directory, 'added', undefined);
      }
    }
    return directory;
  }

  private create(parent: HistoryNode, path: string, entry: TarEntry | undefined, children: Set<FileNode> | undefined): HistoryNode {
    const node: HistoryNode = { path, entry, layer: this.layer, children };
    if (this.removed.size > 0) {
      // A path re-created: its history goes on.
      const history = this.removed.get(path);
      if (history !== undefined) {
        node.history = history;
        this.removed.delete(path);
      }
    }
    return this.tree.attach(parent, node);
  }

  /** A node leaves the tree (whiteout, opaque directory, replaced directory): its history is kept by path. */
  private remove(node: HistoryNode): void {
    this.record(node, 'deleted', node.entry);
    if (node.history !== undefined) this.removed.set(node.path, node.history);
  }

  /** Adds a change to the node's history, folding two changes of one layer into the one the layer made. */
  private record(node: HistoryNode, change: ChangeKind, entry: TarEntry | undefined): void {
    if (!this.recordChanges) return;
    const history = node.history;
    const last = history === undefined ? undefined : Array.isArray(history) ? history[history.length - 1] : history;
    if (last !== undefined && last.layer === this.layer) {
      if (last.change === 'added' && change === 'deleted') {
        // Added and removed within one layer: as if it never happened.
        last.layer = CANCELLED;
        if (Array.isArray(history)) history.pop();
        else node.history = undefined;
        return;
      }
      if (change === 'deleted') {
        // Modified, then removed: the layer removed it. Removed twice: the first removal stands.
        if (last.change === 'modified') {
          last.change = 'deleted';
          last.entry = entry;
        }
        return;
      }
      // Removed, then there again: modified. Added (or modified), then changed again: still that.
      if (last.change === 'deleted') last.change = 'modified';
      last.entry = entry;
      return;
    }
    const made: PathChange = { path: node.path, layer: this.layer, change, entry };
    this.changes.push(made);
    if (history === undefined) node.history = made;
    else if (Array.isArray(history)) history.push(made);
    else node.history = [history, made];
  }
}

function sameDirectory(before: TarEntry, after: TarEntry): boolean {
  return before.type === 'directory' && before.mode === after.mode && before.uid === after.uid && before.gid === after.gid;
}
