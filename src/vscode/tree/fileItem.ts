import * as vscode from 'vscode';
import { humanSize } from '../../core/format';
import type { FileNode, LayerView, MergedFilesystem } from '../../core/filesystem';
import { toImageUri, type ImageTarget } from '../imageUri';
import type { MountedSource } from '../sourceManager';
import type { TreeNode } from './treeNode';

/** Directory rows show this many children, then a row that opens the next page (no 10k-row freezes). */
export const PAGE_SIZE = 500;

export interface FileTreeContext {
  view: LayerView | MergedFilesystem;
  /** 'layer' rows address files of one layer, 'rootfs' rows the image's merged filesystem. */
  kind: 'layer' | 'rootfs';
  /** The layer digest or the image manifest digest. */
  digest: string;
  /** Layer digests by position, to say which layer a merged file comes from. */
  layerDigests: readonly string[];
}

export function fileUri(mounted: MountedSource, context: FileTreeContext, path: string): vscode.Uri {
  const target: ImageTarget = context.kind === 'layer' ? { type: 'layer', layerDigest: context.digest, path } : { type: 'rootfs', imageDigest: context.digest, path };
  return toImageUri({ source: mounted.spec, target });
}

/** Children of a directory as rows, one page at a time. */
export function directoryRows(mounted: MountedSource, parent: TreeNode, context: FileTreeContext, directory: FileNode, start = 0): TreeNode[] {
  const children = [...(directory.children?.values() ?? [])].sort((left, right) => {
    const leftDirectory = left.children ? 0 : 1;
    const rightDirectory = right.children ? 0 : 1;
    return leftDirectory - rightDirectory || (left.path < right.path ? -1 : left.path > right.path ? 1 : 0);
  });
  const rows: TreeNode[] = children.slice(start, start + PAGE_SIZE).map((child) => new FileItem(mounted, parent, context, child));
  if (children.length > start + PAGE_SIZE) rows.push(new MoreItem(mounted, parent, context, directory, start + PAGE_SIZE, children.length));
  return rows;
}

/** A file, directory or link inside a layer or the merged filesystem. */
export class FileItem implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    readonly context: FileTreeContext,
    readonly file: FileNode,
  ) {
    this.id = `${mounted.spec}/${context.kind}/${context.digest}/${file.path}`;
  }

  item(): vscode.TreeItem {
    const { file } = this;
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    const item = new vscode.TreeItem(name, file.children ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.resourceUri = fileUri(this.mounted, this.context, file.path);
    const entry = file.entry;
    const parts: string[] = [];
    if (entry?.type === 'symlink') parts.push(`→ ${entry.linkname}`);
    else if (entry?.type === 'hardlink') parts.push(`⇒ ${entry.linkname}`);
    else if (!file.children && entry) parts.push(humanSize(entry.size));
    if (this.context.kind === 'rootfs') parts.push(`layer ${file.layer + 1}`);
    item.description = parts.join(' · ');
    const tooltip = new vscode.MarkdownString(`\`/${file.path}\`\n\n`);
    if (entry) tooltip.appendMarkdown(`${entry.type}, ${humanSize(entry.size)}, mode ${(entry.mode & 0o7777).toString(8).padStart(4, '0')}, uid ${entry.uid}, gid ${entry.gid}, modified ${new Date(entry.mtime * 1000).toISOString()}`);
    if (this.context.kind === 'rootfs') tooltip.appendMarkdown(`\n\nfrom layer ${file.layer + 1} \`${this.context.layerDigests[file.layer] ?? ''}\``);
    item.tooltip = tooltip;
    item.contextValue = file.children ? 'file directory' : entry?.type === 'file' || entry?.type === 'hardlink' || entry?.type === 'symlink' ? 'file regular' : 'file special';
    if (!file.children && (entry?.type === 'file' || entry?.type === 'hardlink' || entry?.type === 'symlink' || entry?.type === 'contiguous')) {
      item.command = { command: 'vscode.open', title: 'Open', arguments: [item.resourceUri] };
    }
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return directoryRows(this.mounted, this, this.context, this.file);
  }
}

/** "N more…": expands to the next page of a large directory. */
class MoreItem implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    private readonly context: FileTreeContext,
    private readonly directory: FileNode,
    private readonly start: number,
    private readonly total: number,
  ) {
    this.id = `${parent.id}#more-${start}`;
  }

  item(): vscode.TreeItem {
    const item = new vscode.TreeItem(`${this.total - this.start} more…`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = `entries ${this.start + 1}–${Math.min(this.start + PAGE_SIZE, this.total)} of ${this.total}`;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = 'more';
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return directoryRows(this.mounted, this, this.context, this.directory, this.start);
  }
}
