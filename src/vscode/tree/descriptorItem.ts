import * as vscode from 'vscode';
import { shortDigest } from '../../core/digest';
import { humanSize } from '../../core/format';
import { childrenOf, isUnread, type GraphNode } from '../../core/model/imageGraph';
import { attestationPlaces } from '../../core/supplychain';
import { blobTitle } from '../documentTitles';
import { attestationsGroup } from './attestationItem';
import { toImageUri } from '../imageUri';
import type { MountedSource } from '../sourceManager';
import { KIND_LABEL, nodeMarkdown } from './nodeTooltip';
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

/** Kinds whose blob is a JSON document worth opening in an editor. */
const DOCUMENT_KINDS = new Set<GraphNode['kind']>(['index', 'manifest', 'config', 'attestation-manifest', 'attestation', 'artifact']);

export function opensAsDocument(node: GraphNode): boolean {
  return node.present && (DOCUMENT_KINDS.has(node.kind) || node.mediaType.endsWith('json'));
}

export function openCommand(mounted: MountedSource, node: GraphNode): vscode.Command {
  return { command: 'vscode.open', title: 'Open', arguments: [toImageUri({ source: mounted.spec, target: { type: 'blob', digest: node.digest, title: blobTitle(node) } })] };
}

/** The children factory is injected so this module does not import the image row (which imports this one). */
export type ChildFactory = (mounted: MountedSource, node: GraphNode, parent: TreeNode) => TreeNode;

/** Any descriptor of the graph: an index, an artifact, an attestation, a blob; images and configs subclass it. */
export class DescriptorItem implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly graphNode: GraphNode,
    readonly parent: TreeNode | undefined,
    readonly makeChild: ChildFactory,
    private readonly labelOverride?: string,
  ) {
    this.id = `${parent?.id ?? mounted.spec}/${graphNode.digest}`;
  }

  protected label(): string {
    const node = this.graphNode;
    if (this.labelOverride) return this.labelOverride;
    if (node.names?.length) return node.names.join(', ');
    if (node.kind === 'manifest' && node.platform) return node.platform;
    if (node.kind === 'attestation-manifest' && node.attests) return `Attestations for ${shortDigest(node.attests)}`;
    return KIND_LABEL[node.kind];
  }

  protected descriptionParts(): string[] {
    const node = this.graphNode;
    const parts = [shortDigest(node.digest), humanSize(node.size)];
    if (node.platform && node.kind !== 'manifest' && node.kind !== 'config' && node.kind !== 'layer') parts.unshift(node.platform);
    if (node.names?.length && node.kind === 'manifest' && node.platform) parts.unshift(node.platform);
    if (!node.present) parts.push('not in this archive');
    return parts;
  }

  protected childNodes(): GraphNode[] {
    const node = this.graphNode;
    // Attestation manifests show under the image they describe, not under the index.
    return childrenOf(this.mounted.graph, node, this.mounted.nodes).filter((child) => !(node.kind === 'index' && child.kind === 'attestation-manifest' && child.attests !== undefined && this.mounted.nodes.has(child.attests)));
  }

  protected hasChildren(): boolean {
    return isUnread(this.mounted.graph, this.graphNode) || this.childNodes().length > 0 || attestationPlaces(this.mounted.graph, this.graphNode.digest).length > 0;
  }

  item(): vscode.TreeItem {
    const node = this.graphNode;
    const expandable = this.hasChildren();
    const item = new vscode.TreeItem(this.label(), expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.descriptionParts().join(' · ');
    item.tooltip = nodeMarkdown(node);
    item.iconPath = new vscode.ThemeIcon(node.present ? KIND_ICON[node.kind] : 'circle-slash', node.error ? new vscode.ThemeColor('errorForeground') : undefined);
    const document = opensAsDocument(node);
    item.contextValue = ['graph', node.kind, 'digest', node.present ? 'present' : 'absent', document ? 'blob' : ''].join(' ').trim();
    if (document && !expandable) item.command = openCommand(this.mounted, node);
    return item;
  }

  async children(): Promise<TreeNode[]> {
    await this.mounted.expand([this.graphNode.digest]);
    const rows = this.childNodes().map((child) => this.makeChild(this.mounted, child, this));
    // Images add theirs after their layers; other nodes with referrers (a signed artifact) get them here.
    const attestations = this.graphNode.kind === 'manifest' ? undefined : attestationsGroup(this.mounted, this, this.graphNode.digest);
    return attestations ? [...rows, attestations] : rows;
  }
}
