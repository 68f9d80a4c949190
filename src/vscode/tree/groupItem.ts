import * as vscode from 'vscode';
import type { MountedSource } from '../sourceManager';
import type { TreeNode } from './treeNode';

/** A heading row (Layers, Attestations, Labels, …) whose children are made on expansion. */
export class GroupItem implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    private readonly label: string,
    private readonly options: { icon: string; description?: string; tooltip?: string | vscode.MarkdownString; expanded?: boolean; contextValue?: string },
    private readonly makeChildren: (group: GroupItem) => Promise<TreeNode[]>,
  ) {
    this.id = `${parent.id}/${label}`;
  }

  item(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, this.options.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.options.description;
    item.tooltip = this.options.tooltip;
    item.iconPath = new vscode.ThemeIcon(this.options.icon);
    item.contextValue = this.options.contextValue ?? 'group';
    return item;
  }

  children(): Promise<TreeNode[]> {
    return this.makeChildren(this);
  }
}

/** A leaf row of text: an environment variable, a label, a history entry. */
export class TextItem implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    private readonly label: string,
    private readonly options: { icon?: string; description?: string; tooltip?: string | vscode.MarkdownString; key?: string } = {},
  ) {
    this.id = `${parent.id}/${options.key ?? label}`;
  }

  item(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.options.description;
    item.tooltip = this.options.tooltip ?? (this.options.description ? `${this.label} ${this.options.description}` : this.label);
    if (this.options.icon) item.iconPath = new vscode.ThemeIcon(this.options.icon);
    item.contextValue = 'text';
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return [];
  }
}
