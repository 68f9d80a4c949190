import { looksLikeDsse, readDsse } from './dsse';
import { isObject, parseJsonText } from './jsonValue';
import { readAttestation } from './readAttestation';
import { looksLikeSigstoreBundle } from './sigstoreBundle';
import type { DescribeHints } from './types';

/** A statement as a person reads it: envelopes opened, JSON indented, what is wrong said first. */
export interface ReadableDocument {
  /** JSON with comments: `// ` lines naming the problems, then the innermost document. */
  text: string;
  /** The wrappers opened on the way in, outermost first ('sigstore bundle', 'DSSE'). */
  unwrapped: string[];
  problems: string[];
}

/**
 * The innermost document of an attestation: a DSSE envelope's payload decoded (also inside a
 * sigstore bundle), pretty-printed. When a wrapper cannot be opened (bad base64, a payload that is
 * not JSON) the document is the outermost readable layer, and the comment at its top says why.
 */
export function readableDocument(bytes: Buffer, hints: DescribeHints = {}): ReadableDocument {
  const problems = readAttestation(bytes, hints).summary.problems;
  const unwrapped: string[] = [];
  const parsed = parseJsonText(bytes, 'content');
  let body = parsed.problem === undefined ? pretty(parsed.value) : bytes.toString('utf8');
  let value = parsed.value;
  for (let depth = 0; depth < 4 && isObject(value); depth++) {
    if (looksLikeSigstoreBundle(value) && isObject(value.dsseEnvelope)) {
      unwrapped.push('sigstore bundle');
      value = value.dsseEnvelope;
      body = pretty(value);
      continue;
    }
    if (!looksLikeDsse(value)) break;
    const envelope = readDsse(value, []);
    if (envelope.payload === undefined) break;
    unwrapped.push('DSSE');
    const payload = parseJsonText(envelope.payload, 'DSSE payload');
    body = payload.problem === undefined ? pretty(payload.value) : envelope.payload.toString('utf8');
    value = payload.value;
  }
  const header = problems.map((problem) => `// ${problem.replace(/\r?\n/g, ' ')}\n`).join('');
  return { text: header + body, unwrapped, problems };
}

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The text of the n-th source file BuildKit embedded in a provenance (the Dockerfile); undefined when there is none. */
export function embeddedSourceText(bytes: Buffer, index: number, hints: DescribeHints = {}): string | undefined {
  return readAttestation(bytes, hints).provenance?.sources[index]?.text;
}
