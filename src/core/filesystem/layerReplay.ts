/**
 * Applies layers, base first, to one tree, the way image-spec layer.md "Applying Changesets"
 * describes and overlay filesystems behave: a layer's whiteouts and opaque markers act on the
 * layers below it only (never on its own entries), then its entries are added; a directory
 * over a directory keeps the children, anything else replaces what was there (a directory
 * replaced by a file loses everything beneath it). There is one tree and no per-layer copy;
 * what each layer changed is recorded as it happens, which is what dive's layer view and a
 * path's history need (a top-down pass as in go-containerregistry's `extract` cannot tell
 * "added" from "modified" without the layers below).
 */
import type { TarEntry } from '../tar/tarEntry';
import { combineChanges, type ChangeKind, type PathChange } from './change';
import type { LayerContent } from './layerContent';
import { baseName, parentPath, PathTree, type FileNode } from './pathTree';

export class LayerReplay {
  readonly tree: PathTree;
  /** The changes of the layer being applied, by path. */
  private current = new Map<string, PathChange>();
  private layer = 0;

  /** `rootLayer`: the layer the root directory is attributed to until a header names it. */
  constructor(rootLayer = 0) {
    this.tree = new PathTree(rootLayer);
  }

  /** Applies one layer on top of what is there; returns what it changed, in no particular order. */
  apply(content: LayerContent, layer: number): PathChange[] {
    this.current = new Map();
    this.layer = layer;
    const removed = (node: FileNode) => this.record(node.path, 'deleted', node.entry);
    for (const target of content.whiteouts) {
      const node = this.tree.get(target);
      if (node !== undefined && node !== this.tree.root) this.tree.detach(node, removed);
    }
    // A whiteout sits in its directory and an opaque marker in the directory it makes opaque:
    // both directories exist in this layer (extraction creates them, and so does an overlay).
    for (const target of content.whiteouts) this.directory(parentPath(target));
    for (const directory of content.opaques) this.tree.clearChildren(this.directory(directory), removed);
    for (const [path, entry] of content.files) this.put(path, entry);
    return [...this.current.values()];
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
    const parent = this.directory(parentPath(path));
    const existing = parent.children?.get(baseName(path));
    if (existing === undefined) {
      tree.attach(parent, { path, entry, layer: this.layer, children: isDirectory ? new Map() : undefined });
      this.record(path, 'added', entry);
      return;
    }
    const before = existing.entry;
    if (existing.children !== undefined && !isDirectory) tree.clearChildren(existing, (node) => this.record(node.path, 'deleted', node.entry));
    existing.entry = entry;
    existing.layer = this.layer;
    existing.children = isDirectory ? (existing.children ?? new Map()) : undefined;
    // A directory header repeated with the same type, mode and owner is no change (dive compares
    // the same fields); its header still becomes the one the directory's attributes come from.
    if (isDirectory && before !== undefined && sameDirectory(before, entry) && !this.current.has(path)) return;
    this.record(path, 'modified', entry);
  }

  /** The directory at `path`, creating missing ones (implied) and replacing a non-directory in the way. */
  private directory(path: string): FileNode {
    const existing = this.tree.get(path);
    if (existing?.children !== undefined) return existing;
    // Walk up to the closest directory, then create downwards: no recursion, however deep the path.
    const missing: string[] = [path];
    let parent = this.tree.get(parentPath(path));
    for (let ancestor = parentPath(path); parent?.children === undefined; ancestor = parentPath(ancestor), parent = this.tree.get(ancestor)) {
      missing.push(ancestor);
    }
    for (let index = missing.length - 1; index >= 0; index--) {
      const child = missing[index];
      const inTheWay = (parent as FileNode).children?.get(baseName(child));
      if (inTheWay !== undefined) {
        // A file, link or device where a directory must be: replaced, as an overlay would.
        this.tree.detach(inTheWay);
        this.record(child, 'modified', undefined);
      } else this.record(child, 'added', undefined);
      parent = this.tree.attach(parent as FileNode, { path: child, entry: undefined, layer: this.layer, children: new Map() });
    }
    return parent as FileNode;
  }

  private record(path: string, change: ChangeKind, entry: TarEntry | undefined): void {
    const next: PathChange = { path, layer: this.layer, change, entry };
    const previous = this.current.get(path);
    if (previous === undefined) {
      this.current.set(path, next);
      return;
    }
    const combined = combineChanges(previous, next);
    if (combined === undefined) this.current.delete(path);
    else this.current.set(path, combined);
  }
}

function sameDirectory(before: TarEntry, after: TarEntry): boolean {
  return before.type === 'directory' && before.mode === after.mode && before.uid === after.uid && before.gid === after.gid;
}
