import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeError, isImageError } from '../core/errors';
import { toOperation } from './cancellation';
import type { Log } from './log';
import { IMAGES_VIEW_ID } from './tree/imageTreeProvider';
import type { MountedSource, SourceManager } from './sourceManager';

/**
 * Mounts a source with a cancellable progress notification; failures become a notification that
 * names the problem (with "Show Log"), never an exception that escapes a command.
 */
export async function mountWithProgress(sources: SourceManager, log: Log, spec: string, actions: { onUnauthorized?: () => Promise<unknown> } = {}): Promise<MountedSource | undefined> {
  const name = spec.startsWith('docker://') ? spec.slice('docker://'.length) : path.basename(spec);
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
    // Errors name their source; the notification names it once.
    const detail = describeError(error);
    const message = `Cannot open ${name}: ${detail.startsWith(`${name}: `) ? detail.slice(name.length + 2) : detail}`;
    if (isImageError(error, 'cancelled')) log.info(`Opening ${spec} was cancelled`);
    else if (isImageError(error, 'unauthorized') && actions.onUnauthorized) {
      log.error(message);
      const choice = await vscode.window.showErrorMessage(message, 'Sign In…', 'Show Log');
      if (choice === 'Sign In…') await actions.onUnauthorized();
      else if (choice === 'Show Log') log.channel.show(true);
    } else await log.showError(message);
    return undefined;
  }
}
