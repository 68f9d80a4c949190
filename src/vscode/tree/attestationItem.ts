import * as vscode from 'vscode';
import { shortDigest } from '../../core/digest';
import { describeError, isImageError } from '../../core/errors';
import { attestationPlaces, collectAttestations, listSbomPackages, plural, readAttestationAt, type AttestationDocument, type CollectedAttestation } from '../../core/supplychain';
import { attestationUris } from '../attestationUris';
import type { MountedSource } from '../sourceManager';
import { GroupItem, TextItem } from './groupItem';
import { provenanceRows, subjectsGroup } from './provenanceRows';
import { sbomRows } from './sbomRows';
import { signatureRows } from './signatureRows';
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

/**
 * One statement, SBOM or signature attached to an image, labelled by what it says. A click opens
 * it decoded; it expands to its subjects and, for SBOMs, packages and licences, for provenance,
 * builder, materials, build args and the embedded Dockerfile, for signatures, signer and certificates.
 */
export class AttestationItem implements TreeNode {
  readonly id: string;
  private document?: Promise<AttestationDocument>;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    readonly attestation: CollectedAttestation,
  ) {
    this.id = `${parent.id}/${attestation.container}/${attestation.layer?.digest ?? 'container'}`;
  }

  get graphNode() {
    return this.mounted.nodes.get(this.attestation.layer?.digest ?? this.attestation.container);
  }

  /** The statement's blob when the source holds it: what the documents and the summary view read. */
  get blob() {
    const node = this.graphNode;
    return node?.present && this.attestation.layer !== undefined ? node : undefined;
  }

  item(): vscode.TreeItem {
    const { summary, origin, container, layer } = this.attestation;
    const expandable = this.blob !== undefined && (summary.subjects.length > 0 || ['sbom', 'provenance', 'signature'].includes(summary.kind) || summary.problems.length > 0);
    const item = new vscode.TreeItem(summary.label, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${ORIGIN[origin]} · ${shortDigest(layer?.digest ?? container)}`;
    const tooltip = new vscode.MarkdownString(`**${summary.label}**\n\n| | |\n|---|---|\n| kind | ${summary.kind} |\n| format | ${summary.format} |\n`);
    if (summary.predicateType) tooltip.appendMarkdown(`| predicate type | \`${summary.predicateType}\` |\n`);
    if (summary.envelopes?.length) tooltip.appendMarkdown(`| envelopes | ${summary.envelopes.join(', ')} |\n`);
    tooltip.appendMarkdown(`| from | ${ORIGIN[origin]} \`${shortDigest(container)}\` |\n`);
    for (const subject of summary.subjects.slice(0, 5)) tooltip.appendMarkdown(`| subject | ${subject.name ? `${subject.name.replace(/\|/g, '\\|')} ` : ''}\`${shortDigest(subject.digest)}\` |\n`);
    if (summary.problems.length > 0) tooltip.appendMarkdown(`\n\n$(warning) ${summary.problems.join('; ')}`);
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(summary.problems.length > 0 ? 'warning' : KIND_ICON[summary.kind]);
    const node = this.graphNode;
    const summarised = summary.kind === 'sbom' || summary.kind === 'provenance' ? ' summary' : '';
    item.contextValue = node ? `attestation digest ${node.present ? `present blob statement${summarised}` : 'absent'}` : 'attestation';
    const blob = this.blob;
    if (blob) {
      const uris = attestationUris(this.mounted, blob, summary);
      // Helm charts, WASM modules and other opaque artifact layers open as the bytes they are.
      item.command = { command: 'vscode.open', title: 'Open', arguments: [isJsonLike(blob.mediaType) ? uris.decoded : uris.raw] };
    }
    return item;
  }

  /** Read once per row, on first expansion (a 50k-package SBOM takes a moment). */
  read(): Promise<AttestationDocument> {
    this.document ??= readAttestationAt(this.mounted.source, this.attestation);
    return this.document;
  }

  async children(): Promise<TreeNode[]> {
    const blob = this.blob;
    if (!blob) return [];
    let document: AttestationDocument;
    try {
      document = await this.read();
    } catch (error) {
      if (isImageError(error, 'cancelled')) return [];
      return [new TextItem(this.mounted, this, 'Cannot read this statement', { icon: 'error', description: describeError(error) })];
    }
    const rows: TreeNode[] = document.summary.problems.map((problem, index) => new TextItem(this.mounted, this, problem, { key: `problem-${index}`, icon: 'warning', tooltip: problem }));
    const envelope = envelopeRow(this.mounted, this, document);
    if (envelope) rows.push(envelope);
    rows.push(...subjectsGroup(this.mounted, this, document.summary.subjects));
    if (document.sbom) rows.push(...sbomRows(this.mounted, this, listSbomPackages(document).packages));
    if (document.provenance) rows.push(...provenanceRows(this.mounted, this, document.provenance, blob.digest));
    if (document.signature && document.summary.kind === 'signature') rows.push(...signatureRows(this.mounted, this, document.signature));
    return rows;
  }
}

/** For a signed statement: the envelopes it came in, its payload type and who signed (key ids). */
function envelopeRow(mounted: MountedSource, parent: TreeNode, document: AttestationDocument): TreeNode | undefined {
  const { envelopes } = document.summary;
  const signature = document.signature;
  if (!envelopes?.length || !signature || document.summary.kind === 'signature') return undefined;
  const parts = [envelopes.join(' › '), signature.payloadType, plural(signature.signatureCount, 'signature'), signature.keyIds.length ? `key ${signature.keyIds.join(', ')}` : undefined];
  const description = parts.filter((part): part is string => part !== undefined).join(' · ');
  return new TextItem(mounted, parent, 'Envelope', { key: 'envelope', icon: 'lock', description, tooltip: `Signed envelope: ${description}. Signatures are shown, not verified.` });
}

function isJsonLike(mediaType: string): boolean {
  return mediaType === '' || /json|in-toto/i.test(mediaType);
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

/**
 * The Attestations heading of an image (or of an artifact or index that something refers to, as a
 * notation signature refers to its artifact); undefined when nothing is attached.
 */
export function attestationsGroup(mounted: MountedSource, parent: TreeNode, digest: string): TreeNode | undefined {
  const places = attestationPlaces(mounted.graph, digest);
  if (places.length === 0) return undefined;
  const tooltip = 'SBOMs, provenance and signatures attached to this image (BuildKit attestation manifests, OCI 1.1 referrers, cosign tags).';
  return new GroupItem(mounted, parent, 'Attestations', { icon: 'verified', description: `${places.length}`, tooltip }, async (group) => {
    await mounted.expand(places.map((place) => place.container)); // registry: the attestation manifests, on first look
    return attestationRows(mounted, group, digest);
  });
}
