import * as vscode from 'vscode';
import type { GraphNode } from '../../core/model/imageGraph';
import type { MountedSource } from '../sourceManager';
import type { TreeNode } from './treeNode';

/** A heading row (Layers, Attestations, Labels, …) whose children are made on expansion. */
export class GroupItem implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    private readonly label: string,
    /** `key` (default: the label) makes the id unique where labels repeat (two name ranges `foo … foo`). */
    private readonly options: { icon: string; description?: string; tooltip?: string | vscode.MarkdownString; expanded?: boolean; contextValue?: string; key?: string },
    private readonly makeChildren: (group: GroupItem) => Promise<TreeNode[]> | TreeNode[],
  ) {
    this.id = `${parent.id}/${options.key ?? label}`;
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

  async children(): Promise<TreeNode[]> {
    return this.makeChildren(this);
  }
}

export interface TextItemOptions {
  icon?: string;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  /** Unique among the row's siblings; default: the label. */
  key?: string;
  /** What a click does: open a document, reveal what a digest names. */
  command?: vscode.Command;
  /** The object of the source the row names, so Copy Digest and Reveal work on it. */
  graphNode?: GraphNode;
  contextValue?: string;
}

/** A leaf row of text: an environment variable, a label, a history entry, a package, a material. */
export class TextItem implements TreeNode {
  readonly id: string;
  readonly graphNode?: GraphNode;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    private readonly label: string,
    private readonly options: TextItemOptions = {},
  ) {
    this.id = `${parent.id}/${options.key ?? label}`;
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
