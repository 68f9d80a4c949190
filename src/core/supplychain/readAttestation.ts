import { ReadLimits } from '../sources/limits';
import { decodeBase64 } from './base64';
import { looksLikeSimpleSigning, readSimpleSigning } from './cosign';
import { looksLikeDsse, readDsse } from './dsse';
import { looksLikeStatement, readStatement } from './inToto';
import { isObject, parseJsonText, text, type JsonObject } from './jsonValue';
import { finishSummary, type Reading } from './summary';
import { looksLikeJws, readJws } from './notation';
import { predicateTypeInfo } from './predicateTypes';
import { readProvenance } from './provenance';
import { readSbom, unwrapCosignData } from './sbom';
import type { SignatureRead } from './signatureDetails';
import { looksLikeSigstoreBundle, readSigstoreBundle } from './sigstoreBundle';
import type { DescribeHints, ProvenanceDetails } from './types';
import { readVulnerabilityReport } from './vulnerabilityReport';
import type { AttestationDocument } from './attestationDocument';

/** containers/image stores a sigstore signature as this magic line, then JSON {mimeType, payload, annotations}. */
const CONTAINERS_SIGSTORE_MAGIC = Buffer.from('\0sigstore-json\n');
/** Envelopes in envelopes in envelopes: a bundle holds a DSSE that holds a statement; more is hostile. */
const MAX_DEPTH = 4;

/**
 * Reads an attestation, SBOM or signature from its bytes: unwraps sigstore bundles and DSSE
 * envelopes, recognises the statement and its predicate, and summarises. Never throws for bad
 * content: what is wrong is listed in `summary.problems`.
 */
export function readAttestation(bytes: Buffer, hints: DescribeHints = {}): AttestationDocument {
  const reading: Reading = { problems: [], envelopes: [], subjects: [] };
  const maxBytes = hints.maxBytes ?? ReadLimits.attestation;
  if (bytes.length > maxBytes) {
    reading.problems.push(`content is ${bytes.length} bytes, more than the ${maxBytes} bytes allowed for an attestation; not read`);
  } else {
    readBytes(bytes, hints, reading, 0);
  }
  return finishSummary(reading, hints);
}

function readBytes(bytes: Buffer, hints: DescribeHints, reading: Reading, depth: number): void {
  if (bytes.subarray(0, CONTAINERS_SIGSTORE_MAGIC.length).equals(CONTAINERS_SIGSTORE_MAGIC)) {
    readContainersSignature(bytes.subarray(CONTAINERS_SIGSTORE_MAGIC.length), reading, depth);
    return;
  }
  const parsed = parseJsonText(bytes, 'content');
  if (parsed.problem !== undefined) {
    // Helm charts, WASM modules, tarballs: not JSON, and not claiming to be.
    if (mayBeJson(hints.mediaType)) reading.problems.push(parsed.problem);
    return;
  }
  readValue(parsed.value, hints, reading, depth);
}

function readValue(value: unknown, hints: DescribeHints, reading: Reading, depth: number): void {
  if (depth > MAX_DEPTH) {
    reading.problems.push(`envelopes are nested more than ${MAX_DEPTH} deep; the innermost were not read`);
    return;
  }
  if (!isObject(value)) {
    reading.problems.push(`content is ${Array.isArray(value) ? 'a JSON array' : `a JSON ${typeof value}`}, not an object`);
    return;
  }
  if (looksLikeSigstoreBundle(value)) {
    const bundle = readSigstoreBundle(value, reading.problems);
    reading.envelopes.push(bundle.format);
    setSignature(reading, bundle, bundle.dsseEnvelope === undefined);
    if (bundle.dsseEnvelope) readDsseEnvelope(bundle.dsseEnvelope, reading, depth);
  } else if (looksLikeDsse(value)) readDsseEnvelope(value, reading, depth);
  else if (looksLikeJws(value)) setSignature(reading, readJws(value, reading.problems), true);
  else if (looksLikeStatement(value)) readStatementValue(value, hints, reading);
  else if (looksLikeSimpleSigning(value)) setSignature(reading, readSimpleSigning(value, hints.annotations, reading.problems), true);
  else readBareDocument(value, hints, reading);
}

function readDsseEnvelope(value: JsonObject, reading: Reading, depth: number): void {
  const envelope = readDsse(value, reading.problems);
  reading.envelopes.push('DSSE');
  if (reading.signature) {
    reading.signature.keyIds.push(...envelope.keyIds);
    reading.signature.signatureCount += envelope.signatureCount;
  } else {
    reading.signature = { format: 'DSSE', keyIds: envelope.keyIds, signatureCount: envelope.signatureCount, certificates: [], timestamped: false, transparencyLog: [] };
  }
  if (envelope.payloadType !== undefined) reading.signature.payloadType = envelope.payloadType;
  if (envelope.payload === undefined) return;
  const parsed = parseJsonText(envelope.payload, 'DSSE payload');
  if (parsed.problem !== undefined) {
    if (mayBeJson(envelope.payloadType)) reading.problems.push(parsed.problem);
    else reading.format ??= envelope.payloadType;
    return;
  }
  readValue(parsed.value, { mediaType: envelope.payloadType }, reading, depth + 1);
}

function readStatementValue(value: JsonObject, hints: DescribeHints, reading: Reading): void {
  const statement = readStatement(value, reading.problems);
  reading.statement = statement;
  reading.subjects = statement.subjects;
  reading.predicateType = statement.predicateType;
  if (hints.predicateType && statement.predicateType && hints.predicateType !== statement.predicateType) {
    reading.problems.push(`the layer annotation says predicate type ${hints.predicateType}, the statement says ${statement.predicateType}`);
  }
  const info = predicateTypeInfo(statement.predicateType);
  reading.kind = info?.kind ?? 'other';
  reading.format = info?.format ?? statement.predicateType ?? 'in-toto';
  const predicate = unwrapCosignData(statement.predicate);
  if (info === undefined || info.kind === 'sbom') {
    const problems: string[] = [];
    const sbom = readSbom(predicate, problems);
    if (sbom) {
      reading.problems.push(...problems);
      setSbom(reading, sbom);
    } else if (info?.kind === 'sbom') reading.problems.push(`the ${info.format} predicate is not an SPDX, CycloneDX or syft document`);
  } else if (info.kind === 'provenance') {
    reading.provenance = readProvenance(predicate, slsaVersion(info.format), reading.problems);
  } else if (info.kind === 'vulnerability-report') {
    const report = readVulnerabilityReport(predicate, info.format);
    reading.vulnerabilities = report;
  }
}

/** SPDX, CycloneDX or syft documents on their own (OCI 1.1 referrers, `cosign attach sbom`). */
function readBareDocument(value: JsonObject, hints: DescribeHints, reading: Reading): void {
  const sbom = readSbom(value, reading.problems);
  if (sbom) {
    reading.kind = 'sbom';
    setSbom(reading, sbom);
    reading.subjects = sbom.subjects;
    return;
  }
  if (hints.mediaType?.startsWith('application/vnd.in-toto') || hints.mediaType === 'application/vnd.dsse.envelope.v1+json') {
    const keys = Object.keys(value).slice(0, 8).join(', ');
    reading.problems.push(`content is not an in-toto statement or DSSE envelope: it has no "_type" or "payloadType" (keys: ${keys || 'none'})`);
  }
}

function readContainersSignature(bytes: Buffer, reading: Reading, depth: number): void {
  const parsed = parseJsonText(bytes, 'containers/image signature');
  if (parsed.problem !== undefined || !isObject(parsed.value)) {
    reading.problems.push(parsed.problem ?? 'containers/image signature is not a JSON object');
    return;
  }
  const wrapper = parsed.value;
  const payload = decodeBase64(wrapper.payload, 'containers/image signature payload');
  if (payload.problem !== undefined) {
    reading.problems.push(payload.problem);
    return;
  }
  const annotations = isObject(wrapper.annotations) ? (Object.fromEntries(Object.entries(wrapper.annotations).filter(([, entry]) => typeof entry === 'string')) as Record<string, string>) : {};
  readBytes(payload.bytes, { mediaType: text(wrapper.mimeType), annotations }, reading, depth + 1);
}

function setSignature(reading: Reading, read: SignatureRead, isTheContent: boolean): void {
  reading.signature = read.details;
  if (!isTheContent) return;
  reading.kind = 'signature';
  reading.format = read.details.format;
  reading.subjects = read.subjects;
}

function setSbom(reading: Reading, sbom: NonNullable<Reading['sbom']>): void {
  reading.sbom = sbom;
  reading.format = sbom.format;
  if (sbom.vulnerabilityCount !== undefined && sbom.packageCount === 0) {
    reading.kind = 'vulnerability-report';
    reading.vulnerabilities = { count: sbom.vulnerabilityCount, noun: 'finding' };
  }
}

function slsaVersion(format: string): ProvenanceDetails['slsaVersion'] {
  return format === 'SLSA v1' ? 'v1' : format === 'SLSA v0.1' ? 'v0.1' : 'v0.2';
}

/** Whether content of this media type is expected to be JSON (unknown types are given the benefit of the doubt). */
function mayBeJson(mediaType: string | undefined): boolean {
  if (mediaType === undefined || mediaType === '') return true;
  const bare = mediaType.split(';')[0].trim().toLowerCase();
  return bare.endsWith('json') || bare.includes('+json') || bare.includes('in-toto');
}
