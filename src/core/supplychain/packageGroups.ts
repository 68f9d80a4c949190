import type { SbomPackage } from './types';

/** A heading over packages: by type first (`deb`, `npm`), then by first letter, then by name range. */
export interface PackageGroup {
  label: string;
  count: number;
  /** Either packages (a leaf group) or smaller groups. */
  packages?: SbomPackage[];
  groups?: PackageGroup[];
}

/** Packages without a type sort last, under this heading. */
export const UNTYPED = '(no type)';

const byName = (left: SbomPackage, right: SbomPackage) => compare(left.name.toLowerCase(), right.name.toLowerCase()) || compare(left.version ?? '', right.version ?? '');
const compare = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);

/**
 * Arranges packages so that no level holds more than `maxRows` rows, which keeps a tree view of a
 * 50k-package SBOM responsive: a flat, sorted list when they fit; else one group per package type;
 * a type that is still too large splits by first letter, and a letter by name ranges.
 */
export function groupPackages(packages: readonly SbomPackage[], maxRows = 200): { packages: SbomPackage[] } | { groups: PackageGroup[] } {
  const sorted = [...packages].sort(byName);
  if (sorted.length <= maxRows) return { packages: sorted };
  const types = partition(sorted, (item) => item.type ?? UNTYPED);
  if (types.size === 1) return { groups: splitLarge(sorted, maxRows) };
  const groups = [...types.entries()]
    .sort(([left], [right]) => (left === UNTYPED ? 1 : right === UNTYPED ? -1 : compare(left, right)))
    .map(([type, members]): PackageGroup => (members.length <= maxRows ? { label: type, count: members.length, packages: members } : { label: type, count: members.length, groups: splitLarge(members, maxRows) }));
  return { groups: nestWhileTooMany(groups, maxRows) };
}

/** Sorted packages that are too many for one level: by first letter, and a letter that is still too large by name range. */
function splitLarge(sorted: SbomPackage[], maxRows: number): PackageGroup[] {
  const letters = partition(sorted, (item) => firstLetter(item.name));
  const groups: PackageGroup[] = [];
  for (const [letter, members] of letters) {
    if (members.length <= maxRows) groups.push({ label: letter, count: members.length, packages: members });
    else groups.push({ label: letter, count: members.length, groups: nestWhileTooMany(ranges(members, maxRows), maxRows) });
  }
  return nestWhileTooMany(groups, maxRows);
}

/** Name ranges of at most `maxRows` packages: `libaa … libcz`. */
function ranges(sorted: SbomPackage[], maxRows: number): PackageGroup[] {
  const groups: PackageGroup[] = [];
  for (let start = 0; start < sorted.length; start += maxRows) {
    const members = sorted.slice(start, start + maxRows);
    groups.push({ label: `${members[0].name} … ${members[members.length - 1].name}`, count: members.length, packages: members });
  }
  return groups;
}

/** More groups than rows allowed (a million packages of one letter): put them under range headings too. */
function nestWhileTooMany(groups: PackageGroup[], maxRows: number): PackageGroup[] {
  let level = groups;
  while (level.length > maxRows) {
    const nested: PackageGroup[] = [];
    for (let start = 0; start < level.length; start += maxRows) {
      const members = level.slice(start, start + maxRows);
      nested.push({ label: `${members[0].label} … ${members[members.length - 1].label}`, count: members.reduce((total, group) => total + group.count, 0), groups: members });
    }
    level = nested;
  }
  return level;
}

function firstLetter(name: string): string {
  const letter = name.charAt(0).toLowerCase();
  return /[a-z]/.test(letter) ? letter : /[0-9]/.test(letter) ? '0–9' : '#';
}

function partition(packages: SbomPackage[], keyOf: (item: SbomPackage) => string): Map<string, SbomPackage[]> {
  const groups = new Map<string, SbomPackage[]>();
  for (const item of packages) {
    const key = keyOf(item);
    const members = groups.get(key);
    if (members) members.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** How many packages carry each licence, most used first; packages without one count under '(none)'. */
export function licenceCounts(packages: Iterable<SbomPackage>): Array<{ licence: string; count: number }> {
  const counts = new Map<string, number>();
  for (const item of packages) {
    const licence = item.license ?? '(none)';
    counts.set(licence, (counts.get(licence) ?? 0) + 1);
  }
  return [...counts.entries()].map(([licence, count]) => ({ licence, count })).sort((left, right) => right.count - left.count || compare(left.licence, right.licence));
}
