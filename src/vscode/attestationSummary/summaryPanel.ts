import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { AttestationDocument } from '../../core/supplychain';
import { REVEAL_COMMAND } from '../digestLinks';
import { toImageUri } from '../imageUri';
import type { MountedSource } from '../sourceManager';
import { summaryHtml } from './summaryHtml';
import { summaryModel, type SummaryModel } from './summaryModel';

export const SUMMARY_VIEW_TYPE = 'containerImageExplorer.attestationSummary';

/** What opening a summary reports back (the command returns it, which is what the tests read). */
export interface OpenedSummary {
  title: string;
  model: SummaryModel;
}

/** One webview panel per statement: opening it again reveals the panel already open. */
const open = new Map<string, vscode.WebviewPanel>();

/**
 * The rendered summary of an SBOM or a provenance (after VS Code's webview guidelines: a strict CSP
 * with a nonce, theme colours, local resources only, state kept with setState).
 */
export function showSummary(extensionUri: vscode.Uri, mounted: MountedSource, blobDigest: string, document: AttestationDocument, title: string): OpenedSummary {
  const model = summaryModel(document, title, (digest) => mounted.nodes.get(digest));
  const key = `${mounted.spec}\n${blobDigest}`;
  const existing = open.get(key);
  if (existing) {
    existing.reveal();
    return { title, model };
  }
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  const panel = vscode.window.createWebviewPanel(SUMMARY_VIEW_TYPE, title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false });
  panel.iconPath = vscode.Uri.joinPath(media, 'activity-bar.svg');
  const { webview } = panel;
  webview.html = summaryHtml(model, {
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'attestation-summary.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'attestation-summary.css')).toString(),
  });
  const subscription = webview.onDidReceiveMessage((message: unknown) => onMessage(mounted, blobDigest, model, message));
  open.set(key, panel);
  panel.onDidDispose(() => {
    subscription.dispose();
    open.delete(key);
  });
  return { title, model };
}

/** The page asks to reveal a digest it shows, or to open an embedded source; anything else is ignored. */
async function onMessage(mounted: MountedSource, blobDigest: string, model: SummaryModel, message: unknown): Promise<void> {
  if (typeof message !== 'object' || message === null) return;
  const { type, digest, index } = message as { type?: unknown; digest?: unknown; index?: unknown };
  if (type === 'reveal' && typeof digest === 'string' && mounted.nodes.has(digest)) {
    await vscode.commands.executeCommand(REVEAL_COMMAND, mounted.spec, digest);
  } else if (type === 'openSource' && typeof index === 'number') {
    const source = model.sources?.find((candidate) => candidate.index === index);
    if (source) await vscode.commands.executeCommand('vscode.open', toImageUri({ source: mounted.spec, target: { type: 'attestation', digest: blobDigest, part: `source-${index}`, title: source.filename } }));
  }
}
