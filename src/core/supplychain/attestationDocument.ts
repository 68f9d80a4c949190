import type { InTotoStatement } from './inToto';
import type { SbomDocument } from './sbom';
import type { AttestationSummary, ProvenanceDetails, SignatureDetails } from './types';

/**
 * An attestation read once: its summary, plus what the detail views need (the SBOM's packages,
 * the provenance, the signature), so a view can open a 50k-package SBOM without parsing it twice.
 */
export interface AttestationDocument {
  summary: AttestationSummary;
  /** The in-toto statement, when the content is (or wraps) one. */
  statement?: InTotoStatement;
  sbom?: SbomDocument;
  provenance?: ProvenanceDetails;
  signature?: SignatureDetails;
}
