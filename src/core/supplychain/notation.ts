import { isDigest } from '../digest';
import { decodeBase64 } from './base64';
import { arrayOrEmpty, isObject, objectOrUndefined, parseJsonText, subject, text, type JsonObject } from './jsonValue';
import { emptySignatureDetails, type SignatureRead } from './signatureDetails';
import { readCertificateText } from './x509';

/** The payload content type of Notary Project signatures (notaryproject/specifications signature-specification.md). */
export const NOTARY_PAYLOAD_TYPE = 'application/vnd.cncf.notary.payload.v1+json';

/** A JWS in JSON serialisation (RFC 7515 7.2.2, flattened): `protected`, `payload`, `signature`. */
export function looksLikeJws(value: JsonObject): boolean {
  return typeof value.protected === 'string' && 'signature' in value && 'payload' in value;
}

export function readJws(value: JsonObject, problems: string[]): SignatureRead {
  const protectedHeader = decodeJsonPart(value.protected, 'JWS protected header', problems);
  const payload = decodeJsonPart(value.payload, 'JWS payload', problems);
  const notary = protectedHeader?.cty === NOTARY_PAYLOAD_TYPE || Object.keys(protectedHeader ?? {}).some((key) => key.startsWith('io.cncf.notary.'));
  const format = notary ? 'notation' : 'JWS';
  const details = emptySignatureDetails(format);
  details.signatureCount = typeof value.signature === 'string' ? 1 : 0;
  const algorithm = text(protectedHeader?.alg);
  if (algorithm) details.algorithm = algorithm;
  const scheme = text(protectedHeader?.['io.cncf.notary.signingScheme']);
  if (scheme) details.signingScheme = scheme;
  const signingTime = text(protectedHeader?.['io.cncf.notary.signingTime']) ?? text(protectedHeader?.['io.cncf.notary.authenticSigningTime']);
  if (signingTime) details.signingTime = signingTime;
  const expiry = text(protectedHeader?.['io.cncf.notary.expiry']);
  if (expiry) details.expiry = expiry;
  const header = objectOrUndefined(value.header);
  const agent = text(header?.['io.cncf.notary.signingAgent']);
  if (agent) details.signingAgent = agent;
  details.timestamped = header?.['io.cncf.notary.timestampSignature'] !== undefined;
  const chain = arrayOrEmpty(header?.x5c);
  if (notary && chain.length === 0) problems.push('notation signature has no certificate chain (header.x5c)');
  chain.forEach((entry, index) => {
    const certificate = typeof entry === 'string' ? readCertificateText(entry, `JWS x5c[${index}]`, problems) : undefined;
    if (certificate) details.certificates.push(certificate);
  });
  const target = objectOrUndefined(payload?.targetArtifact);
  const digest = text(target?.digest);
  if (notary && digest === undefined) problems.push('notation payload has no targetArtifact.digest');
  else if (digest !== undefined && !isDigest(digest)) problems.push(`notation targetArtifact.digest "${String(digest).slice(0, 100)}" is not a valid digest`);
  return { format, subjects: digest ? [subject('', digest)] : [], details };
}

function decodeJsonPart(value: unknown, what: string, problems: string[]): JsonObject | undefined {
  const decoded = decodeBase64(value, what, 'url');
  if (decoded.problem !== undefined) {
    problems.push(decoded.problem);
    return undefined;
  }
  const parsed = parseJsonText(decoded.bytes, what);
  if (parsed.problem !== undefined) problems.push(parsed.problem);
  return isObject(parsed.value) ? parsed.value : undefined;
}
