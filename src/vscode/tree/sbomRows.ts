import * as vscode from 'vscode';
import { groupPackages, licenceCounts, plural, type PackageGroup, type SbomPackage } from '../../core/supplychain';
import type { MountedSource } from '../sourceManager';
import { GroupItem, TextItem } from './groupItem';
import type { TreeNode } from './treeNode';

/** An SBOM's rows: its packages (grouped by type, letter and name range when many) and its licences. */
export function sbomRows(mounted: MountedSource, parent: TreeNode, packages: SbomPackage[]): TreeNode[] {
  if (packages.length === 0) return [];
  const count = plural(packages.length, 'package');
  const licences = licenceCounts(packages);
  return [
    new GroupItem(mounted, parent, 'Packages', { key: 'packages', icon: 'package', description: count, expanded: true }, (group) => packageLevel(mounted, group, groupPackages(packages))),
    new GroupItem(mounted, parent, 'Licences', { key: 'licences', icon: 'law', description: `${licences.length}` }, (group) =>
      licences.map(({ licence, count: uses }, index) => new TextItem(mounted, group, licence, { key: `${index}`, description: plural(uses, 'package'), icon: 'law' })),
    ),
  ];
}

function packageLevel(mounted: MountedSource, parent: TreeNode, level: { packages: SbomPackage[] } | { groups: PackageGroup[] }): TreeNode[] {
  if ('packages' in level) return level.packages.map((item, index) => packageRow(mounted, parent, item, index));
  return level.groups.map(
    (group, index) =>
      new GroupItem(mounted, parent, group.label, { key: `${index}:${group.label}`, icon: 'folder-library', description: plural(group.count, 'package') }, (row) =>
        packageLevel(mounted, row, group.packages ? { packages: group.packages } : { groups: group.groups ?? [] }),
      ),
  );
}

function packageRow(mounted: MountedSource, parent: TreeNode, item: SbomPackage, index: number): TreeNode {
  const description = [item.version, item.type, item.license].filter((part) => part !== undefined && part !== '').join(' · ');
  const tooltip = new vscode.MarkdownString(`**${escape(item.name || '(unnamed)')}**${item.version ? ` ${escape(item.version)}` : ''}\n\n`);
  if (item.type) tooltip.appendMarkdown(`type: ${escape(item.type)}  \n`);
  if (item.license) tooltip.appendMarkdown(`licence: ${escape(item.license)}  \n`);
  if (item.purl) tooltip.appendMarkdown(`purl: \`${item.purl.replace(/`/g, "'")}\``);
  return new TextItem(mounted, parent, item.name || '(unnamed)', { key: `${index}`, description, tooltip, icon: 'package', contextValue: 'package' });
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (character) => `\\${character}`);
}
