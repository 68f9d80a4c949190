import { arrayOrEmpty, isObject, text, type JsonObject } from './jsonValue';
import { sbomPackage } from './sbomPackage';
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
    yield sbomPackage({ name: text(entry.name), version: text(entry.versionInfo), purl: purlOf(entry), fallbackType: text(entry.primaryPackagePurpose)?.toLowerCase(), license: license(entry) });
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
    yield sbomPackage({ name: text(element.name), version: text(element.software_packageVersion), purl: text(element.software_packageUrl) });
  }
}
