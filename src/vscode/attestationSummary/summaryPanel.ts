import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { AttestationDocument } from '../../core/supplychain';
import { readAttestationBlob } from '../attestationDocuments';
import { REVEAL_COMMAND } from '../digestLinks';
import { toImageUri } from '../imageUri';
import type { MountedSource, SourceManager } from '../sourceManager';
import { escapeHtml, summaryHtml } from './summaryHtml';
import { summaryModel, type SummaryModel } from './summaryModel';

export const SUMMARY_VIEW_TYPE = 'containerImageExplorer.attestationSummary';

/** What opening a summary reports back (the command returns it, which is what the tests read). */
export interface OpenedSummary {
  title: string;
  model: SummaryModel;
}

/** What the page keeps with setState, so VS Code can restore the panel after a window reload. */
export interface SummaryState {
  spec: string;
  digest: string;
  title: string;
  filter?: string;
}

/** One webview panel per statement: opening it again reveals the panel already open. */
const open = new Map<string, vscode.WebviewPanel>();

/**
 * The rendered summary of an SBOM or a provenance (after VS Code's webview guidelines: a strict CSP
 * with a nonce, theme colours, local resources only, state kept with setState and restored by a
 * serializer after a reload).
 */
export function showSummary(extensionUri: vscode.Uri, mounted: MountedSource, blobDigest: string, document: AttestationDocument, title: string): OpenedSummary {
  const model = summaryModel(document, title, (digest) => mounted.nodes.get(digest));
  const existing = open.get(keyOf(mounted.spec, blobDigest));
  if (existing) {
    existing.reveal();
    return { title, model };
  }
  const panel = vscode.window.createWebviewPanel(SUMMARY_VIEW_TYPE, title, vscode.ViewColumn.Active, panelOptions(extensionUri));
  render(extensionUri, panel, mounted, blobDigest, model);
  return { title, model };
}

function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')], retainContextWhenHidden: false };
}

const keyOf = (spec: string, digest: string) => `${spec}\n${digest}`;

function render(extensionUri: vscode.Uri, panel: vscode.WebviewPanel, mounted: MountedSource, blobDigest: string, model: SummaryModel): void {
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  panel.iconPath = vscode.Uri.joinPath(media, 'activity-bar.svg');
  const { webview } = panel;
  const state: SummaryState = { spec: mounted.spec, digest: blobDigest, title: model.title };
  webview.html = summaryHtml(model, {
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'attestation-summary.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'attestation-summary.css')).toString(),
    state,
  });
  const subscription = webview.onDidReceiveMessage((message: unknown) => onMessage(mounted, blobDigest, model, message));
  const key = keyOf(mounted.spec, blobDigest);
  open.set(key, panel);
  panel.onDidDispose(() => {
    subscription.dispose();
    if (open.get(key) === panel) open.delete(key);
  });
}

/** Brings summary panels back after a window reload: re-mounts the source and re-reads the statement. */
export function registerSummarySerializer(extensionUri: vscode.Uri, sources: SourceManager): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(SUMMARY_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown) {
      const state = saved as Partial<SummaryState> | undefined;
      panel.webview.options = panelOptions(extensionUri);
      if (typeof state?.spec !== 'string' || typeof state.digest !== 'string') {
        panel.webview.html = message('This summary cannot be restored: it did not say which statement it showed. Open it again from the Images view.');
        return;
      }
      try {
        const mounted = await sources.mount(state.spec);
        const document = await readAttestationBlob(mounted, state.digest);
        render(extensionUri, panel, mounted, state.digest, summaryModel(document, state.title ?? panel.title, (digest) => mounted.nodes.get(digest)));
      } catch (error) {
        panel.webview.html = message(`Cannot restore the summary of ${state.digest} from ${state.spec}: ${describeError(error)}`);
      }
    },
  });
}

/** A page with one sentence and no script. */
function message(text: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none';"></head><body><p>${escapeHtml(text)}</p></body></html>`;
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
