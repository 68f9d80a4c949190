import * as vscode from 'vscode';
import { shortDigest } from '../../core/digest';
import { collectAttestations, type CollectedAttestation } from '../../core/supplychain/collect';
import { describeError } from '../../core/errors';
import { blobTitle } from '../documentTitles';
import { toImageUri } from '../imageUri';
import type { MountedSource } from '../sourceManager';
import { TextItem } from './groupItem';
import type { TreeNode } from './treeNode';

const KIND_ICON: Record<CollectedAttestation['summary']['kind'], string> = {
  sbom: 'checklist',
  provenance: 'git-commit',
  signature: 'workspace-trusted',
  'vulnerability-report': 'bug',
  other: 'verified',
};

const ORIGIN: Record<CollectedAttestation['origin'], string> = {
  'attestation-manifest': 'attestation manifest',
  referrer: 'OCI 1.1 referrer',
  'cosign-tag': 'cosign tag',
};

/** One statement, SBOM or signature attached to an image, labelled by what it says. */
export class AttestationItem implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    private readonly attestation: CollectedAttestation,
  ) {
    this.id = `${parent.id}/${attestation.container}/${attestation.layer?.digest ?? 'container'}`;
  }

  get graphNode() {
    return this.mounted.nodes.get(this.attestation.layer?.digest ?? this.attestation.container);
  }

  item(): vscode.TreeItem {
    const { summary, origin, container, layer } = this.attestation;
    const item = new vscode.TreeItem(summary.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${ORIGIN[origin]} · ${shortDigest(layer?.digest ?? container)}`;
    const tooltip = new vscode.MarkdownString(`**${summary.label}**\n\n| | |\n|---|---|\n| kind | ${summary.kind} |\n| format | ${summary.format} |\n`);
    if (summary.predicateType) tooltip.appendMarkdown(`| predicate type | \`${summary.predicateType}\` |\n`);
    tooltip.appendMarkdown(`| from | ${ORIGIN[origin]} \`${shortDigest(container)}\` |\n`);
    for (const subject of summary.subjects.slice(0, 5)) tooltip.appendMarkdown(`| subject | ${subject.name ? `${subject.name.replace(/\|/g, '\\|')} ` : ''}\`${shortDigest(subject.digest)}\` |\n`);
    if (summary.problems.length > 0) tooltip.appendMarkdown(`\n\n$(warning) ${summary.problems.join('; ')}`);
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(summary.problems.length > 0 ? 'warning' : KIND_ICON[summary.kind]);
    const node = this.graphNode;
    item.contextValue = node ? `attestation digest ${node.present ? 'present blob' : 'absent'}` : 'attestation';
    if (node?.present) item.command = { command: 'vscode.open', title: 'Open', arguments: [toImageUri({ source: this.mounted.spec, target: { type: 'blob', digest: node.digest, title: blobTitle({ ...node, kind: 'attestation' }) } })] };
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return [];
  }
}

/** The Attestations group's rows: every statement of the image, read and summarised on expansion. */
export async function attestationRows(mounted: MountedSource, parent: TreeNode, imageDigest: string): Promise<TreeNode[]> {
  try {
    const collected = await collectAttestations(mounted.source, mounted.graph, imageDigest);
    return collected.map((attestation) => new AttestationItem(mounted, parent, attestation));
  } catch (error) {
    return [new TextItem(mounted, parent, 'Cannot read the attestations', { icon: 'error', description: describeError(error) })];
  }
}
