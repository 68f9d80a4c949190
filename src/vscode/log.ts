import * as vscode from 'vscode';
import { describeError } from '../core/errors';

/** The extension's output channel; errors shown to users offer "Show Log" to open it. */
export class Log implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Container Image Explorer', { log: true });

  info(message: string): void {
    this.channel.info(message);
  }

  error(message: string, error?: unknown): void {
    this.channel.error(error === undefined ? message : `${message}: ${describeError(error)}`);
  }

  /** A notification naming the problem, with a button to the details. */
  async showError(message: string, error?: unknown): Promise<void> {
    this.error(message, error);
    const text = error === undefined ? message : `${message}: ${describeError(error)}`;
    const choice = await vscode.window.showErrorMessage(text, 'Show Log');
    if (choice === 'Show Log') this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
