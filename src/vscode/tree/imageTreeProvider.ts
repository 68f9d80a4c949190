import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { splitSourcePrefix } from '../../core/sources/openSource';
import type { SourceManager } from '../sourceManager';
import type { ImageFilesystems } from '../imageFilesystems';
import type { ChildFactory } from './descriptorItem';
import { createChildFactory } from './makeTreeChild';
import { SourceItem } from './sourceItem';
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
   * what "reveal in the tree" selects.
   */
  async findRow(spec: string, digest: string, maxDepth = 6): Promise<TreeNode | undefined> {
    let level: TreeNode[] = (await this.getChildren()).filter((node) => node.mounted.spec === spec);
    for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
      const found = level.find((node) => node.graphNode?.digest === digest);
      if (found) return found;
      const next: TreeNode[] = [];
      for (const node of level) next.push(...(await node.children()));
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
