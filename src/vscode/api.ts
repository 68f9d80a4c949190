import type * as vscode from 'vscode';
import type { ImageGraph } from '../core/model/imageGraph';
import { blobTitle } from './documentTitles';
import { toImageUri } from './imageUri';
import { normalizeSpec, type SourceManager } from './sourceManager';
import type { ImageTreeProvider } from './tree/imageTreeProvider';
import type { TreeNode } from './tree/treeNode';

/** A row of the Images view as the API reports it. */
export interface TreeRow {
  label: string;
  description?: string;
  contextValue?: string;
  /** The tooltip's text; `markdown` says whether it is a MarkdownString (its source is given). */
  tooltip?: { text: string; markdown: boolean };
  collapsible: boolean;
  /** Walks one level down. */
  children(): Promise<TreeRow[]>;
  /** The digest the row stands for, when it stands for one. */
  digest?: string;
  /** What commands receive as their argument when invoked on this row (context menus pass it too). */
  handle: unknown;
  /** What clicking the row runs, if anything. */
  command?: { command: string; arguments?: unknown[] };
}

/** The extension's public API (what `activate` returns); the integration tests use it. */
export interface ContainerImageExplorerApi {
  /** Mounts an archive, layout directory (optionally prefixed) and returns its graph; throws on failure. */
  open(spec: string): Promise<ImageGraph>;
  close(spec: string): Promise<void>;
  /** Specs of the mounted sources. */
  sources(): string[];
  /** The `container-image:` URI of a blob of a mounted (or mountable) source. */
  blobUri(spec: string, digest: string): vscode.Uri;
  /** The URI of a file inside one layer, or inside an image's merged filesystem. */
  fileUri(spec: string, where: { layer: string } | { image: string }, path: string): vscode.Uri;
  /** The top rows of the Images view. */
  treeRoots(): Promise<TreeRow[]>;
}

export function createApi(sources: SourceManager, tree: ImageTreeProvider): ContainerImageExplorerApi {
  const toRow = (node: TreeNode): TreeRow => {
    const item = node.item();
    return {
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : undefined,
      contextValue: item.contextValue,
      tooltip: item.tooltip === undefined ? undefined : typeof item.tooltip === 'string' ? { text: item.tooltip, markdown: false } : { text: item.tooltip.value, markdown: true },
      collapsible: item.collapsibleState !== undefined && item.collapsibleState !== 0,
      digest: node.graphNode?.digest,
      handle: node,
      command: item.command && { command: item.command.command, arguments: item.command.arguments },
      children: async () => (await tree.getChildren(node)).map(toRow),
    };
  };
  return {
    open: async (spec) => (await sources.mount(spec)).graph,
    close: (spec) => sources.close(spec),
    sources: () => sources.list().map((mounted) => mounted.spec),
    blobUri: (spec, digest) => {
      const node = sources.get(spec)?.nodes.get(digest);
      const title = node ? blobTitle(node) : `blob ${digest.slice(7, 15)}`;
      return toImageUri({ source: normalizeSpec(spec), target: { type: 'blob', digest, title } });
    },
    fileUri: (spec, where, path) =>
      toImageUri({ source: normalizeSpec(spec), target: 'layer' in where ? { type: 'layer', layerDigest: where.layer, path } : { type: 'rootfs', imageDigest: where.image, path } }),
    treeRoots: async () => (await tree.getChildren()).map(toRow),
  };
}
