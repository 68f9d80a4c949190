import * as vscode from 'vscode';
import type { OperationOptions, ProgressUpdate } from '../core/cancellation';
import { humanSize } from '../core/format';
import { IMAGES_VIEW_ID } from './tree/imageTreeProvider';

/** Indexing that ends sooner than this only shows the view's progress bar; longer, a notification with Cancel. */
export const NOTIFY_AFTER_MS = 1000;

/**
 * Runs one indexing job (a layer, or every layer of an image) with progress in the Images view
 * and, once it has run for NOTIFY_AFTER_MS, a notification whose Cancel aborts the job's signal:
 * the core stops its pass (LayerStore stops the stream and the decoder when the last waiter
 * gives up) and the job rejects with ImageError 'cancelled'.
 */
export async function withIndexingProgress<T>(title: string, work: (operation: OperationOptions) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const listeners = new Set<(update: ProgressUpdate) => void>();
  let latest: ProgressUpdate | undefined;
  const running = work({
    signal: controller.signal,
    progress: (update) => {
      latest = update;
      for (const listener of listeners) listener(update);
    },
  });
  const settled = running.then(() => undefined, () => undefined);
  void vscode.window.withProgress({ location: { viewId: IMAGES_VIEW_ID } }, () => settled);
  const timer = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      const report = (update: ProgressUpdate) => {
        const fraction = update.total && update.done !== undefined ? Math.min(1, update.done / update.total) : undefined;
        const increment = fraction === undefined ? undefined : Math.max(0, fraction * 100 - reported);
        if (increment !== undefined) reported += increment;
        progress.report({ message: describeProgress(update, title), increment });
      };
      if (latest) report(latest);
      listeners.add(report);
      return settled.finally(() => listeners.delete(report));
    });
  }, NOTIFY_AFTER_MS);
  try {
    return await running;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * "120 MB of 560 MB" (compressed bytes read), after the core's message ("Indexing layer ab12…")
 * unless the title already says it; for other units, the core's message alone.
 */
function describeProgress(update: ProgressUpdate, title: string): string | undefined {
  const message = update.message && !title.startsWith(update.message) ? update.message : undefined;
  if (update.done === undefined || (update.unit ?? 'bytes') !== 'bytes') return message;
  const amount = update.total ? `${humanSize(update.done)} of ${humanSize(update.total)}` : humanSize(update.done);
  return message ? `${message} · ${amount}` : amount;
}
