import type { AttestationDocument } from './attestationDocument';
import { describeArtifactType } from './artifactTypes';
import type { InTotoStatement } from './inToto';
import { plural } from './jsonValue';
import { builderName } from './provenance';
import { kindFromWords, kindTitle, predicateTypeInfo } from './predicateTypes';
import type { SbomDocument } from './sbom';
import type { AttestationKind, AttestationSummary, DescribeHints, ProvenanceDetails, SignatureDetails, SubjectRef } from './types';
import type { VulnerabilityReport } from './vulnerabilityReport';
import { signerOf } from './x509';

/** What the readers found so far; turned into a summary once, at the end. */
export interface Reading {
  problems: string[];
  /** Wrappers unwrapped, outermost first. */
  envelopes: string[];
  subjects: SubjectRef[];
  kind?: AttestationKind;
  format?: string;
  predicateType?: string;
  statement?: InTotoStatement;
  sbom?: SbomDocument;
  provenance?: ProvenanceDetails;
  signature?: SignatureDetails;
  vulnerabilities?: VulnerabilityReport;
}

/** A summary from what the descriptors say alone, for content that is not read (opaque, missing or too large). */
export function summaryFromHints(hints: DescribeHints, problems: string[] = []): AttestationDocument {
  return finishSummary({ problems, envelopes: [], subjects: [] }, hints);
}

export function finishSummary(reading: Reading, hints: DescribeHints): AttestationDocument {
  const fromHints = predicateTypeInfo(hints.predicateType) ?? describeArtifactType(hints.artifactType) ?? describeArtifactType(hints.mediaType);
  const kind = reading.kind ?? fromHints?.kind ?? kindFromWords(hints.artifactType ?? hints.mediaType);
  const format = reading.format ?? predicateTypeInfo(hints.predicateType)?.format ?? hints.artifactType ?? hints.mediaType ?? 'unknown';
  const summary: AttestationSummary = { kind, format, label: '', subjects: reading.subjects, problems: reading.problems };
  const predicateType = reading.predicateType ?? hints.predicateType;
  if (predicateType !== undefined) summary.predicateType = predicateType;
  if (reading.sbom) summary.packageCount = reading.sbom.packageCount;
  if (reading.provenance?.builderId) summary.builderId = reading.provenance.builderId;
  if (reading.vulnerabilities?.count !== undefined) summary.vulnerabilityCount = reading.vulnerabilities.count;
  const signer = signerOf(reading.signature?.certificates[0]) ?? reading.signature?.publicKeyHint ?? keyIdOf(reading.signature);
  if (signer !== undefined) summary.signer = signer;
  if (reading.envelopes.length > 0) summary.envelopes = reading.envelopes;
  summary.label = labelOf(summary, reading);
  const document: AttestationDocument = { summary };
  if (reading.statement) document.statement = reading.statement;
  if (reading.sbom) document.sbom = reading.sbom;
  if (reading.provenance) document.provenance = reading.provenance;
  if (reading.signature) document.signature = reading.signature;
  return document;
}

function keyIdOf(signature: SignatureDetails | undefined): string | undefined {
  const keyId = signature?.keyIds[0];
  return keyId === undefined ? undefined : `key ${keyId.length > 16 ? `${keyId.slice(0, 12)}…` : keyId}`;
}

/** `SBOM (SPDX 2.3) · 124 packages`, `Provenance (SLSA v0.2) · buildkit`, `Signature (notation) · CN=…`. */
function labelOf(summary: AttestationSummary, reading: Reading): string {
  // Content that is not a statement (an opaque referrer layer) is an artifact, not an attestation.
  const title = summary.kind === 'other' && reading.statement === undefined ? 'Artifact' : kindTitle(summary.kind);
  const parts = [`${title} (${summary.format})`];
  if (summary.packageCount !== undefined && summary.kind === 'sbom') parts.push(plural(summary.packageCount, 'package'));
  if (reading.provenance) {
    const name = builderName(reading.provenance);
    if (name !== undefined) parts.push(name);
    if (summary.builderId !== undefined && summary.builderId !== name) parts.push(summary.builderId);
  }
  if (reading.vulnerabilities) {
    if (reading.vulnerabilities.scanner) parts.push(reading.vulnerabilities.scanner);
    if (reading.vulnerabilities.count !== undefined) parts.push(plural(reading.vulnerabilities.count, reading.vulnerabilities.noun));
  }
  if (summary.kind === 'signature' && summary.signer !== undefined) parts.push(summary.signer);
  else if (summary.kind === 'signature' && reading.signature?.dockerReference) parts.push(reading.signature.dockerReference);
  if (summary.kind !== 'signature' && summary.envelopes !== undefined) parts.push(`signed (${summary.envelopes.join(', ')})`);
  return parts.join(' · ');
}
