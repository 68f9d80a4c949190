import { decodeBase64 } from './base64';
import { arrayOrEmpty, isObject, text, type JsonObject } from './jsonValue';

/** The in-toto payload type DSSE envelopes carry statements in. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseEnvelope {
  payloadType?: string;
  /** The decoded payload; undefined when it is missing or not base64 (a problem says so). */
  payload?: Buffer;
  keyIds: string[];
  signatureCount: number;
}

/** DSSE v1 (secure-systems-lab/dsse envelope.md): `payloadType`, base64 `payload`, `signatures[]`. */
export function looksLikeDsse(value: JsonObject): boolean {
  return 'payloadType' in value && 'payload' in value;
}

export function readDsse(value: JsonObject, problems: string[]): DsseEnvelope {
  const payloadType = text(value.payloadType);
  if (payloadType === undefined) problems.push('DSSE envelope has no "payloadType"');
  const decoded = decodeBase64(value.payload, 'DSSE payload');
  if (decoded.problem) problems.push(decoded.problem);
  const signatures = arrayOrEmpty(value.signatures);
  if (signatures.length === 0) problems.push('DSSE envelope has no signatures');
  const keyIds = signatures.map((signature) => (isObject(signature) ? text(signature.keyid) : undefined)).filter((keyId): keyId is string => keyId !== undefined);
  return { payloadType, payload: decoded.bytes, keyIds, signatureCount: signatures.length };
}
