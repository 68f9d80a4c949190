import * as vscode from 'vscode';
import { shortDigest } from '../core/digest';
import type { GraphNode } from '../core/model/imageGraph';
import { kindTitle, type AttestationSummary } from '../core/supplychain';
import { toImageUri } from './imageUri';
import type { MountedSource } from './sourceManager';

/**
 * The two documents of a statement: `decoded` (envelopes opened, JSON indented; `.jsonc` because
 * problems are listed as comments at its top) and `raw` (the exact bytes, envelope and all).
 */
export function attestationUris(mounted: MountedSource, blob: Pick<GraphNode, 'digest'>, summary: Pick<AttestationSummary, 'kind'>): { decoded: vscode.Uri; raw: vscode.Uri } {
  const name = `${kindTitle(summary.kind).toLowerCase()} ${shortDigest(blob.digest, 8)}`;
  return {
    decoded: toImageUri({ source: mounted.spec, target: { type: 'attestation', digest: blob.digest, part: 'payload', title: `${name}.jsonc` } }),
    raw: toImageUri({ source: mounted.spec, target: { type: 'blob', digest: blob.digest, title: `${name} envelope.json` } }),
  };
}
