/**
 * The corpus sources the supply-chain issue lists, opened in the real VS Code: every statement is
 * under its image's Attestations group, labelled by what it is; no row says unknown/unknown; a
 * statement's decoded document links its subject digests to the image they name.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TreeRow } from '../../src/vscode/api';
import { api, repoRoot } from './support';

const corpus = process.env.CIE_CORPUS ?? path.resolve(repoRoot, '../shared/corpus');

/** Each source, and the labels of the statements under its images' Attestations groups, in tree order. */
const SOURCES: Array<{ location: string; labels: RegExp[] }> = [
  { location: 'docker__attest/test/testdata/no-provenance-index', labels: [/^SBOM \(SPDX 2\.3\) · 1 package$/, /^SBOM \(SPDX 2\.3\) · 1 package$/] },
  { location: 'docker__attest/test/testdata/containerd-subject-layout', labels: [/^SBOM \(SPDX 2\.3\) · \d+ packages?$/] },
  { location: 'snyk__snyk-docker-plugin/test/fixtures/containerd-archives/busybox-single-arch-with-attestation-manifest.tar', labels: [/^Provenance \(SLSA v0\.2\) · buildkit$/] },
  { location: 'notaryproject__notation/test/e2e/testdata/registry/oci_layout/e2e-with-timestamped-signature', labels: [/^Signature \(notation\) · CN=testcert7$/] },
  // Referrers on indexes, images and artifacts: an example SBOM, signatures, and artifacts known only by their types.
  { location: 'regclient__regclient/testdata/testrepo', labels: Array.from({ length: 9 }, () => /^(SBOM|Signature|Artifact) \(application\/[a-z.+-]+\)$/) },
];

/** Every row down to `depth` levels, with the rows above it. */
async function allRows(rows: TreeRow[], depth: number, trail: TreeRow[] = []): Promise<Array<{ row: TreeRow; trail: TreeRow[] }>> {
  const found: Array<{ row: TreeRow; trail: TreeRow[] }> = [];
  for (const row of rows) {
    found.push({ row, trail });
    // Layers and files are not what this test is about, and a statement's own rows are checked separately.
    if (depth > 0 && row.collapsible && !['Layers', 'Filesystem', 'Config'].includes(row.label) && trail.at(-1)?.label !== 'Attestations') {
      found.push(...(await allRows(await row.children(), depth - 1, [...trail, row])));
    }
  }
  return found;
}

describe('corpus sources with attestations in the Images view', function () {
  this.timeout(120_000);
  before(function () {
    if (!existsSync(path.join(corpus, SOURCES[0].location))) {
      console.log(`corpus not found at ${corpus}: corpus attestation tests skipped`);
      this.skip();
    }
  });

  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  for (const { location, labels } of SOURCES) {
    it(`${location.split('/').at(-1)}: statements labelled and linked, no unknown/unknown`, async () => {
      const explorer = await api();
      const spec = path.join(corpus, location);
      await explorer.open(spec);
      try {
        const source = (await explorer.treeRoots()).find((row) => row.label === path.basename(spec));
        assert.ok(source);
        const rows = await allRows(await source.children(), 6);
        const unknown = rows.filter(({ row }) => /unknown\/unknown/.test(`${row.label} ${row.description ?? ''}`));
        assert.deepEqual(unknown.map(({ row }) => row.label), []);
        // An image the tree shows in two places (under two tags, or a looping index) shows its statements twice: count each once.
        const seen = new Set<string>();
        const statements = rows.filter(({ row, trail }) => {
          const key = `${trail.at(-2)?.digest} ${row.description}`;
          if (trail.at(-1)?.label !== 'Attestations' || seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        assert.equal(statements.length, labels.length, JSON.stringify(statements.map(({ row }) => row.label)));
        for (const [index, { row, trail }] of statements.entries()) {
          assert.match(row.label, labels[index]);
          const image = trail.at(-2);
          assert.ok(image?.digest, `${row.label} sits under an image row`);
          if (row.command === undefined && /^Artifact/.test(row.label)) continue; // an index referrer: no layer to read
          assert.equal(row.command?.command, 'vscode.open', `${row.label} opens`);
          const document = await vscode.workspace.openTextDocument(row.command!.arguments![0] as vscode.Uri);
          const hex = image.digest.slice('sha256:'.length);
          if (!document.getText().includes(hex)) continue; // a signature that names its subject only in the manifest
          const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', document.uri);
          const subjectLinks = links.filter((link) => document.getText(link.range).endsWith(hex));
          assert.ok(subjectLinks.length > 0, `${row.label}: its subject ${image.digest} is a link`);
          for (const link of subjectLinks) assert.ok(link.target?.path.includes(image.digest) || decodeURIComponent(link.target?.query ?? '').includes(image.digest), link.target?.toString());
        }
      } finally {
        await explorer.close(spec);
      }
    });
  }

  it('a notation signature expands to its signer: certificate, signing time, timestamp', async () => {
    const explorer = await api();
    const spec = path.join(corpus, SOURCES[3].location);
    await explorer.open(spec);
    try {
      const source = (await explorer.treeRoots()).find((row) => row.label === path.basename(spec));
      const rows = await allRows(await source!.children(), 4);
      const signature = rows.find(({ row, trail }) => trail.at(-1)?.label === 'Attestations' && row.label.startsWith('Signature (notation)'));
      assert.ok(signature);
      const details = await signature.row.children();
      const byLabel = new Map(details.map((row) => [row.label, row]));
      assert.equal(byLabel.get('Certificate')?.description, 'CN=testcert7, O=Notary, L=Seattle, ST=WA, C=US');
      assert.equal(byLabel.get('Timestamp')?.description, 'countersigned (RFC 3161)');
      assert.equal(byLabel.get('Signing scheme')?.description, 'notary.x509');
      assert.match(byLabel.get('Signing time')?.description ?? '', /^20\d\d-/);
      const certificate = await byLabel.get('Certificate')!.children();
      assert.ok(certificate.some((row) => row.label === 'Issuer'), JSON.stringify(certificate.map((row) => row.label)));
    } finally {
      await explorer.close(spec);
    }
  });
});
