import { arrayOrEmpty, isObject, text, type JsonObject } from './jsonValue';
import { purlType } from './purl';
import type { SbomPackage } from './types';

/** SPDX 2.x JSON (spdx-spec 2.3, "JSON" serialisation): `spdxVersion`, `packages[]`. */
export function isSpdx2(value: JsonObject): boolean {
  return typeof value.spdxVersion === 'string' && value.spdxVersion.startsWith('SPDX-');
}

/** 'SPDX 2.3' from `"spdxVersion": "SPDX-2.3"`. */
export function spdxFormat(value: JsonObject): string {
  return `SPDX ${String(value.spdxVersion).slice('SPDX-'.length)}`;
}

export function spdxPackageCount(value: JsonObject, problems: string[]): number {
  if (value.packages === undefined) return 0;
  if (!Array.isArray(value.packages)) {
    problems.push('SPDX "packages" is not a list');
    return 0;
  }
  return value.packages.length;
}

const NO_LICENSE = new Set(['NOASSERTION', 'NONE', '']);

function license(entry: JsonObject): string | undefined {
  for (const field of [entry.licenseConcluded, entry.licenseDeclared]) if (typeof field === 'string' && !NO_LICENSE.has(field)) return field;
  return undefined;
}

function purlOf(entry: JsonObject): string | undefined {
  for (const reference of arrayOrEmpty(entry.externalRefs)) {
    if (isObject(reference) && reference.referenceType === 'purl' && typeof reference.referenceLocator === 'string') return reference.referenceLocator;
  }
  return undefined;
}

/** Packages in document order; entries that are not objects are skipped. */
export function* spdxPackages(value: JsonObject): Generator<SbomPackage> {
  for (const entry of arrayOrEmpty(value.packages)) {
    if (!isObject(entry)) continue;
    const purl = purlOf(entry);
    const purpose = text(entry.primaryPackagePurpose);
    const item: SbomPackage = { name: text(entry.name) ?? '' };
    const version = text(entry.versionInfo);
    if (version !== undefined) item.version = version;
    const type = purlType(purl) ?? purpose?.toLowerCase();
    if (type !== undefined) item.type = type;
    const packageLicense = license(entry);
    if (packageLicense !== undefined) item.license = packageLicense;
    if (purl !== undefined) item.purl = purl;
    yield item;
  }
}

/** SPDX 3 JSON-LD: a `@context` naming spdx.org/rdf/3 and a `@graph` of elements. */
export function isSpdx3(value: JsonObject): boolean {
  const context = value['@context'];
  return typeof context === 'string' && context.includes('spdx.org/rdf/3') && Array.isArray(value['@graph']);
}

export function* spdx3Packages(value: JsonObject): Generator<SbomPackage> {
  for (const element of arrayOrEmpty(value['@graph'])) {
    if (!isObject(element) || element.type !== 'software_Package') continue;
    const purl = text(element.software_packageUrl);
    const item: SbomPackage = { name: text(element.name) ?? '' };
    const version = text(element.software_packageVersion);
    if (version !== undefined) item.version = version;
    const type = purlType(purl);
    if (type !== undefined) item.type = type;
    if (purl !== undefined) item.purl = purl;
    yield item;
  }
}
