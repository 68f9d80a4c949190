import * as vscode from 'vscode';
import { historyForLayers } from '../../core/model/config';
import type { GraphNode } from '../../core/model/imageGraph';
import { isImageConfigMediaType } from '../../core/model/mediaTypes';
import { readConfig } from './configCache';
import type { ImageFilesystems } from '../imageFilesystems';
import type { MountedSource } from '../sourceManager';
import { DescriptorItem, type ChildFactory } from './descriptorItem';
import { directoryRows } from './fileItem';
import { attestationsGroup } from './attestationItem';
import { GroupItem, TextItem } from './groupItem';
import { indexingFailedRow } from './indexingFailedRow';
import { LayerItem } from './layerItem';
import type { TreeNode } from './treeNode';

/**
 * An image manifest, drawn the way "Container Images: Interactive Deep Dive" draws it:
 * Config, Layers (each with its history step), then Attestations and Referrers.
 */
export class ImageItem extends DescriptorItem {
  constructor(
    mounted: MountedSource,
    graphNode: GraphNode,
    parent: TreeNode | undefined,
    makeChild: ChildFactory,
    private readonly filesystems: ImageFilesystems,
  ) {
    super(mounted, graphNode, parent, makeChild);
  }

  protected override hasChildren(): boolean {
    return this.graphNode.present;
  }

  override item(): vscode.TreeItem {
    const item = super.item();
    item.contextValue = `${item.contextValue} image`;
    return item;
  }

  override async children(): Promise<TreeNode[]> {
    await this.mounted.expand([this.graphNode.digest]); // a registry image: its manifest, fetched now
    const document = this.mounted.graph.documents.get(this.graphNode.digest);
    if (!document && this.graphNode.error) return [new TextItem(this.mounted, this, 'Cannot read this image', { icon: 'error', description: this.graphNode.error, tooltip: `${this.graphNode.error}\n\nRefresh (in the view's title bar) reads it again.` })];
    if (!document || document.type === 'index') return super.children();
    const node = this.graphNode;
    const rows: TreeNode[] = [];
    const layerDigests = document.type === 'manifest' ? document.layers.map((layer) => layer.digest) : document.layerDigests;
    const configNode = document.type === 'manifest' ? this.mounted.nodes.get(document.config.digest) : undefined;
    if (configNode) rows.push(this.makeChild(this.mounted, configNode, this));
    const layers = layerDigests.map((digest) => this.mounted.nodes.get(digest)).filter((layer): layer is GraphNode => layer !== undefined);
    if (layers.length > 0) {
      rows.push(
        new GroupItem(this.mounted, this, 'Layers', { icon: 'layers', description: `${layers.length}`, expanded: true }, async (group) => {
          let history: ReturnType<typeof historyForLayers> = [];
          if (configNode?.present && isImageConfigMediaType(configNode.mediaType)) {
            history = await readConfig(this.mounted, configNode.digest).then((config) => historyForLayers(config, layers.length), () => []);
          }
          return layers.map((layer, position) => {
            const row = new LayerItem(this.mounted, layer, group, this.makeChild, undefined);
            row.filesystems = this.filesystems;
            row.position = position;
            row.history = history[position];
            return row;
          });
        }),
      );
    }
    if (layers.length > 0 && document.type === 'manifest') {
      rows.push(
        new GroupItem(this.mounted, this, 'Filesystem', { icon: 'root-folder', contextValue: 'group filesystem', tooltip: 'The merged root filesystem: every layer applied in order, whiteouts included. Each file shows the layer it comes from.' }, async (group) => {
          try {
            const view = await this.filesystems.mergedView(this.mounted, node.digest);
            return directoryRows(this.mounted, group, { view, kind: 'rootfs', digest: node.digest, layerDigests: layerDigests }, view.get('')!);
          } catch (error) {
            return [indexingFailedRow(group, error, 'the layers')];
          }
        }),
      );
    }
    const related = (digests: string[] | undefined) => (digests ?? []).map((digest) => this.mounted.nodes.get(digest)).filter((kid): kid is GraphNode => kid !== undefined);
    const attestations = attestationsGroup(this.mounted, this, node.digest);
    if (attestations) rows.push(attestations);
    const referrers = related(node.referrers);
    if (referrers.length > 0) {
      rows.push(new GroupItem(this.mounted, this, 'Referrers', { icon: 'references', description: `${referrers.length}` }, async (group) => referrers.map((child) => this.makeChild(this.mounted, child, group))));
    }
    return rows;
  }
}


