import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TreeRow } from '../../src/vscode/api';
import type { BlobPlace } from '../../src/vscode/revealBlob';
import { writeManyFilesLayout } from '../support/gzipLayerLayout';
import { api, repoRoot, sample } from './support';

const SAMPLE_LAYER = 'sha256:d5e99dc0fe90263e3e6a51e54e1a8f6b2b550d7525cab398dd24927e08a5fae4';
const SAMPLE_MANIFEST = 'sha256:b79db4b7d6a7c2007dc7056dc101106dba6b5635849cff3609d071f6aca703e1';
const fixtures = process.env.CIE_FIXTURES ?? path.join(repoRoot, 'test/fixtures/generated');

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function rowPath(rows: TreeRow[], ...labels: Array<string | RegExp>): Promise<TreeRow> {
  let row: TreeRow | undefined;
  for (const label of labels) {
    row = rows.find((candidate) => (typeof label === 'string' ? candidate.label === label : label.test(candidate.label)));
    assert.ok(row, `a row ${label} among ${rows.map((candidate) => candidate.label).join(' | ')}`);
    rows = await row.children();
  }
  return row!;
}

async function sourceRows(label: string): Promise<TreeRow[]> {
  return (await (await api()).treeRoots()).filter((row) => row.label === label);
}

// The bullets of issue 5 about rows, menus, tabs and the file system, each checked in VS Code.
describe('tree rows, tab titles and file system details', function () {
  this.timeout(90_000);

  before(function () {
    if (!existsSync(sample)) this.skip();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Reveal Blob names the byte range of a blob inside an archive; the bytes there hash to its digest', async () => {
    const explorer = await api();
    await explorer.open(sample);
    const layer = await rowPath(await sourceRows('sample-image.tar'), 'sample-image.tar', 'docker.io/sample/hello:1.0', 'Layers', /^COPY base\//);
    assert.equal(layer.digest, SAMPLE_LAYER);
    const place = await vscode.commands.executeCommand<BlobPlace>('containerImageExplorer.revealBlob', layer.handle);
    const range = place.description.match(/is stored in sample-image\.tar at bytes (\d+)–(\d+)/);
    assert.ok(range, place.description);
    assert.equal(place.container, sample);
    assert.equal(sha256(readFileSync(sample).subarray(Number(range[1]), Number(range[2]))), SAMPLE_LAYER);
  });

  it("Reveal Blob names a layout blob's own file", async () => {
    const layout = path.join(fixtures, 'oci-layout');
    if (!existsSync(layout)) return;
    const explorer = await api();
    const graph = await explorer.open(layout);
    const config = graph.nodes.find((node) => node.kind === 'config')!;
    const rows = await sourceRows('oci-layout');
    const image = (await rows[0].children()).find((row) => row.digest !== undefined)!;
    const configRow = (await image.children()).find((row) => row.label === 'Config')!;
    const place = await vscode.commands.executeCommand<BlobPlace>('containerImageExplorer.revealBlob', configRow.handle);
    assert.equal(place.file, path.join(layout, 'blobs/sha256', config.digest.slice(7)), place.description);
    assert.equal(sha256(readFileSync(place.file!)), config.digest);
  });

  it('Open to the Side opens a layer file beside the current editor', async () => {
    const explorer = await api();
    await explorer.open(sample);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(explorer.blobUri(sample, SAMPLE_MANIFEST)));
    const layer = await rowPath(await sourceRows('sample-image.tar'), 'sample-image.tar', 'docker.io/sample/hello:1.0', 'Layers', /^COPY base\//);
    const release = (await (await layer.children()).find((row) => row.label === 'etc')!.children()).find((row) => row.label === 'os-release')!;
    assert.equal(release.contextValue, 'file regular');
    await vscode.commands.executeCommand('containerImageExplorer.openNodeToSide', release.handle);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.viewColumn, vscode.ViewColumn.Two);
    assert.equal(editor.document.uri.toString(), explorer.fileUri(sample, { layer: SAMPLE_LAYER }, 'etc/os-release').toString());
    assert.match(editor.document.getText(), /^NAME="Sample Linux"/);
  });

  it('tab titles say what a document is: config linux/amd64, manifest <short digest>, the file name', async () => {
    const explorer = await api();
    const graph = await explorer.open(sample);
    const config = graph.nodes.find((node) => node.kind === 'config')!;
    const expected: Array<[vscode.Uri, string]> = [
      [explorer.blobUri(sample, config.digest), 'config linux\u2215amd64.json'],
      [explorer.blobUri(sample, SAMPLE_MANIFEST), 'manifest b79db4b7.json'],
      [explorer.fileUri(sample, { layer: SAMPLE_LAYER }, 'etc/os-release'), 'os-release'],
    ];
    for (const [uri, title] of expected) {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab?.label, title);
    }
  });

  it('tooltips are markdown with the full digest, media type, Dockerfile step and file details', async () => {
    const explorer = await api();
    await explorer.open(sample);
    const image = await rowPath(await sourceRows('sample-image.tar'), 'sample-image.tar', 'docker.io/sample/hello:1.0');
    assert.equal(image.tooltip?.markdown, true);
    assert.match(image.tooltip!.text, new RegExp(SAMPLE_MANIFEST));
    assert.match(image.tooltip!.text, /application\/vnd\.docker\.distribution\.manifest\.v2\+json/);
    const layer = await rowPath(await sourceRows('sample-image.tar'), 'sample-image.tar', 'docker.io/sample/hello:1.0', 'Layers', /^COPY base\//);
    assert.equal(layer.tooltip?.markdown, true);
    assert.match(layer.tooltip!.text, new RegExp(SAMPLE_LAYER));
    assert.match(layer.tooltip!.text, /created by \| `COPY base\/ \/ # README, os-release, hello\.sh`/);
    const readme = (await layer.children()).find((row) => row.label === 'README.md')!;
    assert.equal(readme.tooltip?.markdown, true);
    assert.match(readme.tooltip!.text, /`\/README\.md`[\s\S]*file, 619 B, mode 0644, uid 0, gid 0, modified 2023-11-14T22:13:20\.000Z/);
  });

  it('misses are FileNotFound errors that name the path, the digest and the source', async () => {
    const explorer = await api();
    await explorer.open(sample);
    const missingFile = explorer.fileUri(sample, { layer: SAMPLE_LAYER }, 'etc/no-such-file');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(missingFile)), (error: unknown) => {
      assert.ok(error instanceof vscode.FileSystemError && error.code === 'FileNotFound', String(error));
      assert.match(error.message, /etc\/no-such-file/);
      assert.match(error.message, /sample-image\.tar/);
      return true;
    });
    const missingBlob = explorer.blobUri(sample, `sha256:${'1'.repeat(64)}`);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(missingBlob)), (error: unknown) => {
      assert.ok(error instanceof vscode.FileSystemError && error.code === 'FileNotFound', String(error));
      assert.match(error.message, /sha256:1{64}/);
      assert.match(error.message, /sample-image\.tar/);
      return true;
    });
    const gone = path.join(tmpdir(), 'cie-no-such-archive.tar');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(explorer.blobUri(gone, SAMPLE_MANIFEST))), (error: unknown) => {
      assert.ok(error instanceof vscode.FileSystemError && error.code === 'FileNotFound', String(error));
      assert.match(error.message, /cie-no-such-archive\.tar/);
      return true;
    });
  });

  it('stat and readDirectory answer from indexes: they work on an archive whose bytes are gone, readFile does not', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'cie-stat-'));
    const copy = path.join(directory, 'copy.tar');
    copyFileSync(sample, copy);
    try {
      const explorer = await api();
      await explorer.open(copy);
      const layerRoot = explorer.fileUri(copy, { layer: SAMPLE_LAYER }, '');
      assert.ok((await vscode.workspace.fs.readDirectory(layerRoot)).length > 0, 'indexes the layer');
      truncateSync(copy, 0);
      const readme = explorer.fileUri(copy, { layer: SAMPLE_LAYER }, 'README.md');
      assert.equal((await vscode.workspace.fs.stat(readme)).size, 619);
      assert.deepEqual((await vscode.workspace.fs.readDirectory(explorer.fileUri(copy, { layer: SAMPLE_LAYER }, 'etc'))).map(([name]) => name).sort(), ['hostname', 'os-release']);
      assert.equal((await vscode.workspace.fs.stat(explorer.blobUri(copy, SAMPLE_LAYER))).size, 8704);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(readme)), 'reading the data needs the bytes that are gone');
    } finally {
      await (await api()).close(copy);
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('a directory of 1,200 entries is shown 500 rows at a time', async () => {
    const layout = mkdtempSync(path.join(tmpdir(), 'cie-many-'));
    try {
      writeManyFilesLayout(layout, 1200);
      const explorer = await api();
      await explorer.open(layout);
      const label = path.basename(layout);
      const many = await rowPath(await sourceRows(label), label, 'many', 'Layers', /^COPY many\//, 'many');
      const first = await many.children();
      assert.equal(first.length, 501);
      assert.equal(first[0].label, 'file-00000');
      assert.equal(first[499].label, 'file-00499');
      assert.equal(first[500].label, '700 more…');
      assert.equal(first[500].description, 'entries 501–1000 of 1200');
      const second = await first[500].children();
      assert.equal(second.length, 501);
      assert.equal(second[0].label, 'file-00500');
      assert.equal(second[500].label, '200 more…');
      const third = await second[500].children();
      assert.deepEqual([third.length, third[0].label, third[199].label], [200, 'file-01000', 'file-01199']);
      await explorer.close(layout);
    } finally {
      rmSync(layout, { recursive: true, force: true });
    }
  });

  it('Copy Reference copies name@digest; Open in Container Image Explorer (Explorer menu) mounts what was selected', async () => {
    const explorer = await api();
    await explorer.open(sample);
    const image = await rowPath(await sourceRows('sample-image.tar'), 'sample-image.tar', 'docker.io/sample/hello:1.0');
    await vscode.commands.executeCommand('containerImageExplorer.copyReference', image.handle);
    assert.equal(await vscode.env.clipboard.readText(), `docker.io/sample/hello@${SAMPLE_MANIFEST}`);
    const archive = path.join(fixtures, 'oci-archive.tar');
    if (!existsSync(archive)) return;
    await explorer.close(archive);
    await vscode.commands.executeCommand('containerImageExplorer.openInExplorer', vscode.Uri.file(archive), [vscode.Uri.file(archive)]);
    assert.ok(explorer.sources().includes(archive), explorer.sources().join(', '));
  });
});
