import * as vscode from 'vscode';
import { digestMentionAt } from '../core/model/digestReferences';
import { blobTitle } from './documentTitles';
import { DIGEST_DOCUMENTS, OPEN_DIGEST_COMMAND } from './digestLinks';
import { sourceOfDocument } from './documentSource';
import { toImageUri } from './imageUri';
import type { SourceManager } from './sourceManager';
import { opensAsDocument } from './tree/descriptorItem';

/** Go to Definition on a digest does what its link does: open the blob, or reveal a layer in the tree. */
export class DigestDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly sources: SourceManager) {}

  static register(sources: SourceManager): vscode.Disposable {
    return vscode.languages.registerDefinitionProvider(DIGEST_DOCUMENTS, new DigestDefinitionProvider(sources));
  }

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location | undefined> {
    const mounted = await sourceOfDocument(this.sources, document.uri);
    const mention = mounted && digestMentionAt(document.lineAt(position.line).text, position.character);
    if (!mounted || !mention) return undefined;
    const node = mounted.catalog.node(mention.digest);
    if (node && opensAsDocument(node)) {
      return new vscode.Location(toImageUri({ source: mounted.spec, target: { type: 'blob', digest: node.digest, title: blobTitle(node) } }), new vscode.Position(0, 0));
    }
    // A layer has no document of its own: reveal it instead, as the link does.
    await vscode.commands.executeCommand(OPEN_DIGEST_COMMAND, mounted.spec, mention.digest);
    return undefined;
  }
}
