/**
 * A file tree keyed by clean paths ('' is the root, no leading '/' or './'): one node per path,
 * found in one map lookup, with each directory's children by name for listings. It holds tar
 * headers, never file data. Used for one layer's view and for the merged view of an image.
 */
import type { TarEntry, TarEntryType } from '../tar/tarEntry';

export interface FileNode {
  /** Clean path: no leading '/' or './', '' for the root. */
  readonly path: string;
  /**
   * The tar header the node's attributes come from; undefined for a directory that no header
   * names but that entries beneath it imply (tar extraction and overlay filesystems create those).
   */
  entry: TarEntry | undefined;
  /** Index (0 = base) of the layer whose header this is, or that first implied the directory. */
  layer: number;
  /** The children of a directory (in no order; `PathTree.sortedChildren` sorts them); unset for anything else. */
  children: Set<FileNode> | undefined;
}

/** Mode of a directory that only its children imply: what tar and containerd create (0755, root). */
export const IMPLIED_DIRECTORY_MODE = 0o755;

export function nodeType(node: FileNode): TarEntryType {
  return node.entry?.type ?? 'directory';
}

export function isDirectory(node: FileNode): boolean {
  return node.children !== undefined;
}

/** The directory a clean path sits in ('' for the root's children). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The last segment of a clean path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Code-unit order, the same everywhere (a locale's collation would differ between machines). */
function byName(left: FileNode, right: FileNode): number {
  return left.path < right.path ? -1 : left.path > right.path ? 1 : 0;
}

export class PathTree<Node extends FileNode = FileNode> {
  readonly root: Node;
  private readonly nodes = new Map<string, Node>();

  constructor(rootLayer = 0) {
    this.root = { path: '', entry: undefined, layer: rootLayer, children: new Set() } as FileNode as Node;
    this.nodes.set('', this.root);
  }

  /** Nodes in the tree, the root included. */
  get size(): number {
    return this.nodes.size;
  }

  get(path: string): Node | undefined {
    return this.nodes.get(path);
  }

  /** Puts `node` under `parent` (a directory); the caller has detached any node at its path. */
  attach(parent: Node, node: Node): Node {
    (parent.children as Set<FileNode>).add(node);
    this.nodes.set(node.path, node);
    return node;
  }

  /** Removes `node` and everything beneath it; `removed` sees each node, parents before children. */
  detach(node: Node, removed?: (node: Node) => void): void {
    if (node === this.root) throw new Error('PathTree: the root cannot be detached');
    this.nodes.get(parentPath(node.path))?.children?.delete(node);
    this.forget(node, removed);
  }

  /** Removes everything beneath the directory `node`, keeping the node. */
  clearChildren(node: Node, removed?: (node: Node) => void): void {
    const children = node.children;
    if (children === undefined || children.size === 0) return;
    node.children = new Set();
    for (const child of children) this.forget(child as Node, removed);
  }

  /** The children of a directory in name order (empty for anything else). */
  sortedChildren(node: Node): Node[] {
    return node.children === undefined ? [] : ([...node.children] as Node[]).sort(byName);
  }

  /** `node`, then everything beneath it, depth first, each directory's children in name order. */
  *walk(node: Node): Generator<Node> {
    const stack: Node[] = [node];
    while (stack.length > 0) {
      const current = stack.pop() as Node;
      yield current;
      const children = this.sortedChildren(current);
      for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]);
    }
  }

  private forget(node: Node, removed?: (node: Node) => void): void {
    const stack: Node[] = [node];
    while (stack.length > 0) {
      const current = stack.pop() as Node;
      this.nodes.delete(current.path);
      removed?.(current);
      if (current.children !== undefined) for (const child of current.children) stack.push(child as Node);
    }
  }
}
