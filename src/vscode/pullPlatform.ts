import * as vscode from 'vscode';
import { shortDigest } from '../core/digest';
import { humanSize } from '../core/format';
import { childrenOf, type GraphNode } from '../core/model/imageGraph';
import { toOperation } from './cancellation';
import type { MountedSource, SourceManager } from './sourceManager';
import type { ImageTreeProvider } from './tree/imageTreeProvider';
import type { TreeNode } from './tree/treeNode';

/** The platform images an index lists (attestation manifests and artifacts left out). */
export function platformImages(mounted: MountedSource, index: GraphNode): GraphNode[] {
  return childrenOf(mounted.graph, index, mounted.nodes).filter((child) => child.kind === 'manifest' && child.parents.includes(index.digest));
}

/**
 * "Pull Platform…": for a multi-platform image, pick one platform; only that image's manifest
 * (and config) is fetched, and its row is revealed, expanded. `platform` skips the pick
 * (`linux/arm64/v8`), for keybindings and tests. Returns the image's digest.
 */
export async function pullPlatform(sources: SourceManager, tree: ImageTreeProvider, view: vscode.TreeView<TreeNode>, node?: TreeNode, platform?: string): Promise<string | undefined> {
  const candidates = node ? [node.mounted] : sources.list();
  const indexes = candidates.flatMap((mounted) => indexesOf(mounted, node).map((index) => ({ mounted, index })));
  if (indexes.length === 0) {
    void vscode.window.showInformationMessage('Pull Platform… needs a multi-platform image (an index): open one with Open Remote Image… first.');
    return undefined;
  }
  const choices = indexes.flatMap(({ mounted, index }) =>
    platformImages(mounted, index).map((image) => ({ label: image.platform ?? shortDigest(image.digest), description: `${shortDigest(image.digest)} · manifest ${humanSize(image.size)}`, detail: indexes.length > 1 ? mounted.label : undefined, mounted, image })),
  );
  const chosen = platform !== undefined ? choices.find((choice) => choice.label === platform) : await vscode.window.showQuickPick(choices, { title: 'Pull Platform', placeHolder: 'Which platform? Only its manifest, config and (when browsed) layers are fetched.', matchOnDescription: true });
  if (!chosen) {
    if (platform !== undefined) void vscode.window.showInformationMessage(`No ${platform} image in ${indexes.map(({ mounted }) => mounted.label).join(', ')}.`);
    return undefined;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pulling ${chosen.label} of ${chosen.mounted.label}`, cancellable: true }, async (_progress, token) => {
    const operation = toOperation(token);
    try {
      await chosen.mounted.expand([chosen.image.digest], operation);
    } finally {
      operation.dispose();
    }
  });
  const row = await tree.findRow(chosen.mounted.spec, chosen.image.digest);
  if (row) await view.reveal(row, { select: true, focus: true, expand: true });
  return chosen.image.digest;
}

/** The index a row stands for, else every index of the source with platform images. */
function indexesOf(mounted: MountedSource, node: TreeNode | undefined): GraphNode[] {
  if (node?.graphNode?.kind === 'index') return [node.graphNode];
  return mounted.graph.nodes.filter((candidate) => candidate.kind === 'index' && platformImages(mounted, candidate).length > 0);
}
