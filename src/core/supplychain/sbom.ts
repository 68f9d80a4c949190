import { cycloneDxComponentCount, cycloneDxFormat, cycloneDxPackages, cycloneDxSubjects, cycloneDxVulnerabilityCount, isCycloneDx } from './cyclonedx';
import { isObject } from './jsonValue';
import { isSpdx2, isSpdx3, spdx3Packages, spdxFormat, spdxPackageCount, spdxPackages } from './spdx';
import { isSyftJson, syftFormat, syftPackages } from './syftJson';
import type { SbomPackage, SubjectRef } from './types';

/** An SBOM document recognised by its own fields, whatever wrapped it. */
export interface SbomDocument {
  format: string;
  packageCount: number;
  /** CycloneDX only: a BOM with vulnerabilities and no components is a vulnerability report (VDR/VEX). */
  vulnerabilityCount?: number;
  /** The image the document names itself (CycloneDX `metadata.component`), for bare documents. */
  subjects: SubjectRef[];
  packages: () => Generator<SbomPackage>;
}

export function readSbom(value: unknown, problems: string[]): SbomDocument | undefined {
  if (!isObject(value)) return undefined;
  if (isSpdx2(value)) {
    return { format: spdxFormat(value), packageCount: spdxPackageCount(value, problems), subjects: [], packages: () => spdxPackages(value) };
  }
  if (isCycloneDx(value)) {
    const vulnerabilityCount = cycloneDxVulnerabilityCount(value);
    const document: SbomDocument = { format: cycloneDxFormat(value), packageCount: cycloneDxComponentCount(value, problems), subjects: cycloneDxSubjects(value), packages: () => cycloneDxPackages(value) };
    if (vulnerabilityCount > 0) document.vulnerabilityCount = vulnerabilityCount;
    return document;
  }
  if (isSpdx3(value)) {
    let count = 0;
    for (const _package of spdx3Packages(value)) count++;
    return { format: 'SPDX 3', packageCount: count, subjects: [], packages: () => spdx3Packages(value) };
  }
  if (isSyftJson(value)) {
    return { format: syftFormat(value), packageCount: (value.artifacts as unknown[]).length, subjects: [], packages: () => syftPackages(value) };
  }
  return undefined;
}

/**
 * cosign's older attestations keep a predicate as `{"Data": "<the document as a string>"}`; the
 * SBOM is then inside that string.
 */
export function unwrapCosignData(predicate: unknown): unknown {
  if (!isObject(predicate) || typeof predicate.Data !== 'string') return predicate;
  try {
    return JSON.parse(predicate.Data) as unknown;
  } catch {
    return predicate;
  }
}
