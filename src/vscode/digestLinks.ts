import * as vscode from 'vscode';
import { findDigestMentions } from '../core/model/digestReferences';
import { sourceOfDocument } from './documentSource';
import type { SourceManager } from './sourceManager';
import { blobTitle } from './documentTitles';
import { toImageUri } from './imageUri';
import { opensAsDocument } from './tree/descriptorItem';

export const REVEAL_COMMAND = 'containerImageExplorer.revealDigest';
export const OPEN_DIGEST_COMMAND = 'containerImageExplorer.openDigest';

/** Documents our links and hovers serve: our own scheme, and JSON files inside mounted layouts. */
export const DIGEST_DOCUMENTS: vscode.DocumentSelector = [{ scheme: 'container-image' }, { scheme: 'file', language: 'json' }, { scheme: 'file', pattern: '**/blobs/sha256/*' }];

/** `command:` URI that opens (or reveals) what a digest names in a source. */
export function digestCommandUri(spec: string, digest: string): vscode.Uri {
  return vscode.Uri.parse(`command:${OPEN_DIGEST_COMMAND}?${encodeURIComponent(JSON.stringify([spec, digest]))}`);
}

/** Every sha256/sha512 digest in a document of a known source becomes a link to what it names. */
export class DigestLinkProvider implements vscode.DocumentLinkProvider {
  constructor(private readonly sources: SourceManager) {}

  static register(sources: SourceManager): vscode.Disposable {
    return vscode.languages.registerDocumentLinkProvider(DIGEST_DOCUMENTS, new DigestLinkProvider(sources));
  }

  async provideDocumentLinks(document: vscode.TextDocument): Promise<vscode.DocumentLink[]> {
    const mounted = await sourceOfDocument(this.sources, document.uri);
    if (!mounted) return [];
    const text = document.getText();
    return findDigestMentions(text).map((mention) => {
      const range = new vscode.Range(document.positionAt(mention.offset), document.positionAt(mention.offset + mention.length));
      const node = mounted.catalog.node(mention.digest);
      // Documents link straight to their blob (so "open to the side" works); layers and
      // unknown digests go through the command, which reveals them in the tree.
      const target = node && opensAsDocument(node) ? toImageUri({ source: mounted.spec, target: { type: 'blob', digest: node.digest, title: blobTitle(node) } }) : digestCommandUri(mounted.spec, mention.digest);
      const link = new vscode.DocumentLink(range, target);
      link.tooltip = node ? `Open ${node.kind} ${mention.digest.slice(0, 19)}…` : 'Show what this digest names';
      return link;
    });
  }
}
