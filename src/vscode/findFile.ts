import * as vscode from 'vscode';
import { shortDigest } from '../core/digest';
import { isImageError } from '../core/errors';
import type { FileNode, FileSystemView } from '../core/filesystem';
import { isUnread, type GraphNode } from '../core/model/imageGraph';
import { toOperation } from './cancellation';
import type { ImageFilesystems } from './imageFilesystems';
import { toImageUri } from './imageUri';
import type { MountedSource, SourceManager } from './sourceManager';

interface FileChoice extends vscode.QuickPickItem {
  uri: vscode.Uri;
}

/** Every file below a node, depth first (directories are not offered: they cannot be opened). */
function* filesOf(node: FileNode): Generator<FileNode> {
  const stack: FileNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop() as FileNode;
    if (current.children) stack.push(...current.children.values());
    else yield current;
  }
}

async function pick<T extends vscode.QuickPickItem>(items: T[], placeHolder: string): Promise<T | undefined> {
  return items.length === 1 ? items[0] : vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
}

/**
 * "Find File in Image…": a fuzzy quick pick over every path of an image's merged filesystem and
 * of each of its layers, since VS Code's Find in Files does not search custom file systems.
 */
export async function findFileInImage(sources: SourceManager, filesystems: ImageFilesystems, preselected?: { mounted: MountedSource; image?: GraphNode }): Promise<void> {
  const mounted = preselected?.mounted ?? (await pick(sources.list().map((source) => ({ label: source.label, description: source.graph.source.format, source })), 'Which source?'))?.source;
  if (!mounted) {
    if (sources.list().length === 0) void vscode.window.showInformationMessage('Open an image archive or layout first.');
    return;
  }
  const images = mounted.graph.nodes.filter((node) => node.kind === 'manifest' && (isUnread(mounted.graph, node) || mounted.graph.documents.get(node.digest)?.type === 'manifest'));
  const image = preselected?.image ?? (await pick(images.map((node) => ({ label: node.names?.join(', ') || node.platform || shortDigest(node.digest), description: shortDigest(node.digest), node })), 'Which image?'))?.node;
  if (!image) return;
  await mounted.expand([image.digest]); // a registry image: its manifest, if not read yet
  const document = mounted.graph.documents.get(image.digest);
  if (document?.type !== 'manifest') return;
  // The job's own Cancel stops the indexing itself (the views get its signal, so no second notification).
  const choices = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Indexing the layers of ${shortDigest(image.digest)}`, cancellable: true }, async (progress, token) => {
    const items: FileChoice[] = [];
    const add = (view: FileSystemView & { get(path: string): FileNode | undefined }, where: string, uriFor: (path: string) => vscode.Uri) => {
      for (const file of filesOf(view.get('') as FileNode)) items.push({ label: file.path, description: where, uri: uriFor(file.path) });
    };
    const operation = toOperation(token, progress);
    try {
      const merged = await filesystems.mergedView(mounted, image.digest, operation);
      add(merged, 'filesystem', (path) => toImageUri({ source: mounted.spec, target: { type: 'rootfs', imageDigest: image.digest, path } }));
      for (const [position, layer] of document.layers.entries()) {
        const view = await filesystems.layerView(mounted, layer.digest, operation);
        add(view, `layer ${position + 1} · ${shortDigest(layer.digest)}`, (path) => toImageUri({ source: mounted.spec, target: { type: 'layer', layerDigest: layer.digest, path } }));
      }
      return items;
    } catch (error) {
      if (isImageError(error, 'cancelled')) return undefined;
      throw error;
    } finally {
      operation.dispose();
    }
  });
  if (!choices) return;
  const chosen = await vscode.window.showQuickPick(choices, { placeHolder: `Find a file in ${mounted.label} (${choices.length} paths in the filesystem and its layers)`, matchOnDescription: true });
  if (chosen) await vscode.commands.executeCommand('vscode.open', chosen.uri);
}
