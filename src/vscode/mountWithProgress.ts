import * as path from 'node:path';
import * as vscode from 'vscode';
import { isImageError } from '../core/errors';
import { toOperation } from './cancellation';
import type { Log } from './log';
import { IMAGES_VIEW_ID } from './tree/imageTreeProvider';
import type { MountedSource, SourceManager } from './sourceManager';

/**
 * Mounts a source with a cancellable progress notification; failures become a notification that
 * names the problem (with "Show Log"), never an exception that escapes a command.
 */
export async function mountWithProgress(sources: SourceManager, log: Log, spec: string): Promise<MountedSource | undefined> {
  const name = path.basename(spec);
  try {
    const mounted = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Opening ${name}`, cancellable: true },
      async (progress, token) => {
        const operation = toOperation(token, progress);
        try {
          return await sources.mount(spec, operation);
        } finally {
          operation.dispose();
        }
      },
    );
    log.info(`Opened ${mounted.spec} (${mounted.graph.source.format}, ${mounted.graph.nodes.length} descriptors)`);
    await vscode.commands.executeCommand(`${IMAGES_VIEW_ID}.focus`).then(undefined, () => undefined);
    return mounted;
  } catch (error) {
    if (isImageError(error, 'cancelled')) log.info(`Opening ${spec} was cancelled`);
    else await log.showError(`Cannot open ${name}`, error);
    return undefined;
  }
}
