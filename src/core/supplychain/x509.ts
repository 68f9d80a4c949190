import { decodeBase64 } from './base64';
import { children, decodeOid, decodeString, decodeTime, readElement, type DerElement } from './der';
import type { CertificateInfo } from './types';

/** Attribute types of distinguished names (RFC 4519), by their RFC 4514 short names. */
const NAME_ATTRIBUTES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'SERIALNUMBER',
  '1.2.840.113549.1.9.1': 'emailAddress',
};
const SUBJECT_ALT_NAME = '2.5.29.17';
/** Fulcio's OIDC issuer extensions: v1 (raw string) and v2 (DER UTF8String); sigstore/fulcio docs/oid-info.md. */
const FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

/**
 * Who a certificate names: subject, issuer, validity, subject alternative names and Fulcio's
 * issuer. Not a verification: nothing here checks a signature or a chain.
 */
export function readCertificate(der: Buffer): CertificateInfo | undefined {
  const certificate = readElement(der, 0);
  if (certificate?.tag !== 0x30) return undefined;
  const tbs = children(der, certificate)[0];
  if (tbs?.tag !== 0x30) return undefined;
  const fields = children(der, tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version is optional
  const [, , issuer, validity, subject] = fields.slice(offset);
  if (subject?.tag !== 0x30 || issuer?.tag !== 0x30) return undefined;
  const info: CertificateInfo = { alternativeNames: [] };
  const subjectName = readName(der, subject);
  if (subjectName.text) info.subject = subjectName.text;
  if (subjectName.commonName) info.commonName = subjectName.commonName;
  const issuerName = readName(der, issuer).text;
  if (issuerName) info.issuer = issuerName;
  const times = validity?.tag === 0x30 ? children(der, validity) : [];
  const notBefore = times[0] && decodeTime(der, times[0]);
  const notAfter = times[1] && decodeTime(der, times[1]);
  if (notBefore) info.notBefore = notBefore;
  if (notAfter) info.notAfter = notAfter;
  const extensions = fields.find((field) => field.tag === 0xa3);
  if (extensions) readExtensions(der, extensions, info);
  return info;
}

/** A Name in RFC 4514 order (last RDN first), e.g. `CN=e2e, O=Notary, C=US`. */
function readName(der: Buffer, name: DerElement): { text: string; commonName?: string } {
  const parts: string[] = [];
  let commonName: string | undefined;
  for (const set of children(der, name)) {
    for (const pair of children(der, set)) {
      const [type, value] = children(der, pair);
      if (type?.tag !== 0x06 || value === undefined) continue;
      const oid = decodeOid(der, type);
      const textValue = decodeString(der, value) ?? '';
      if (oid === '2.5.4.3' && commonName === undefined) commonName = textValue;
      parts.push(`${NAME_ATTRIBUTES[oid] ?? oid}=${textValue}`);
    }
  }
  return { text: parts.reverse().join(', '), commonName };
}

function readExtensions(der: Buffer, wrapper: DerElement, info: CertificateInfo): void {
  const list = children(der, wrapper)[0];
  if (list?.tag !== 0x30) return;
  for (const extension of children(der, list)) {
    const parts = children(der, extension);
    const oid = parts[0]?.tag === 0x06 ? decodeOid(der, parts[0]) : '';
    const value = parts[parts.length - 1];
    if (value?.tag !== 0x04) continue;
    if (oid === SUBJECT_ALT_NAME) info.alternativeNames = readAlternativeNames(der, value);
    else if (oid === FULCIO_ISSUER_V1) info.oidcIssuer ??= der.subarray(value.start, value.end).toString('utf8');
    else if (oid === FULCIO_ISSUER_V2) {
      const inner = readElement(der, value.start, value.end);
      const issuer = inner && decodeString(der, inner);
      if (issuer) info.oidcIssuer = issuer;
    }
  }
}

/** GeneralNames: rfc822Name [1], dNSName [2], uniformResourceIdentifier [6]; others are skipped. */
function readAlternativeNames(der: Buffer, octets: DerElement): string[] {
  const sequence = readElement(der, octets.start, octets.end);
  if (sequence?.tag !== 0x30) return [];
  return children(der, sequence)
    .filter((name) => name.tag === 0x81 || name.tag === 0x82 || name.tag === 0x86)
    .map((name) => der.subarray(name.start, name.end).toString('latin1'));
}

/** A certificate given as base64 DER (JWS x5c, sigstore rawBytes) or PEM (cosign annotations). */
export function readCertificateText(value: string, what: string, problems: string[]): CertificateInfo | undefined {
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(value);
  const decoded = decodeBase64(pem ? pem[1] : value, what);
  if (decoded.problem !== undefined) {
    problems.push(decoded.problem);
    return undefined;
  }
  const info = readCertificate(decoded.bytes);
  if (info === undefined) problems.push(`${what} is not a DER X.509 certificate`);
  return info;
}

/** How a signer reads in a label: the CN, else the first alternative name (a Fulcio e-mail or workflow URI). */
export function signerOf(certificate: CertificateInfo | undefined): string | undefined {
  if (certificate === undefined) return undefined;
  if (certificate.commonName) return `CN=${certificate.commonName}`;
  return certificate.alternativeNames[0] ?? certificate.subject;
}
