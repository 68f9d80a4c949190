import * as vscode from 'vscode';
import { shortDigest } from '../../core/digest';
import { humanSize } from '../../core/format';
import { childrenOf, type GraphNode } from '../../core/model/imageGraph';
import { blobTitle } from '../documentTitles';
import { toImageUri } from '../imageUri';
import type { MountedSource } from '../sourceManager';
import type { TreeNode } from './treeNode';

const KIND_ICON: Record<GraphNode['kind'], string> = {
  index: 'layers',
  manifest: 'package',
  config: 'settings-gear',
  layer: 'archive',
  'attestation-manifest': 'verified',
  attestation: 'verified-filled',
  artifact: 'file-binary',
  blob: 'file',
};

const KIND_LABEL: Record<GraphNode['kind'], string> = {
  index: 'Index',
  manifest: 'Image',
  config: 'Config',
  layer: 'Layer',
  'attestation-manifest': 'Attestations',
  attestation: 'Attestation',
  artifact: 'Artifact',
  blob: 'Blob',
};

/** Markdown tooltip: full digest, media type, size, annotations. */
export function nodeTooltip(node: GraphNode): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString();
  markdown.appendMarkdown(`**${KIND_LABEL[node.kind]}**${node.platform ? ` · ${node.platform}` : ''}\n\n`);
  markdown.appendCodeblock(node.digest, 'text');
  markdown.appendMarkdown(`\n\n| | |\n|---|---|\n| media type | \`${node.mediaType || 'unknown'}\` |\n| size | ${humanSize(node.size)} (${node.size} bytes) |\n`);
  if (!node.present) markdown.appendMarkdown('| present | **not in this source** |\n');
  for (const [key, value] of Object.entries(node.annotations).slice(0, 20)) markdown.appendMarkdown(`| \`${key}\` | ${value.replace(/\|/g, '\\|').slice(0, 200)} |\n`);
  if (node.error) markdown.appendMarkdown(`\n\n⚠ ${node.error}`);
  return markdown;
}

/** A descriptor in the graph: index, image manifest, config, layer, attestation, artifact, blob. */
export class GraphNodeItem implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly graphNode: GraphNode,
    parentId: string,
    private readonly labelOverride?: string,
  ) {
    this.id = `${parentId}/${graphNode.digest}`;
  }

  private childNodes(): GraphNode[] {
    const node = this.graphNode;
    // Attestation manifests show under the image they describe, not under the index.
    return childrenOf(this.mounted.graph, node, this.mounted.nodes).filter((child) => !(node.kind === 'index' && child.kind === 'attestation-manifest' && child.attests !== undefined && this.mounted.nodes.has(child.attests)));
  }

  item(): vscode.TreeItem {
    const node = this.graphNode;
    const label = this.labelOverride ?? (node.names?.length ? node.names.join(', ') : node.platform && (node.kind === 'manifest' || node.kind === 'index') ? node.platform : KIND_LABEL[node.kind]);
    const hasChildren = this.childNodes().length > 0;
    const item = new vscode.TreeItem(label, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const details = [shortDigest(node.digest), humanSize(node.size)];
    if (node.kind !== 'manifest' && node.platform && label !== node.platform) details.unshift(node.platform);
    if (!node.present) details.push('not in this archive');
    item.description = details.join(' · ');
    item.tooltip = nodeTooltip(node);
    item.iconPath = new vscode.ThemeIcon(node.present ? KIND_ICON[node.kind] : 'circle-slash', node.error ? new vscode.ThemeColor('errorForeground') : undefined);
    const opensAsDocument = node.present && node.kind !== 'layer';
    item.contextValue = ['graph', node.kind, 'digest', node.present ? 'present' : 'absent', opensAsDocument ? 'blob' : ''].join(' ').trim();
    if (opensAsDocument && !hasChildren) {
      item.command = { command: 'vscode.open', title: 'Open', arguments: [toImageUri({ source: this.mounted.spec, target: { type: 'blob', digest: node.digest, title: blobTitle(node) } })] };
    }
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return this.childNodes().map((child) => new GraphNodeItem(this.mounted, child, this.id));
  }
}

/** Blobs in the source that nothing references. */
export class UnreferencedGroupItem implements TreeNode {
  readonly id: string;

  constructor(readonly mounted: MountedSource) {
    this.id = `${mounted.spec}#unreferenced`;
  }

  item(): vscode.TreeItem {
    const item = new vscode.TreeItem('Unreferenced blobs', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = `${this.mounted.graph.unreferenced.length}`;
    item.tooltip = 'Blobs stored in this source that no index or manifest references.';
    item.iconPath = new vscode.ThemeIcon('question');
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return this.mounted.graph.unreferenced.map(
      (blob) => new GraphNodeItem(this.mounted, { digest: blob.digest, size: blob.size, mediaType: '', kind: 'blob', present: true, parents: [], annotations: {} }, this.id, shortDigest(blob.digest)),
    );
  }
}
