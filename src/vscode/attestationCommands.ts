import * as vscode from 'vscode';
import { shortDigest } from '../core/digest';
import { ImageError } from '../core/errors';
import { attestationUris } from './attestationUris';
import { registerSummarySerializer, showSummary, type OpenedSummary } from './attestationSummary/summaryPanel';
import type { Log } from './log';
import type { SourceManager } from './sourceManager';
import { AttestationItem } from './tree/attestationItem';
import type { TreeNode } from './tree/treeNode';

function requireStatement(node: TreeNode | undefined): AttestationItem & { blob: NonNullable<AttestationItem['blob']> } {
  if (!(node instanceof AttestationItem)) throw new ImageError('usage', 'select an attestation in the Images view first');
  if (node.blob === undefined) throw new ImageError('usage', `the statement of ${node.attestation.container} is not in ${node.mounted.label}`);
  return node as AttestationItem & { blob: NonNullable<AttestationItem['blob']> };
}

/** Commands on attestation rows: the decoded document, the raw envelope, and the summary view (restored after a reload). */
export function registerAttestationCommands(extensionUri: vscode.Uri, log: Log, sources: SourceManager): vscode.Disposable[] {
  const handlers: Record<string, (node?: TreeNode) => Promise<unknown>> = {
    openAttestationDecoded: async (node) => {
      const statement = requireStatement(node);
      await vscode.commands.executeCommand('vscode.open', attestationUris(statement.mounted, statement.blob, statement.attestation.summary).decoded);
    },
    openAttestationEnvelope: async (node) => {
      const statement = requireStatement(node);
      await vscode.commands.executeCommand('vscode.open', attestationUris(statement.mounted, statement.blob, statement.attestation.summary).raw, { viewColumn: vscode.ViewColumn.Beside });
    },
    showAttestationSummary: async (node): Promise<OpenedSummary> => {
      const statement = requireStatement(node);
      const document = await statement.read();
      const title = `${document.summary.label.split(' · ')[0]} ${shortDigest(statement.blob.digest, 8)}`;
      return showSummary(extensionUri, statement.mounted, statement.blob.digest, document, title);
    },
  };
  const commands = Object.entries(handlers).map(([name, handler]) =>
    vscode.commands.registerCommand(`containerImageExplorer.${name}`, async (node?: TreeNode) => {
      try {
        return await handler(node);
      } catch (error) {
        await log.showError(`Container Image Explorer: ${name} failed`, error);
        return undefined;
      }
    }),
  );
  return [...commands, registerSummarySerializer(extensionUri, sources)];
}
