import type { AttestationKind } from './types';

export interface PredicateTypeInfo {
  kind: AttestationKind;
  /** The format before the document refines it ('SPDX' becomes 'SPDX 2.3' once read). */
  format: string;
}

/**
 * Predicate types seen on images, matched by prefix so versioned variants (`https://spdx.dev/Document/v2.3`,
 * `https://cyclonedx.org/bom/v1.5`) land on their family. Sources: in-toto attestation
 * spec/predicates, BuildKit docs/attestations, cosign doc/specs/ATTESTATION_SPEC.md.
 */
const PREDICATE_TYPES: Array<[prefix: string, info: PredicateTypeInfo]> = [
  ['https://spdx.dev/Document', { kind: 'sbom', format: 'SPDX' }],
  ['https://spdx.org/rdf/3', { kind: 'sbom', format: 'SPDX 3' }],
  ['https://cyclonedx.org/bom', { kind: 'sbom', format: 'CycloneDX' }],
  ['https://cyclonedx.org/schema', { kind: 'sbom', format: 'CycloneDX' }],
  ['https://syft.dev/bom', { kind: 'sbom', format: 'syft JSON' }],
  ['https://slsa.dev/provenance/v0.1', { kind: 'provenance', format: 'SLSA v0.1' }],
  ['https://slsa.dev/provenance/v0.2', { kind: 'provenance', format: 'SLSA v0.2' }],
  ['https://slsa.dev/provenance/v1', { kind: 'provenance', format: 'SLSA v1' }],
  ['https://slsa.dev/verification_summary/v1', { kind: 'other', format: 'SLSA verification summary' }],
  ['https://cosign.sigstore.dev/attestation/vuln/v1', { kind: 'vulnerability-report', format: 'cosign vuln' }],
  ['https://in-toto.io/attestation/vulns', { kind: 'vulnerability-report', format: 'in-toto vulns' }],
  ['https://openvex.dev/ns', { kind: 'vulnerability-report', format: 'OpenVEX' }],
  ['https://sigstore.dev/cosign/sign/v1', { kind: 'signature', format: 'cosign' }],
  ['https://cosign.sigstore.dev/attestation/v1', { kind: 'other', format: 'cosign custom predicate' }],
  ['https://in-toto.io/attestation/link', { kind: 'other', format: 'in-toto link' }],
  ['https://in-toto.io/attestation/test-result', { kind: 'other', format: 'in-toto test result' }],
  ['https://in-toto.io/attestation/runtime-trace', { kind: 'other', format: 'in-toto runtime trace' }],
  ['https://in-toto.io/attestation/scai', { kind: 'other', format: 'in-toto SCAI' }],
  ['https://in-toto.io/attestation/release', { kind: 'other', format: 'in-toto release' }],
];

export function predicateTypeInfo(predicateType: string | undefined): PredicateTypeInfo | undefined {
  if (predicateType === undefined) return undefined;
  for (const [prefix, info] of PREDICATE_TYPES) if (predicateType.startsWith(prefix)) return info;
  return undefined;
}

/** How a kind reads at the start of a label. */
export function kindTitle(kind: AttestationKind): string {
  switch (kind) {
    case 'sbom':
      return 'SBOM';
    case 'provenance':
      return 'Provenance';
    case 'signature':
      return 'Signature';
    case 'vulnerability-report':
      return 'Vulnerability report';
    default:
      return 'Attestation';
  }
}

/** A kind guessed from a type's words (`application/example.sbom`, `…signature…`), for types no table knows. */
export function kindFromWords(type: string | undefined): AttestationKind {
  const lower = (type ?? '').toLowerCase();
  if (/sbom|spdx|cyclonedx|syft/.test(lower)) return 'sbom';
  if (/provenance|slsa/.test(lower)) return 'provenance';
  if (/signature|\.sig\b|cosign|notary|sigstore/.test(lower)) return 'signature';
  if (/vuln|vex|sarif/.test(lower)) return 'vulnerability-report';
  return 'other';
}
