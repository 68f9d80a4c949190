import { arrayOrEmpty, isObject, text, type JsonObject } from './jsonValue';
import { componentPackage } from './sbomPackage';
import type { SbomPackage } from './types';

/** syft's own JSON (`syft -o json`): `artifacts[]`, `schema.url` under anchore/syft. */
export function isSyftJson(value: JsonObject): boolean {
  const schema = isObject(value.schema) ? text(value.schema.url) : undefined;
  const descriptor = isObject(value.descriptor) ? text(value.descriptor.name) : undefined;
  return Array.isArray(value.artifacts) && (schema?.includes('syft') === true || descriptor === 'syft');
}

export function syftFormat(value: JsonObject): string {
  const version = isObject(value.schema) ? text(value.schema.version) : undefined;
  return version ? `syft JSON ${version}` : 'syft JSON';
}

/** syft licences are strings (older schemas) or `{value, spdxExpression, type}` objects. */
function licenses(entry: JsonObject): string | undefined {
  const names = arrayOrEmpty(entry.licenses)
    .map((choice) => (typeof choice === 'string' ? choice : isObject(choice) ? text(choice.value) : undefined))
    .filter((name): name is string => name !== undefined);
  return names.length > 0 ? names.join(', ') : undefined;
}

export function* syftPackages(value: JsonObject): Generator<SbomPackage> {
  for (const entry of arrayOrEmpty(value.artifacts)) if (isObject(entry)) yield componentPackage(entry, licenses(entry));
}
