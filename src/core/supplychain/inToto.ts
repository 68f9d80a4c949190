import { arrayOrEmpty, digestFromSet, isObject, text, type JsonObject } from './jsonValue';
import type { SubjectRef } from './types';

/** in-toto attestation framework, spec v0.1 and v1 ("Statement"). */
export const STATEMENT_TYPES = {
  'https://in-toto.io/Statement/v0.1': 'v0.1',
  'https://in-toto.io/Statement/v1': 'v1',
} as const;

export interface InTotoStatement {
  /** 'v0.1', 'v1', or undefined when `_type` is not one of them (a problem says so). */
  version?: 'v0.1' | 'v1';
  subjects: SubjectRef[];
  predicateType?: string;
  predicate: unknown;
}

/** A JSON object is taken for a statement when it has `_type`, or `predicateType` beside `subject`. */
export function looksLikeStatement(value: JsonObject): boolean {
  return typeof value._type === 'string' || ('predicateType' in value && 'subject' in value);
}

/** Reads a statement's fields, adding a sentence to `problems` for each one that breaks the spec. */
export function readStatement(value: JsonObject, problems: string[]): InTotoStatement {
  const type = value._type;
  const version = typeof type === 'string' ? STATEMENT_TYPES[type as keyof typeof STATEMENT_TYPES] : undefined;
  if (version === undefined) {
    const found = type === undefined ? 'missing' : JSON.stringify(type).slice(0, 100);
    problems.push(`in-toto statement "_type" is ${found}, expected ${Object.keys(STATEMENT_TYPES).join(' or ')}`);
  }
  const predicateType = text(value.predicateType);
  if (predicateType === undefined) problems.push('in-toto statement has no "predicateType"');
  if (!Array.isArray(value.subject)) problems.push('in-toto statement "subject" is not a list');
  const subjects: SubjectRef[] = [];
  arrayOrEmpty(value.subject).forEach((entry, index) => {
    const digest = isObject(entry) ? digestFromSet(entry.digest) : undefined;
    if (digest === undefined) {
      problems.push(`in-toto statement subject[${index}] has no digest`);
      return;
    }
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) problems.push(`in-toto statement subject[${index}] sha256 "${digest.slice(7, 80)}" is not 64 hex digits`);
    subjects.push({ name: isObject(entry) ? (text(entry.name) ?? text(entry.uri) ?? '') : '', digest });
  });
  if (!('predicate' in value)) problems.push('in-toto statement has no "predicate"');
  return { version, subjects, predicateType, predicate: value.predicate };
}
