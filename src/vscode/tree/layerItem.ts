import * as vscode from 'vscode';
import type { HistoryEntry } from '../../core/model/config';
import type { ImageFilesystems } from '../imageFilesystems';
import { DescriptorItem } from './descriptorItem';
import { directoryRows } from './fileItem';
import { indexingFailedRow } from './indexingFailedRow';
import type { TreeNode } from './treeNode';
import { nodeMarkdown } from './nodeTooltip';

/** A layer: size, media type, short digest and the Dockerfile step (`created_by`) that made it. */
export class LayerItem extends DescriptorItem {
  position = 0;
  history?: HistoryEntry;
  filesystems?: ImageFilesystems;

  protected override hasChildren(): boolean {
    return this.graphNode.present && this.filesystems !== undefined;
  }

  /** The layer's files; the first expansion indexes the layer (one streaming pass with cancellable progress, then cached). */
  override async children(): Promise<TreeNode[]> {
    if (!this.filesystems) return [];
    try {
      const view = await this.filesystems.layerView(this.mounted, this.graphNode.digest);
      return directoryRows(this.mounted, this, { view, kind: 'layer', digest: this.graphNode.digest, layerDigests: [] }, view.get('')!);
    } catch (error) {
      return [indexingFailedRow(this, error, 'this layer')];
    }
  }

  protected override label(): string {
    const createdBy = this.history?.createdBy?.replace(/^\/bin\/sh -c (#\(nop\) )?/, '').trim();
    return createdBy ? createdBy.slice(0, 80) : `Layer ${this.position + 1}`;
  }

  protected override descriptionParts(): string[] {
    const compression = this.graphNode.mediaType.match(/(gzip|zstd)$/)?.[1] ?? (this.graphNode.mediaType ? 'tar' : undefined);
    return [this.history?.createdBy ? `#${this.position + 1}` : undefined, ...super.descriptionParts(), compression].filter((part): part is string => part !== undefined);
  }

  override item(): vscode.TreeItem {
    const item = super.item();
    const extra: Array<[string, string]> = [['position', `${this.position + 1}`]];
    if (this.history?.createdBy) extra.push(['created by', `\`${this.history.createdBy.replace(/`/g, "'").slice(0, 400)}\``]);
    if (this.history?.created) extra.push(['created', this.history.created]);
    item.tooltip = nodeMarkdown(this.graphNode, extra);
    return item;
  }
}
