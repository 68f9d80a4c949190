import { describeError, isImageError } from '../../core/errors';
import { TextItem } from './groupItem';
import type { TreeNode } from './treeNode';

/** The command a "select to index again" row runs: refreshes the row it names, so it is expanded afresh. */
export const REINDEX_COMMAND = 'containerImageExplorer.reindexRow';

/**
 * The one row shown under a layer (or the Filesystem group) whose indexing did not finish: a
 * cancelled run offers to start again; a failure names the problem (the notification said it too).
 */
export function indexingFailedRow(parent: TreeNode, error: unknown, what: string): TreeNode {
  if (isImageError(error, 'cancelled')) {
    return new TextItem(parent.mounted, parent, 'Indexing cancelled', {
      icon: 'debug-restart',
      description: 'select to index again',
      tooltip: `Indexing ${what} was cancelled. Select this row to start again.`,
      command: { command: REINDEX_COMMAND, title: 'Index Again', arguments: [parent] },
    });
  }
  return new TextItem(parent.mounted, parent, `Cannot read ${what}`, { icon: 'error', description: describeError(error), tooltip: describeError(error) });
}
