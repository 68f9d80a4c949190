import * as vscode from 'vscode';
import { shortDigest } from '../../core/digest';
import type { ProvenanceDetails, SubjectRef } from '../../core/supplychain';
import { REVEAL_COMMAND } from '../digestLinks';
import { toImageUri } from '../imageUri';
import type { MountedSource } from '../sourceManager';
import { GroupItem, TextItem } from './groupItem';
import type { TreeNode } from './treeNode';

/** A row for a digest a statement names: when the source holds it, clicking reveals it in the tree. */
export function digestRow(mounted: MountedSource, parent: TreeNode, label: string, digest: string | undefined, key: string, icon: string): TreeNode {
  const node = digest ? mounted.nodes.get(digest) : undefined;
  if (!digest) return new TextItem(mounted, parent, label, { key, icon, description: 'no digest' });
  if (!node) {
    return new TextItem(mounted, parent, label, { key, icon, description: shortDigest(digest), tooltip: `${label}\n${digest}\n\nNot in ${mounted.label}.`, contextValue: 'text' });
  }
  const where = node.platform ? ` (${node.platform})` : '';
  return new TextItem(mounted, parent, label, {
    key,
    icon: 'link',
    description: `${shortDigest(digest)} · in this source${where}`,
    tooltip: `${label}\n${digest}\n\nIn ${mounted.label}${where}: click to reveal it in the Images view.`,
    command: { command: REVEAL_COMMAND, title: 'Reveal in Images View', arguments: [mounted.spec, digest] },
    graphNode: node,
    contextValue: 'reference digest',
  });
}

/** The images a statement is about; each links back to its image when the source holds it. */
export function subjectsGroup(mounted: MountedSource, parent: TreeNode, subjects: SubjectRef[]): TreeNode[] {
  if (subjects.length === 0) return [];
  return [
    new GroupItem(mounted, parent, 'Subjects', { key: 'subjects', icon: 'target', description: `${subjects.length}` }, (group) =>
      subjects.map((subject, index) => digestRow(mounted, group, subject.name || shortDigest(subject.digest), subject.digest, `${index}`, 'target')),
    ),
  ];
}

/** One row per fact that has a value: `[label, value, codicon]`; empty values are left out. */
export function factRows(mounted: MountedSource, parent: TreeNode, facts: Array<[label: string, value: string | undefined, icon: string]>): TreeNode[] {
  return facts.filter(([, value]) => value).map(([label, value, icon]) => new TextItem(mounted, parent, label, { key: label, description: value, icon }));
}

/** Builder, build type, materials, build args and the embedded Dockerfile of a SLSA provenance. */
export function provenanceRows(mounted: MountedSource, parent: TreeNode, details: ProvenanceDetails, blobDigest: string): TreeNode[] {
  const rows = factRows(mounted, parent, [
    ['Builder', details.builderId, 'tools'],
    ['Build type', details.buildType, 'symbol-class'],
    ['Frontend', details.frontend, 'symbol-method'],
    ['Builder platform', details.builderPlatform, 'vm'],
    ['Config source', [details.configSource?.uri, details.configSource?.entryPoint].filter(Boolean).join(' · '), 'repo'],
    ['Started', details.startedOn, 'calendar'],
    ['Finished', details.finishedOn, 'calendar'],
    ...Object.entries(details.vcs ?? {}).map(([key, value]): [string, string, string] => [`VCS ${key}`, value, 'source-control']),
  ]);
  details.sources.forEach((source, index) => {
    const title = source.filename ?? `source ${index + 1}`;
    const uri = toImageUri({ source: mounted.spec, target: { type: 'attestation', digest: blobDigest, part: `source-${index}`, title } });
    rows.push(new TextItem(mounted, parent, title, { key: `source-${index}`, icon: 'file-code', description: `embedded ${source.language ?? 'source'}`, command: { command: 'vscode.open', title: 'Open', arguments: [uri] }, tooltip: 'The source BuildKit embedded in the provenance (mode=max): open it' }));
  });
  if (details.materials.length > 0) {
    rows.push(
      new GroupItem(mounted, parent, 'Materials', { key: 'materials', icon: 'references', description: `${details.materials.length}`, expanded: true }, (group) =>
        details.materials.map((material, index) => digestRow(mounted, group, material.uri || '(no uri)', material.digest, `${index}`, 'package')),
      ),
    );
  }
  argumentsGroup(mounted, parent, rows, 'Build args', 'buildArgs', details.buildArgs);
  argumentsGroup(mounted, parent, rows, 'Frontend args', 'frontendArgs', details.frontendArgs);
  return rows;
}

function argumentsGroup(mounted: MountedSource, parent: TreeNode, rows: TreeNode[], label: string, key: string, values: Record<string, string>): void {
  const entries = Object.entries(values);
  if (entries.length === 0) return;
  rows.push(new GroupItem(mounted, parent, label, { key, icon: 'symbol-variable', description: `${entries.length}` }, (group) => entries.map(([name, value]) => new TextItem(mounted, group, name, { key: name, description: value, icon: 'symbol-variable', tooltip: new vscode.MarkdownString().appendCodeblock(`${name}=${value}`, 'text') }))));
}
