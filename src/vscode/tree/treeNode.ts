import type * as vscode from 'vscode';
import type { GraphNode } from '../../core/model/imageGraph';
import type { MountedSource } from '../sourceManager';

/** One row of the Images view. Each kind of row is a small class that knows its own children. */
export interface TreeNode {
  readonly mounted: MountedSource;
  /** Stable id, so expansion state survives refreshes. */
  readonly id: string;
  /** The row above, for TreeView.reveal; undefined for a source row. */
  readonly parent?: TreeNode;
  item(): vscode.TreeItem;
  children(): Promise<TreeNode[]>;
  /** The graph node a row stands for, when it stands for one (commands use it). */
  readonly graphNode?: GraphNode;
}
