import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { humanSize } from '../core/format';
import type { GraphNode } from '../core/model/imageGraph';
import type { MountedSource } from './sourceManager';

/** Where a blob's bytes are: its own file (a layout's or dir's blob), a byte range of an archive, or neither. */
export interface BlobPlace {
  /** One sentence for the notification (and the command's result, which tests read). */
  description: string;
  /** The blob's own file, when it has one. */
  file?: string;
  /** The file that holds the bytes, for Copy Path. */
  container?: string;
}

export async function findBlobPlace(mounted: MountedSource, node: GraphNode): Promise<BlobPlace> {
  const range = await mounted.source.localRange?.(node.digest);
  if (!range) {
    const why = mounted.source.kind === 'registry' ? 'it is read from the registry' : `${mounted.label} is ${mounted.source.format}`;
    return { description: `${node.digest} has no file of its own (${why}); Save As… writes its bytes to a file.` };
  }
  const size = (await fs.stat(range.path)).size;
  if (range.offset === 0 && range.length === size) return { description: `${node.digest} is the file ${range.path}`, file: range.path, container: range.path };
  return {
    description: `${node.digest} is stored in ${path.basename(range.path)} at bytes ${range.offset}–${range.offset + range.length} (${humanSize(range.length)}, stored as-is)`,
    container: range.path,
  };
}

/**
 * Reveal Blob: a blob with its own file inside the workspace is revealed in the Explorer; otherwise
 * a notification says where the bytes are, with Copy Path (and Reveal in OS on a local desktop).
 */
export async function revealBlob(mounted: MountedSource, node: GraphNode): Promise<BlobPlace> {
  const place = await findBlobPlace(mounted, node);
  const file = place.file ? vscode.Uri.file(place.file) : undefined;
  if (file && vscode.workspace.getWorkspaceFolder(file)) {
    await vscode.commands.executeCommand('revealInExplorer', file);
    return place;
  }
  const actions = [place.container ? 'Copy Path' : undefined, file && vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName ? 'Reveal in OS' : undefined].filter((action): action is string => action !== undefined);
  void vscode.window.showInformationMessage(place.description, ...actions).then(async (choice) => {
    if (choice === 'Copy Path' && place.container) await vscode.env.clipboard.writeText(place.container);
    if (choice === 'Reveal in OS' && file) await vscode.commands.executeCommand('revealFileInOS', file);
  });
  return place;
}
