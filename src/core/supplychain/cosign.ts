import { isDigest } from '../digest';
import { isObject, objectOrUndefined, parseJsonText, subject, text, type JsonObject } from './jsonValue';
import { emptySignatureDetails, type SignatureRead } from './signatureDetails';
import { readCertificateText } from './x509';

/** Annotations cosign puts on a signature layer (sigstore/cosign specs/SIGNATURE_SPEC.md). */
export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161Timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

/** The simple-signing payload (containers/image docs/containers-signature.5.md), as cosign and GPG signatures use it. */
export function looksLikeSimpleSigning(value: JsonObject): boolean {
  const critical = objectOrUndefined(value.critical);
  return critical !== undefined && ('image' in critical || 'identity' in critical) && typeof critical.type === 'string';
}

export function readSimpleSigning(value: JsonObject, annotations: Record<string, string> | undefined, problems: string[]): SignatureRead {
  const critical = objectOrUndefined(value.critical) ?? {};
  const type = text(critical.type) ?? '';
  const format = type.startsWith('cosign') ? 'cosign' : 'simple signing';
  const details = emptySignatureDetails(format);
  const reference = text(objectOrUndefined(critical.identity)?.['docker-reference']);
  const digest = text(objectOrUndefined(critical.image)?.['docker-manifest-digest']);
  if (reference !== undefined) details.dockerReference = reference;
  if (digest !== undefined) details.dockerManifestDigest = digest;
  if (digest === undefined) problems.push('simple-signing payload has no critical.image.docker-manifest-digest');
  else if (!isDigest(digest)) problems.push(`simple-signing docker-manifest-digest "${String(digest).slice(0, 100)}" is not a valid digest`);
  if (isObject(value.optional)) details.optional = value.optional;
  readCosignAnnotations(annotations ?? {}, details, problems);
  return { format, subjects: digest ? [subject(reference, digest)] : [], details };
}

function readCosignAnnotations(annotations: Record<string, string>, details: SignatureRead['details'], problems: string[]): void {
  if (annotations[COSIGN_ANNOTATIONS.signature] !== undefined) details.signatureCount = 1;
  for (const [key, what] of [[COSIGN_ANNOTATIONS.certificate, 'cosign certificate annotation'], [COSIGN_ANNOTATIONS.chain, 'cosign chain annotation']] as const) {
    const pem = annotations[key];
    if (pem === undefined) continue;
    for (const block of pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []) {
      const certificate = readCertificateText(block, what, problems);
      if (certificate) details.certificates.push(certificate);
    }
  }
  const bundle = annotations[COSIGN_ANNOTATIONS.bundle];
  if (bundle !== undefined) {
    // The old cosign bundle: {"SignedEntryTimestamp", "Payload": {"logIndex", "integratedTime", …}}.
    const parsed = parseJsonText(bundle, 'cosign bundle annotation');
    const payload = isObject(parsed.value) ? objectOrUndefined(parsed.value.Payload) : undefined;
    if (parsed.problem !== undefined) problems.push(parsed.problem);
    else if (payload) details.transparencyLog.push(logEntry(payload.logIndex, payload.integratedTime));
  }
  if (annotations[COSIGN_ANNOTATIONS.rfc3161Timestamp] !== undefined) details.timestamped = true;
}

export function logEntry(logIndex: unknown, integratedTime: unknown): { logIndex?: string; integratedTime?: string } {
  const entry: { logIndex?: string; integratedTime?: string } = {};
  if (typeof logIndex === 'number' || typeof logIndex === 'string') entry.logIndex = String(logIndex);
  if (typeof integratedTime === 'number' || typeof integratedTime === 'string') {
    const seconds = Number(integratedTime);
    entry.integratedTime = Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : String(integratedTime);
  }
  return entry;
}
