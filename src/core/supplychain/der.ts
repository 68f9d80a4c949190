/**
 * Just enough DER (ITU-T X.690) to walk a certificate: tag-length-value elements, bounds-checked,
 * no indefinite lengths (DER forbids them). A malformed input returns undefined, never throws.
 */
export interface DerElement {
  /** The identifier octet (class, constructed bit and tag number < 31). */
  tag: number;
  /** Offset of the contents within the buffer. */
  start: number;
  /** Offset just past the contents. */
  end: number;
}

export function readElement(buffer: Buffer, offset: number, limit = buffer.length): DerElement | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = buffer[offset];
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers do not occur in certificates
  let length = buffer[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || start + octets > limit) return undefined;
    length = 0;
    for (let index = 0; index < octets; index++) length = length * 256 + buffer[start + index];
    start += octets;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}

/** The elements directly inside a constructed element. */
export function children(buffer: Buffer, parent: DerElement): DerElement[] {
  const result: DerElement[] = [];
  let offset = parent.start;
  while (offset < parent.end) {
    const child = readElement(buffer, offset, parent.end);
    if (child === undefined) return result;
    result.push(child);
    offset = child.end;
  }
  return result;
}

/** An OBJECT IDENTIFIER's contents as dotted decimal. */
export function decodeOid(buffer: Buffer, element: DerElement): string {
  const bytes = buffer.subarray(element.start, element.end);
  if (bytes.length === 0) return '';
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** A directory string (UTF8String, PrintableString, IA5String, T61String, BMPString) as text. */
export function decodeString(buffer: Buffer, element: DerElement): string | undefined {
  const bytes = buffer.subarray(element.start, element.end);
  switch (element.tag) {
    case 0x0c: // UTF8String
      return bytes.toString('utf8');
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // T61String (treated as Latin-1, as OpenSSL does)
      return bytes.toString('latin1');
    case 0x1e: // BMPString: UCS-2 big-endian
      return Buffer.from(bytes).swap16().toString('utf16le');
    default:
      return undefined;
  }
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) as an ISO 8601 string. */
export function decodeTime(buffer: Buffer, element: DerElement): string | undefined {
  const raw = buffer.subarray(element.start, element.end).toString('latin1');
  const match = element.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(raw) : element.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(raw) : null;
  if (!match) return undefined;
  // RFC 5280 4.1.2.5.1: a two-digit year below 50 is 20YY.
  const year = match[1].length === 2 ? (Number(match[1]) < 50 ? `20${match[1]}` : `19${match[1]}`) : match[1];
  return `${year}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`;
}
