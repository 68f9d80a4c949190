import { ATTESTATION_ANNOTATIONS } from '../core/model/nodeKind';
import { readBlob } from '../core/sources/readBlob';
import { ReadLimits } from '../core/sources/limits';
import { embeddedSourceText, readAttestation, readableDocument, type AttestationDocument, type DescribeHints } from '../core/supplychain';
import type { AttestationPart } from './imageUri';
import type { MountedSource } from './sourceManager';

/** Decoding a 50k-package SBOM costs a second: `stat` and `readFile` of one URI should pay it once. */
const recent = new Map<string, Promise<Buffer>>();
const RECENT_LIMIT = 4;

/**
 * The bytes of an attestation document: the decoded payload (envelopes opened, JSON indented, problems
 * as comments at the top) or one embedded source file. Throws when the blob cannot be read or the
 * part does not exist; the file system provider turns that into a FileSystemError.
 */
export function readAttestationPart(mounted: MountedSource, digest: string, part: AttestationPart, limit: number): Promise<Buffer> {
  const key = `${mounted.spec}\n${digest}\n${part}\n${limit}`;
  let result = recent.get(key);
  if (result === undefined) {
    result = decode(mounted, digest, part, limit);
    result.catch(() => recent.delete(key));
    recent.set(key, result);
    if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  }
  return result;
}

async function decode(mounted: MountedSource, digest: string, part: AttestationPart, limit: number): Promise<Buffer> {
  const bytes = await readBlob(mounted.source, digest, limit);
  const hints = hintsOf(mounted, digest);
  if (part === 'payload') return Buffer.from(readableDocument(bytes, hints).text);
  const index = Number(part.slice('source-'.length));
  const text = embeddedSourceText(bytes, index, hints);
  if (text === undefined) throw new Error(`attestation ${digest} of ${mounted.label} embeds no source file number ${index + 1}`);
  return Buffer.from(text);
}

/** What the layer descriptor says about the blob: its media type and BuildKit's predicate-type annotation. */
function hintsOf(mounted: MountedSource, digest: string): DescribeHints {
  const node = mounted.nodes.get(digest);
  const hints: DescribeHints = {};
  if (node?.mediaType) hints.mediaType = node.mediaType;
  const predicateType = node?.annotations[ATTESTATION_ANNOTATIONS.predicateType];
  if (predicateType) hints.predicateType = predicateType;
  return hints;
}

/** A statement read from its blob alone (no attestation manifest at hand: a restored summary view). */
export async function readAttestationBlob(mounted: MountedSource, digest: string): Promise<AttestationDocument> {
  return readAttestation(await readBlob(mounted.source, digest, ReadLimits.attestation), hintsOf(mounted, digest));
}
