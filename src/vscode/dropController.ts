import * as vscode from 'vscode';
import type { Log } from './log';
import { mountWithProgress } from './mountWithProgress';
import type { SourceManager } from './sourceManager';
import type { TreeNode } from './tree/treeNode';

/** Archives and layout folders dropped onto the Images view (from the Explorer or the desktop) are opened. */
export class DropController implements vscode.TreeDragAndDropController<TreeNode> {
  readonly dropMimeTypes = ['text/uri-list', 'files'];
  readonly dragMimeTypes: string[] = [];

  constructor(
    private readonly sources: SourceManager,
    private readonly log: Log,
  ) {}

  async handleDrop(_target: TreeNode | undefined, dataTransfer: vscode.DataTransfer): Promise<void> {
    const uriList = await dataTransfer.get('text/uri-list')?.asString();
    const uris = (uriList ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => vscode.Uri.parse(line));
    for (const uri of uris) {
      if (uri.scheme === 'file') await mountWithProgress(this.sources, this.log, uri.fsPath);
      else this.log.info(`Ignored a dropped ${uri.scheme}: URI; only local files and folders can be opened`);
    }
  }
}
