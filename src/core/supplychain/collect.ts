import { throwIfCancelled, type OperationOptions } from '../cancellation';
import { digestOf, isDigest, type DigestAlgorithm } from '../digest';
import { describeError, isImageError } from '../errors';
import type { ImageGraph } from '../model/imageGraph';
import { ATTESTATION_ANNOTATIONS } from '../model/nodeKind';
import type { ImageSource } from '../sources/imageSource';
import { ReadLimits } from '../sources/limits';
import { readBlob } from '../sources/readBlob';
import type { AttestationDocument } from './attestationDocument';
import { attestationPlaces, type AttestationPlace } from './places';
import { readAttestation } from './readAttestation';
import { summaryFromHints } from './summary';
import type { AttestationSummary, DescribeHints } from './types';

/** A statement, where it was found, and what it says. */
export interface CollectedAttestation extends AttestationPlace {
  summary: AttestationSummary;
}

/** Every statement attached to an image (BuildKit attestation manifests, OCI 1.1 referrers, cosign tags), read and summarised. */
export async function collectAttestations(source: ImageSource, graph: ImageGraph, imageDigest: string, options: OperationOptions = {}): Promise<CollectedAttestation[]> {
  const result: CollectedAttestation[] = [];
  for (const place of attestationPlaces(graph, imageDigest)) {
    throwIfCancelled(options.signal, 'reading attestations');
    result.push({ ...place, summary: (await readAttestationAt(source, place, options)).summary });
  }
  return result;
}

/**
 * Reads and summarises the statement at one place. Bad, missing or oversized content gives a
 * document whose summary lists the problems; only cancellation throws.
 */
export async function readAttestationAt(source: ImageSource, place: AttestationPlace, options: OperationOptions = {}): Promise<AttestationDocument> {
  const hints = hintsFor(place);
  const document = await readContent(source, place, hints, options);
  checkSubjects(document.summary, place);
  return document;
}

function hintsFor(place: AttestationPlace): DescribeHints {
  const hints: DescribeHints = {};
  const mediaType = place.layer?.mediaType;
  if (mediaType) hints.mediaType = mediaType;
  if (place.artifactType) hints.artifactType = place.artifactType;
  else if (place.artifact.known && place.artifact.mediaType) hints.artifactType = place.artifact.mediaType;
  const predicateType = place.layer?.annotations?.[ATTESTATION_ANNOTATIONS.predicateType] ?? place.layer?.annotations?.predicateType;
  if (predicateType) hints.predicateType = predicateType;
  if (place.layer?.annotations) hints.annotations = place.layer.annotations;
  return hints;
}

async function readContent(source: ImageSource, place: AttestationPlace, hints: DescribeHints, options: OperationOptions): Promise<AttestationDocument> {
  const layer = place.layer;
  if (layer === undefined) return summaryFromHints(hints, place.containerProblem ? [place.containerProblem] : []);
  if (place.origin !== 'attestation-manifest' && !isDocumentMediaType(layer.mediaType)) return summaryFromHints(hints);
  let bytes: Buffer;
  try {
    bytes = await readBlob(source, layer.digest, ReadLimits.attestation, options);
  } catch (error) {
    if (isImageError(error, 'cancelled')) throw error;
    const problem = isImageError(error, 'missing-blob') ? `layer ${layer.digest} is not in this source` : describeError(error);
    return summaryFromHints(hints, [problem]);
  }
  const document = readAttestation(bytes, hints);
  const mismatch = digestMismatch(bytes, layer.digest);
  if (mismatch) document.summary.problems.unshift(mismatch);
  return document;
}

/** Layers worth reading as documents: JSON of any kind (in-toto, DSSE, JWS, SBOMs, sigstore bundles) or untyped. */
function isDocumentMediaType(mediaType: string): boolean {
  const bare = mediaType.split(';')[0].trim().toLowerCase();
  return bare === '' || bare.endsWith('json') || bare.includes('+json') || bare.includes('in-toto');
}

function digestMismatch(bytes: Buffer, expected: string): string | undefined {
  if (!isDigest(expected)) return `layer digest "${String(expected).slice(0, 100)}" is not a valid digest`;
  const actual = digestOf(bytes, expected.slice(0, expected.indexOf(':')) as DigestAlgorithm);
  return actual === expected ? undefined : `content does not match its digest: expected ${expected}, got ${actual}`;
}

/** A statement about another image is worth saying; a referrer with no subjects of its own inherits its OCI subject. */
function checkSubjects(summary: AttestationSummary, place: AttestationPlace): void {
  if (summary.subjects.length === 0) {
    if (place.containerSubject) summary.subjects = [{ name: '', digest: place.containerSubject }];
    return;
  }
  if (!summary.subjects.some((subject) => subject.digest === place.image)) {
    summary.problems.push(`no subject of the statement is the image it is attached to (${place.image})`);
  }
}
