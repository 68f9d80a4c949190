import * as vscode from 'vscode';
import { shortDigest } from '../core/digest';
import { digestMentionAt } from '../core/model/digestReferences';
import { mediaTypeInfo } from '../core/model/mediaTypeInfo';
import { DIGEST_DOCUMENTS } from './digestLinks';
import { sourceOfDocument } from './documentSource';
import type { MountedSource, SourceManager } from './sourceManager';
import { KIND_LABEL, nodeMarkdown } from './tree/nodeTooltip';

const MEDIA_TYPE_VALUE = /"(mediaType|artifactType)"\s*:\s*"([^"]+)"/g;

/** Hovers on digests (what the blob is) and on media types (what the type means, with its spec). */
export class DigestHoverProvider implements vscode.HoverProvider {
  constructor(private readonly sources: SourceManager) {}

  static register(sources: SourceManager): vscode.Disposable {
    return vscode.languages.registerHoverProvider(DIGEST_DOCUMENTS, new DigestHoverProvider(sources));
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const line = document.lineAt(position.line);
    const mediaTypeHover = this.mediaTypeHover(line, position);
    if (mediaTypeHover) return mediaTypeHover;
    const mounted = await sourceOfDocument(this.sources, document.uri);
    if (!mounted) return undefined;
    // Digests never span lines, so the line is enough context.
    const mention = digestMentionAt(line.text, position.character);
    if (!mention) return undefined;
    const range = new vscode.Range(position.line, mention.offset, position.line, mention.offset + mention.length);
    return new vscode.Hover(await describeDigest(mounted, mention.digest), range);
  }

  private mediaTypeHover(line: vscode.TextLine, position: vscode.Position): vscode.Hover | undefined {
    for (const match of line.text.matchAll(MEDIA_TYPE_VALUE)) {
      const start = match.index + match[0].length - match[2].length - 1;
      if (position.character < start || position.character > start + match[2].length) continue;
      const info = mediaTypeInfo(match[2]);
      const markdown = new vscode.MarkdownString(info ? `\`${match[2]}\`\n\n${info.description}\n\n[Specification](${info.spec})` : `\`${match[2]}\`\n\nNot a media type this extension knows; the blob is still shown as is.`);
      return new vscode.Hover(markdown, new vscode.Range(position.line, start, position.line, start + match[2].length));
    }
    return undefined;
  }
}

/** Hover text for a digest: kind, media type, size, platform, annotations, who references it, present or not. */
export async function describeDigest(mounted: MountedSource, digest: string): Promise<vscode.MarkdownString> {
  const meaning = await mounted.catalog.meaning(digest);
  if (meaning.type === 'unknown') {
    return new vscode.MarkdownString(`\`${digest}\`\n\nNot a blob of **${mounted.label}**, nor a layer diff_id of any of its images.`);
  }
  if (meaning.type === 'diff-id') {
    const markdown = new vscode.MarkdownString(`**Layer diff_id** (digest of the uncompressed layer ${meaning.layerIndex + 1})\n\n`);
    markdown.appendCodeblock(digest, 'text');
    markdown.appendMarkdown(`\n\nStored as layer \`${shortDigest(meaning.layer.digest)}\` (${meaning.layer.mediaType || 'unknown media type'}) of image \`${shortDigest(meaning.image.digest)}\`${meaning.image.platform ? ` (${meaning.image.platform})` : ''}.`);
    return markdown;
  }
  const node = meaning.node;
  const referencedBy = node.parents.map((parent) => mounted.nodes.get(parent)).filter((parent) => parent !== undefined).map((parent) => `${KIND_LABEL[parent.kind].toLowerCase()} \`${shortDigest(parent.digest)}\`${parent.platform ? ` (${parent.platform})` : ''}`);
  const extra: Array<[string, string]> = [['present', node.present ? 'yes' : `**no** — not in ${mounted.label}`]];
  if (referencedBy.length > 0) extra.push(['referenced by', referencedBy.slice(0, 8).join(', ') + (referencedBy.length > 8 ? ` and ${referencedBy.length - 8} more` : '')]);
  if (node.attests) extra.push(['describes', `\`${shortDigest(node.attests)}\``]);
  if (node.subject) extra.push(['subject', `\`${shortDigest(node.subject)}\``]);
  return nodeMarkdown(node, extra);
}
