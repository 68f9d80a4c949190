import { arrayOrEmpty, isObject, text, type JsonObject } from './jsonValue';
import { purlType } from './purl';
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

export function* syftPackages(value: JsonObject): Generator<SbomPackage> {
  for (const entry of arrayOrEmpty(value.artifacts)) {
    if (!isObject(entry)) continue;
    const purl = text(entry.purl);
    const item: SbomPackage = { name: text(entry.name) ?? '' };
    const version = text(entry.version);
    if (version !== undefined) item.version = version;
    const type = purlType(purl) ?? text(entry.type);
    if (type !== undefined) item.type = type;
    const license = arrayOrEmpty(entry.licenses)
      .map((choice) => (typeof choice === 'string' ? choice : isObject(choice) ? text(choice.value) : undefined))
      .filter((name): name is string => name !== undefined)
      .join(', ');
    if (license !== '') item.license = license;
    if (purl !== undefined) item.purl = purl;
    yield item;
  }
}
