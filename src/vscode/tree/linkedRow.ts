import * as vscode from 'vscode';
import type { GraphNode } from '../../core/model/imageGraph';
import type { MountedSource } from '../sourceManager';
import type { TreeNode } from './treeNode';

export interface LinkedRowOptions {
  /** Unique among the row's siblings. */
  key: string;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  icon?: string;
  command?: vscode.Command;
  /** The object of the source the row names, so Copy Digest and Reveal work on it. */
  graphNode?: GraphNode;
  contextValue?: string;
}

/** A leaf row that does something when clicked: opens a document or reveals what a digest names. */
export class LinkedRow implements TreeNode {
  readonly id: string;
  readonly graphNode?: GraphNode;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    private readonly label: string,
    private readonly options: LinkedRowOptions,
  ) {
    this.id = `${parent.id}/${options.key}`;
    this.graphNode = options.graphNode;
  }

  item(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.options.description;
    item.tooltip = this.options.tooltip ?? (this.options.description ? `${this.label} ${this.options.description}` : this.label);
    if (this.options.icon) item.iconPath = new vscode.ThemeIcon(this.options.icon);
    item.command = this.options.command;
    item.contextValue = this.options.contextValue ?? 'text';
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return [];
  }
}

/** A heading row with a caller-chosen key (labels may repeat: two name ranges `foo … foo`). */
export class KeyedGroup implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    private readonly label: string,
    private readonly options: { key: string; icon: string; description?: string; tooltip?: string | vscode.MarkdownString; expanded?: boolean },
    private readonly makeChildren: (group: KeyedGroup) => Promise<TreeNode[]> | TreeNode[],
  ) {
    this.id = `${parent.id}/${options.key}`;
  }

  item(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, this.options.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.options.description;
    item.tooltip = this.options.tooltip;
    item.iconPath = new vscode.ThemeIcon(this.options.icon);
    item.contextValue = 'group';
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return this.makeChildren(this);
  }
}
