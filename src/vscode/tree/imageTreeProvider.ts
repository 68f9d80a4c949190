import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { splitSourcePrefix } from '../../core/sources/openSource';
import type { MountedSource, SourceManager } from '../sourceManager';
import { isUnread } from '../../core/model/imageGraph';
import type { ImageFilesystems } from '../imageFilesystems';
import type { ChildFactory } from './descriptorItem';
import { createChildFactory } from './makeTreeChild';
import { SourceItem } from './sourceItem';
import { isTagsGroup } from './tagsItem';
import type { TreeNode } from './treeNode';

export const IMAGES_VIEW_ID = 'containerImageExplorer.images';

/** The "Images" view: one root per mounted source, children built lazily from the graph. */
export class ImageTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  private readonly makeChild: ChildFactory;

  constructor(
    private readonly sources: SourceManager,
    filesystems: ImageFilesystems,
  ) {
    this.makeChild = createChildFactory(filesystems);
    this.subscription = sources.onDidChange(() => this.changed.fire(undefined));
  }

  /** Redraws one row and its children (a group that gained rows). */
  refresh(node: TreeNode): void {
    this.changed.fire(node);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.item();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /**
   * The first row (breadth first, a few levels deep) that stands for `digest` in a mounted source;
   * what "reveal in the tree" selects, without opening rows that are costly to list (isCostlyToOpen).
   */
  async findRow(spec: string, digest: string, maxDepth = 6): Promise<TreeNode | undefined> {
    let level: TreeNode[] = (await this.getChildren()).filter((node) => node.mounted.spec === spec);
    const mounted = level[0]?.mounted;
    const above = mounted ? ancestorsOf(mounted, digest) : new Set<string>();
    for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
      const found = level.find((node) => node.graphNode?.digest === digest);
      if (found) return found;
      const next: TreeNode[] = [];
      for (const node of level) {
        if (!isCostlyToOpen(node, above)) next.push(...(await node.children()));
      }
      level = next;
    }
    return undefined;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.children();
    const roots: TreeNode[] = [];
    for (const mounted of this.sources.list()) {
      const size = await fs
        .stat(splitSourcePrefix(mounted.spec).location)
        .then((stats) => (stats.isFile() ? stats.size : undefined))
        .catch(() => undefined);
      roots.push(new SourceItem(mounted, this.makeChild, size));
    }
    return roots;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * Rows whose children cannot hold a graph node and cost work or requests to list: a layer's or an
 * image's files (indexing layers), an attestation's details, the Tags row, and an unread registry
 * image not above the target.
 */
function isCostlyToOpen(node: TreeNode, above: ReadonlySet<string>): boolean {
  // A statement's rows (packages, subjects, materials) only point at graph nodes shown elsewhere, and a large SBOM is costly to parse.
  if (node.graphNode?.kind === 'layer' || /\b(filesystem|statement)\b/.test(node.item().contextValue ?? '') || isTagsGroup(node)) return true;
  return node.graphNode !== undefined && isUnread(node.mounted.graph, node.graphNode) && !above.has(node.graphNode.digest);
}

/** Digests of every node above `digest` in the graph (its parents, theirs, …). */
function ancestorsOf(mounted: MountedSource, digest: string): Set<string> {
  const found = new Set<string>();
  const queue = [...(mounted.nodes.get(digest)?.parents ?? [])];
  while (queue.length > 0) {
    const parent = queue.shift() as string;
    if (found.has(parent)) continue;
    found.add(parent);
    queue.push(...(mounted.nodes.get(parent)?.parents ?? []));
  }
  return found;
}
