import { ImageError } from '../errors';
import { jsonErrorOffset } from './jsonErrorOffset';

/** Parses JSON, turning a syntax error into a `bad-json` error that says which document and where. */
export function parseJson(bytes: Buffer | string, what: { source?: string; subject: string }): unknown {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const where = offset === undefined ? '' : ` at ${lineAndColumn(text, offset)}`;
    const near = offset === undefined ? '' : ` near ${JSON.stringify(text.slice(Math.max(0, offset - 20), offset + 20))}`;
    throw new ImageError('bad-json', `is not valid JSON${where}${near}`, { ...what, cause: error });
  }
}

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps only string values: annotations and labels from untrusted JSON. */
export function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') result[key] = entry;
  return result;
}
