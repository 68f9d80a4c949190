import { ImageError } from './errors';

/**
 * The core takes an AbortSignal for cancellation (VS Code adapters bridge their
 * CancellationToken to it) and an optional progress callback; neither is VS Code's own type.
 */
export interface OperationOptions {
  signal?: AbortSignal;
  progress?: ProgressReporter;
}

export interface ProgressUpdate {
  /** What is happening, e.g. "Indexing layer sha256:ab12…". */
  message?: string;
  /** Work done so far and the total, in the same unit (bytes unless `unit` says otherwise). */
  done?: number;
  total?: number;
  /** What `done` and `total` count; absent means bytes. */
  unit?: 'bytes' | 'layers';
}

export type ProgressReporter = (update: ProgressUpdate) => void;

export function throwIfCancelled(signal: AbortSignal | undefined, what = 'operation'): void {
  if (signal?.aborted) throw new ImageError('cancelled', `${what} was cancelled`);
}

/** Reports progress at most every `intervalMs`, so hot loops can call it freely. */
export function throttledProgress(report: ProgressReporter | undefined, intervalMs = 100): ProgressReporter {
  if (report === undefined) return () => undefined;
  let last = 0;
  return (update) => {
    const now = Date.now();
    if (now - last >= intervalMs || (update.total !== undefined && update.done === update.total)) {
      last = now;
      report(update);
    }
  };
}
