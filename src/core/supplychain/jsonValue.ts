import { isObject } from '../model/json';
import { jsonErrorOffset } from '../model/jsonErrorOffset';
import type { SubjectRef } from './types';

export { isObject };
export type JsonObject = Record<string, unknown>;

/** A string field, or undefined when absent, empty or not a string. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function objectOrUndefined(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function arrayOrEmpty(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Only the string values of an object: build args, vcs metadata. */
export function stringValues(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (isObject(value)) for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') result[key] = entry;
  return result;
}

/**
 * An in-toto DigestSet (`{"sha256": "<hex>", "sha1": …}`) as one `algorithm:value` string: sha256
 * when present, else the first entry. in-toto spec v1 "DigestSet".
 */
export function digestFromSet(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.sha256 === 'string') return `sha256:${value.sha256.toLowerCase()}`;
  for (const [algorithm, encoded] of Object.entries(value)) if (typeof encoded === 'string') return `${algorithm}:${encoded}`;
  return undefined;
}

export function subject(name: string | undefined, digest: string): SubjectRef {
  return { name: name ?? '', digest };
}

export type ParsedJson = { value: unknown; problem?: undefined } | { value?: undefined; problem: string };

/** Parses JSON without throwing: a syntax error becomes a sentence saying where, and whether the text just stops. */
export function parseJsonText(bytes: Buffer | string, what: string): ParsedJson {
  const source = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  const textValue = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (/^\s*$/.test(textValue)) return { problem: `${what} is empty` };
  try {
    return { value: JSON.parse(textValue) };
  } catch {
    const offset = jsonErrorOffset(textValue);
    if (offset === undefined) return { problem: `${what} is not valid JSON` };
    if (offset >= textValue.trimEnd().length) return { problem: `${what} is not valid JSON: it ends after ${textValue.length} characters, before the document is complete (truncated?)` };
    const near = JSON.stringify(textValue.slice(Math.max(0, offset - 20), offset + 20));
    return { problem: `${what} is not valid JSON: unexpected input at character ${offset + 1} of ${textValue.length}, near ${near}` };
  }
}

/** `1 package`, `124 packages`. */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
