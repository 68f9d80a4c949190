import { text, type JsonObject } from './jsonValue';
import { purlType } from './purl';
import type { SbomPackage } from './types';

/**
 * One SBOM package from the fields every format has in some spelling; absent fields stay absent
 * (the CLI prints packages as JSON, so `undefined` keys would show up as noise).
 */
export function sbomPackage(fields: { name: string | undefined; version?: string; purl?: string; fallbackType?: string; license?: string }): SbomPackage {
  const item: SbomPackage = { name: fields.name ?? '' };
  if (fields.version !== undefined) item.version = fields.version;
  const type = purlType(fields.purl) ?? fields.fallbackType;
  if (type !== undefined) item.type = type;
  if (fields.license !== undefined) item.license = fields.license;
  if (fields.purl !== undefined) item.purl = fields.purl;
  return item;
}

/** CycloneDX components and syft artifacts share `name`, `version`, `purl` and `type`; only their licences differ. */
export function componentPackage(entry: JsonObject, license: string | undefined): SbomPackage {
  return sbomPackage({ name: text(entry.name), version: text(entry.version), purl: text(entry.purl), fallbackType: text(entry.type), license });
}
