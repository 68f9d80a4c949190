import { arrayOrEmpty, isObject, subject, text, type JsonObject } from './jsonValue';
import { purlDigest } from './purl';
import { componentPackage } from './sbomPackage';
import type { SbomPackage, SubjectRef } from './types';

/** CycloneDX JSON (cyclonedx.org/docs/1.6/json): `bomFormat: "CycloneDX"`, `specVersion`, `components[]`. */
export function isCycloneDx(value: JsonObject): boolean {
  return value.bomFormat === 'CycloneDX';
}

export function cycloneDxFormat(value: JsonObject): string {
  const version = text(value.specVersion);
  return version ? `CycloneDX ${version}` : 'CycloneDX';
}

/** Components depth first, nested `components` included (assemblies list their parts there). */
function* walkComponents(value: JsonObject): Generator<JsonObject> {
  const stack: unknown[][] = [arrayOrEmpty(value.components)];
  const positions: number[] = [0];
  while (stack.length > 0) {
    const list = stack[stack.length - 1];
    const position = positions[positions.length - 1]++;
    if (position >= list.length) {
      stack.pop();
      positions.pop();
      continue;
    }
    const entry = list[position];
    if (!isObject(entry)) continue;
    yield entry;
    if (Array.isArray(entry.components) && entry.components.length > 0 && stack.length < 64) {
      stack.push(entry.components);
      positions.push(0);
    }
  }
}

export function cycloneDxComponentCount(value: JsonObject, problems: string[]): number {
  if (value.components !== undefined && !Array.isArray(value.components)) problems.push('CycloneDX "components" is not a list');
  let count = 0;
  for (const _component of walkComponents(value)) count++;
  return count;
}

export function cycloneDxVulnerabilityCount(value: JsonObject): number {
  return arrayOrEmpty(value.vulnerabilities).length;
}

/** `licenses: [{license: {id|name}} | {expression}]`, joined with ', ' (CycloneDX does not say AND or OR). */
function licenses(entry: JsonObject): string | undefined {
  const names: string[] = [];
  for (const choice of arrayOrEmpty(entry.licenses)) {
    if (!isObject(choice)) continue;
    const name = isObject(choice.license) ? (text(choice.license.id) ?? text(choice.license.name)) : text(choice.expression);
    if (name !== undefined) names.push(name);
  }
  return names.length > 0 ? names.join(', ') : undefined;
}

export function* cycloneDxPackages(value: JsonObject): Generator<SbomPackage> {
  for (const entry of walkComponents(value)) yield componentPackage(entry, licenses(entry));
}

/** The image a bare CycloneDX document describes: `metadata.component`, when its purl names a digest (trivy writes `pkg:oci/…@sha256:…`). */
export function cycloneDxSubjects(value: JsonObject): SubjectRef[] {
  const component = isObject(value.metadata) && isObject(value.metadata.component) ? value.metadata.component : undefined;
  const digest = purlDigest(text(component?.purl) ?? text(component?.['bom-ref']));
  return component && digest ? [subject(text(component.name), digest)] : [];
}
