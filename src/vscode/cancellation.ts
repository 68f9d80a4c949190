import * as vscode from 'vscode';
import type { OperationOptions } from '../core/cancellation';

/** Bridges VS Code's CancellationToken and Progress to the core's AbortSignal and callback. */
export function toOperation(token: vscode.CancellationToken | undefined, progress?: vscode.Progress<{ message?: string; increment?: number }>): OperationOptions & { dispose(): void } {
  const controller = new AbortController();
  const subscription = token?.onCancellationRequested(() => controller.abort());
  if (token?.isCancellationRequested) controller.abort();
  let lastFraction = 0;
  return {
    signal: controller.signal,
    progress: progress
      ? (update) => {
          let increment: number | undefined;
          if (update.total && update.done !== undefined) {
            const fraction = Math.min(1, update.done / update.total);
            increment = Math.max(0, (fraction - lastFraction) * 100);
            lastFraction = fraction;
          }
          progress.report({ message: update.message, increment });
        }
      : undefined,
    dispose: () => subscription?.dispose(),
  };
}
