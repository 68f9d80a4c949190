/**
 * Supply-chain metadata: attestations, SBOMs, provenance and signatures attached to images. The
 * public surface for the CLI and the VS Code views; everything else in this folder is internal.
 *
 * - `attestedImages(graph)` / `attestationPlaces(graph, image)`: where statements are (no I/O),
 *   so a tree can show them at once; `readAttestationAt(source, place)` reads one when expanded.
 * - `collectAttestations(source, graph, image)`: both at once, for the CLI.
 * - `readAttestation(bytes, hints)`: one parse, then `listSbomPackages`, `provenanceDetails`,
 *   `signatureDetails` on the result for the detail views.
 * - `describeArtifact(shape)`: a friendly name and codicon for any artifact manifest.
 * - `readableDocument(bytes)`: the innermost document (DSSE payload decoded), for editors;
 *   `groupPackages(packages)`: SBOM packages arranged so that no tree level is too long.
 */
export type { AttestationDocument } from './attestationDocument';
export { describeArtifact, describeArtifactType, type ArtifactDescription, type ArtifactShape, type ArtifactTypeInfo } from './artifactTypes';
export { collectAttestations, readAttestationAt, type CollectedAttestation } from './collect';
export { describeStatement, iterateSbomPackages, listSbomPackages, provenanceDetails, signatureDetails, type PackagePage } from './describe';
export { attestationPlaces, attestedImages, normalisePlatform, type AttestationOrigin, type AttestationPlace } from './places';
export { kindTitle, predicateTypeInfo } from './predicateTypes';
export { readAttestation } from './readAttestation';
export type * from './types';
export { groupPackages, licenceCounts, UNTYPED, type PackageGroup } from './packageGroups';
export { embeddedSourceText, readableDocument, type ReadableDocument } from './readableDocument';
export { plural } from './jsonValue';
