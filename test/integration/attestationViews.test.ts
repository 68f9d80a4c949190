/**
 * A generated multi-platform image (SPDX SBOM and SLSA provenance per platform, from real corpus
 * statements; see test/unit/support/attestedLayouts.ts), checked in the real VS Code: the tree
 * through the extension's API, decoded documents, the link and hover providers, and the summary view.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TreeRow } from '../../src/vscode/api';
import { ALPINE_ATTESTATIONS, writeAttestedLayout, type AttestedLayout } from '../unit/support/attestedLayouts';
import { fromImageUri } from '../../src/vscode/imageUri';
import { api, repoRoot } from './support';
import { findRow, rowAt } from './treeRows';

const corpus = process.env.CIE_CORPUS ?? path.resolve(repoRoot, '../shared/corpus');

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : 'value' in content ? content.value : ''))).join('\n');
}

const uriOf = (row: TreeRow): vscode.Uri => {
  assert.equal(row.command?.command, 'vscode.open', `${row.label} opens a document`);
  return row.command!.arguments![0] as vscode.Uri;
};

describe('attestation views on a generated multi-platform image', function () {
  this.timeout(120_000);
  let scratch: string;
  let layout: AttestedLayout;
  let imageRows: Record<string, TreeRow>;

  before(async function () {
    if (!existsSync(path.join(corpus, ALPINE_ATTESTATIONS))) {
      console.log(`corpus not found at ${corpus}: attestation view tests skipped`);
      this.skip();
    }
    scratch = mkdtempSync(path.join(tmpdir(), 'cie-attested-'));
    layout = writeAttestedLayout(corpus, path.join(scratch, 'attested-layout'));
    const explorer = await api();
    await explorer.open(layout.directory);
    const source = (await explorer.treeRoots()).find((row) => row.label === 'attested-layout');
    assert.ok(source, 'the layout is a root of the Images view');
    const app = await rowAt(await source.children(), 'example.com/app:1');
    imageRows = {};
    for (const row of await app.children()) imageRows[row.label] = row;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (layout) await (await api()).close(layout.directory);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('shows one row per platform and no unknown/unknown one; each has an SBOM and a provenance', async () => {
    assert.deepEqual(Object.keys(imageRows).sort(), ['linux/amd64', 'linux/arm64']);
    for (const [platform, row] of Object.entries(imageRows)) {
      assert.equal(row.digest, layout.images[platform]);
      const statements = await (await rowAt(await row.children(), 'Attestations')).children();
      assert.deepEqual(
        statements.map((statement) => statement.label),
        [`SBOM (SPDX 2.3) · ${layout.packageCount} packages`, `Provenance (SLSA v0.2) · buildkit · https://github.com/docker-library${platform === 'linux/arm64' ? ' · signed (DSSE)' : ''}`],
      );
    }
  });

  it('an SBOM expands to its subject (linking back to the image), its packages and its licences', async () => {
    const sbom = await rowAt(await imageRows['linux/amd64'].children(), 'Attestations', /^SBOM/);
    const children = await sbom.children();
    assert.deepEqual(children.map((row) => row.label), ['Subjects', 'Packages', 'Licences']);
    const [subject] = await children[0].children();
    assert.deepEqual(subject.command, { command: 'containerImageExplorer.revealDigest', arguments: [layout.directory, layout.images['linux/amd64']] });
    assert.match(subject.description ?? '', /in this source \(linux\/amd64\)/);
    assert.equal(subject.digest, layout.images['linux/amd64']);
    const packages = await children[1].children();
    assert.equal(packages.length, layout.packageCount);
    const baselayout = packages.find((row) => row.label === 'alpine-baselayout');
    assert.equal(baselayout?.description, '3.7.1-r8 · apk · GPL-2.0-only');
    const licences = await children[2].children();
    assert.ok(licences.some((row) => row.label === 'GPL-2.0-only'), JSON.stringify(licences.map((row) => row.label)));
    await vscode.commands.executeCommand(subject.command!.command, ...(subject.command!.arguments ?? []));
  });

  it('a provenance expands to builder, build type, materials (the base image linked), build args and the Dockerfile', async () => {
    const provenance = await rowAt(await imageRows['linux/amd64'].children(), 'Attestations', /^Provenance/);
    const children = await provenance.children();
    const labels = children.map((row) => row.label);
    for (const label of ['Subjects', 'Builder', 'Build type', 'Frontend', 'Dockerfile', 'Materials', 'Build args']) assert.ok(labels.includes(label), `${label} in ${JSON.stringify(labels)}`);
    assert.equal(children.find((row) => row.label === 'Build type')?.description, 'https://mobyproject.org/buildkit@v1');
    const materials = await children.find((row) => row.label === 'Materials')!.children();
    assert.equal(materials[0].label, 'pkg:docker/example.com/base@1?platform=linux%2Famd64');
    assert.deepEqual(materials[0].command?.arguments, [layout.directory, layout.base]);
    assert.match(materials[0].description ?? '', /in this source/);
    assert.match(materials[1].description ?? '', /^13c89fb6085a/);
    assert.equal(materials[1].command, undefined, 'a material the source does not hold is not a link');
    const buildArgs = await children.find((row) => row.label === 'Build args')!.children();
    assert.ok(buildArgs.some((row) => row.label === 'BUILDKIT_SYNTAX'));
    const dockerfile = await vscode.workspace.openTextDocument(uriOf(children.find((row) => row.label === 'Dockerfile')!));
    assert.equal(dockerfile.getText(), 'FROM scratch\nADD alpine-minirootfs-3.23.2-aarch64.tar.gz /\nCMD ["/bin/sh"]\n');
    assert.equal(dockerfile.languageId, 'dockerfile');
  });

  it('a DSSE-wrapped statement opens decoded; its subject and material digests are links with hovers; the envelope opens raw', async () => {
    const provenance = await rowAt(await imageRows['linux/arm64'].children(), 'Attestations', /^Provenance/);
    const document = await vscode.workspace.openTextDocument(uriOf(provenance));
    const text = document.getText();
    const statement = JSON.parse(text) as { _type: string; subject: Array<{ digest: { sha256: string } }> };
    assert.equal(statement._type, 'https://in-toto.io/Statement/v0.1');
    const subjectHex = layout.images['linux/arm64'].slice(7);
    assert.equal(statement.subject[0].digest.sha256, subjectHex);
    assert.ok(text.includes('\n  "subject": [\n'), 'indented');

    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', document.uri);
    const subjectLink = links.find((link) => document.getText(link.range) === subjectHex);
    assert.ok(subjectLink?.target, 'subject[].digest.sha256 is a link');
    assert.ok(subjectLink.target.path.includes(layout.images['linux/arm64']), subjectLink.target.toString());
    const baseLink = links.find((link) => document.getText(link.range) === layout.base.slice(7));
    assert.ok(baseLink?.target?.path.includes(layout.base), 'the base image material is a link to it');

    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, subjectLink.range.start.translate(0, 5)));
    assert.match(hover, /\*\*Image\*\* · linux\/arm64/);
    assert.match(hover, /present \| yes/);

    const envelopeRow = (await provenance.children()).find((row) => row.label === 'Envelope');
    assert.equal(envelopeRow?.description, 'DSSE · application/vnd.in-toto+json · 1 signature · key fixture-key');

    const envelope = await vscode.workspace.openTextDocument((await api()).blobUri(layout.directory, layout.provenances['linux/arm64']));
    assert.equal(JSON.parse(envelope.getText()).payloadType, 'application/vnd.in-toto+json');
    await vscode.commands.executeCommand('containerImageExplorer.openAttestationEnvelope', provenance.handle);
    assert.equal(vscode.window.activeTextEditor?.document.uri.path.includes(`/blob/${layout.provenances['linux/arm64']}/`), true, vscode.window.activeTextEditor?.document.uri.toString());
  });

  it('the summary view renders the SBOM (packages, licences) and the provenance (builder, materials)', async () => {
    const statements = await rowAt(await imageRows['linux/amd64'].children(), 'Attestations');
    const [sbom, provenance] = await statements.children();
    const sbomSummary = await vscode.commands.executeCommand<{ title: string; model: { packages: unknown[]; licences: Array<{ licence: string }> } }>('containerImageExplorer.showAttestationSummary', sbom.handle);
    assert.equal(sbomSummary.model.packages.length, layout.packageCount);
    assert.ok(sbomSummary.model.licences.some((entry) => entry.licence === 'GPL-2.0-only'));
    const provenanceSummary = await vscode.commands.executeCommand<{ title: string; model: { facts: Array<[string, string]>; materials: Array<{ name: string; inSource?: string }> } }>('containerImageExplorer.showAttestationSummary', provenance.handle);
    assert.ok(provenanceSummary.model.facts.some(([label, value]) => label === 'Build type' && value === 'https://mobyproject.org/buildkit@v1'));
    assert.equal(provenanceSummary.model.materials[0].inSource, 'linux/amd64');
    const summaryTabs = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('containerImageExplorer.attestationSummary'));
    for (let attempt = 0; attempt < 50 && summaryTabs().length < 2; attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
    const all = vscode.window.tabGroups.all.flatMap((group) => group.tabs).map((tab) => `${tab.label} ${tab.input && typeof tab.input === 'object' && 'viewType' in tab.input ? String(tab.input.viewType) : ''}`);
    assert.deepEqual(summaryTabs().map((tab) => tab.label).sort(), [provenanceSummary.title, sbomSummary.title].sort(), JSON.stringify(all));
  });

  it('attestation URIs round-trip, and a part the statement lacks fails with a message that says so', async () => {
    const dockerfileRow = (await (await rowAt(await imageRows['linux/amd64'].children(), 'Attestations', /^Provenance/)).children()).find((row) => row.label === 'Dockerfile')!;
    const uri = uriOf(dockerfileRow);
    assert.deepEqual(fromImageUri(vscode.Uri.parse(uri.toString())), { source: layout.directory, target: { type: 'attestation', digest: layout.provenances['linux/amd64'], part: 'source-0', title: 'Dockerfile' } });
    const missing = uri.with({ path: uri.path.replace('/source-0/', '/source-7/') });
    await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(missing)), /embeds no source file number 8/);
    assert.equal(fromImageUri(uri.with({ path: uri.path.replace('/source-0/', '/../') })), undefined, 'an unknown part is not an address');
  });

  it('finds no unknown/unknown row anywhere in the source', async () => {
    const explorer = await api();
    const source = (await explorer.treeRoots()).find((row) => row.label === 'attested-layout');
    const unknown = await findRow(await source!.children(), (row) => /unknown\/unknown/.test(`${row.label} ${row.description ?? ''}`), 3);
    assert.equal(unknown, undefined);
  });
});
