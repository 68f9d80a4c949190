import * as vscode from 'vscode';
import { shortDigest } from '../../core/digest';
import { humanSize } from '../../core/format';
import type { GraphNode } from '../../core/model/imageGraph';
import type { MountedSource } from '../sourceManager';
import { DescriptorItem, type ChildFactory } from './descriptorItem';
import { GroupItem } from './groupItem';
import { tagsGroup } from './tagsItem';
import type { TreeNode } from './treeNode';

/** A mounted archive, layout or reference: the top row. Its children are the entry points. */
export class SourceItem implements TreeNode {
  readonly id: string;
  readonly parent = undefined;

  constructor(
    readonly mounted: MountedSource,
    private readonly makeChild: ChildFactory,
    private readonly sizeOnDisk?: number,
  ) {
    this.id = mounted.spec;
  }

  item(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.mounted.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = [this.mounted.graph.source.format, this.sizeOnDisk !== undefined ? humanSize(this.sizeOnDisk) : undefined].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(`**${this.mounted.label}**\n\n\`${this.mounted.spec}\`\n\n${this.mounted.graph.source.format} · ${this.mounted.graph.nodes.length} descriptors`);
    item.iconPath = new vscode.ThemeIcon(this.mounted.source.kind === 'registry' ? 'cloud' : this.mounted.source.kind === 'oci-layout' || this.mounted.source.kind === 'dir' ? 'folder-library' : 'file-zip');
    item.contextValue = `source ${this.mounted.source.kind}`;
    return item;
  }

  async children(): Promise<TreeNode[]> {
    const { graph, nodes } = this.mounted;
    const tops: GraphNode[] = [];
    for (const root of graph.roots) {
      const node = nodes.get(root.digest);
      if (node && !tops.includes(node)) tops.push(node);
    }
    for (const node of graph.nodes) if (node.parents.length === 0 && !node.subject && !node.attests && !tops.includes(node)) tops.push(node);
    const children: TreeNode[] = tops.map((node) => this.makeChild(this.mounted, node, this));
    if (graph.unreferenced.length > 0) {
      children.push(
        new GroupItem(this.mounted, this, 'Unreferenced blobs', { icon: 'question', description: `${graph.unreferenced.length}`, tooltip: 'Blobs stored in this source that no index or manifest references.' }, async (group) =>
          graph.unreferenced.map((blob) => new DescriptorItem(this.mounted, this.mounted.catalog.node(blob.digest)!, group, this.makeChild, shortDigest(blob.digest))),
        ),
      );
    }
    const tags = tagsGroup(this.mounted, this);
    if (tags) children.push(tags);
    return children;
  }
}
