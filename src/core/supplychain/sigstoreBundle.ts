import { decodeBase64 } from './base64';
import { logEntry } from './cosign';
import { arrayOrEmpty, isObject, objectOrUndefined, subject, text, type JsonObject } from './jsonValue';
import { emptySignatureDetails, type SignatureRead } from './signatureDetails';
import { readCertificateText } from './x509';

/** Sigstore bundle media types: `application/vnd.dev.sigstore.bundle+json;version=0.1`, `…bundle.v0.3+json`. */
export function looksLikeSigstoreBundle(value: JsonObject): boolean {
  return typeof value.mediaType === 'string' && value.mediaType.startsWith('application/vnd.dev.sigstore.bundle');
}

export interface SigstoreBundleRead extends SignatureRead {
  /** The DSSE envelope the bundle signs, when it signs one (attestations). */
  dsseEnvelope?: JsonObject;
}

/** sigstore/protobuf-specs protos/sigstore_bundle.proto: verification material, then a DSSE envelope or a message signature. */
export function readSigstoreBundle(value: JsonObject, problems: string[]): SigstoreBundleRead {
  const version = /(?:\.v|version=)(\d+\.\d+)/.exec(String(value.mediaType))?.[1];
  const format = version ? `sigstore bundle v${version}` : 'sigstore bundle';
  const details = emptySignatureDetails('sigstore bundle');
  const material = objectOrUndefined(value.verificationMaterial);
  if (material === undefined) problems.push('sigstore bundle has no verificationMaterial');
  const certificates = [
    ...(isObject(material?.certificate) ? [material.certificate] : []),
    ...arrayOrEmpty(objectOrUndefined(material?.x509CertificateChain)?.certificates),
  ];
  certificates.forEach((entry, index) => {
    const raw = isObject(entry) ? text(entry.rawBytes) : undefined;
    const certificate = raw ? readCertificateText(raw, `sigstore bundle certificate ${index + 1}`, problems) : undefined;
    if (certificate) details.certificates.push(certificate);
  });
  const hint = text(objectOrUndefined(material?.publicKey)?.hint);
  if (hint) details.publicKeyHint = hint;
  for (const entry of arrayOrEmpty(material?.tlogEntries)) if (isObject(entry)) details.transparencyLog.push(logEntry(entry.logIndex, entry.integratedTime));
  const timestamps = arrayOrEmpty(objectOrUndefined(material?.timestampVerificationData)?.rfc3161Timestamps);
  details.timestamped = timestamps.length > 0;

  const dsseEnvelope = objectOrUndefined(value.dsseEnvelope);
  if (dsseEnvelope) return { format, subjects: [], details, dsseEnvelope };
  const message = objectOrUndefined(value.messageSignature);
  if (message === undefined) {
    problems.push('sigstore bundle has neither a dsseEnvelope nor a messageSignature');
    return { format, subjects: [], details };
  }
  details.signatureCount = typeof message.signature === 'string' ? 1 : 0;
  return { format, subjects: messageSubject(objectOrUndefined(message.messageDigest), problems), details };
}

/** `messageDigest: {algorithm: "SHA2_256", digest: <base64>}` as `sha256:<hex>`. */
function messageSubject(digest: JsonObject | undefined, problems: string[]) {
  if (digest === undefined) return [];
  const decoded = decodeBase64(digest.digest, 'sigstore bundle messageDigest');
  if (decoded.problem !== undefined) {
    problems.push(decoded.problem);
    return [];
  }
  const algorithm = digest.algorithm === 'SHA2_256' ? 'sha256' : digest.algorithm === 'SHA2_512' ? 'sha512' : String(digest.algorithm ?? 'unknown').toLowerCase();
  return [subject('', `${algorithm}:${decoded.bytes.toString('hex')}`)];
}
