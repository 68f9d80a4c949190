import type { AttestationDocument } from './attestationDocument';
import { readAttestation } from './readAttestation';
import type { AttestationSummary, DescribeHints, ProvenanceDetails, SbomPackage, SignatureDetails } from './types';

type Input = Buffer | AttestationDocument;

const documentOf = (input: Input, hints: DescribeHints | undefined): AttestationDocument => (Buffer.isBuffer(input) ? readAttestation(input, hints) : input);

/** The one-line summary of an attestation, SBOM or signature. Never throws for bad content. */
export function describeStatement(bytes: Buffer, hints: DescribeHints = {}): AttestationSummary {
  return readAttestation(bytes, hints).summary;
}

/** An SBOM's packages, one at a time: a view can page through 50k of them without copying them all. */
export function* iterateSbomPackages(input: Input, hints?: DescribeHints): Generator<SbomPackage> {
  const sbom = documentOf(input, hints).sbom;
  if (sbom) yield* sbom.packages();
}

export interface PackagePage {
  /** Every package in the SBOM (not just this page). */
  total: number;
  packages: SbomPackage[];
}

/** A page of an SBOM's packages (`offset`, `limit`; everything by default); an empty page when it is not an SBOM. */
export function listSbomPackages(input: Input, options: { offset?: number; limit?: number; hints?: DescribeHints } = {}): PackagePage {
  const document = documentOf(input, options.hints);
  const offset = Math.max(0, options.offset ?? 0);
  const end = options.limit === undefined ? Infinity : offset + Math.max(0, options.limit);
  const packages: SbomPackage[] = [];
  let index = 0;
  for (const item of iterateSbomPackages(document)) {
    if (index >= end) break;
    if (index >= offset) packages.push(item);
    index++;
  }
  return { total: document.sbom?.packageCount ?? 0, packages };
}

/** Builder, build type, materials, build args and the embedded Dockerfile of a SLSA provenance; undefined for other kinds. */
export function provenanceDetails(input: Input, hints?: DescribeHints): ProvenanceDetails | undefined {
  return documentOf(input, hints).provenance;
}

/** Who signed, with what, and what it names as signed; undefined when nothing in the content is a signature or signed envelope. */
export function signatureDetails(input: Input, hints?: DescribeHints): SignatureDetails | undefined {
  return documentOf(input, hints).signature;
}
