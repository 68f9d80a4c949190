import * as vscode from 'vscode';
import { humanSize } from '../../core/format';
import type { GraphNode } from '../../core/model/imageGraph';

export const KIND_LABEL: Record<GraphNode['kind'], string> = {
  index: 'Index',
  manifest: 'Image',
  config: 'Config',
  layer: 'Layer',
  'attestation-manifest': 'Attestation manifest',
  attestation: 'Attestation',
  artifact: 'Artifact',
  blob: 'Blob',
};

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 300);
}

/** Markdown tooltip (and hover body): full digest, media type, size, platform, annotations. */
export function nodeMarkdown(node: GraphNode, extraRows: Array<[string, string]> = []): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString();
  markdown.appendMarkdown(`**${KIND_LABEL[node.kind]}**${node.platform ? ` · ${node.platform}` : ''}${node.present ? '' : ' · *not in this source*'}\n\n`);
  markdown.appendCodeblock(node.digest, 'text');
  const rows: Array<[string, string]> = [
    ['media type', `\`${node.mediaType || 'unknown'}\``],
    ['size', `${humanSize(node.size)} (${node.size.toLocaleString('en-US')} bytes)`],
  ];
  if (node.artifactType) rows.push(['artifact type', `\`${node.artifactType}\``]);
  rows.push(...extraRows);
  for (const [key, value] of Object.entries(node.annotations).slice(0, 20)) rows.push([`\`${escapeCell(key)}\``, escapeCell(value)]);
  markdown.appendMarkdown(`\n\n| | |\n|---|---|\n${rows.map(([key, value]) => `| ${key} | ${value} |`).join('\n')}\n`);
  if (node.error) markdown.appendMarkdown(`\n\n$(warning) ${escapeCell(node.error)}`);
  markdown.supportThemeIcons = true;
  return markdown;
}
