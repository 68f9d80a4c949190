import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, sample } from './support';
import { openSource } from '../../src/core/sources/openSource';
import { readBlob } from '../../src/core/sources/readBlob';

describe('sources and documents in a real VS Code', function () {
  this.timeout(60_000);

  before(function () {
    console.log(`VS Code ${vscode.version}, extension host Node ${process.version}`);
    if (!existsSync(sample)) this.skip();
  });

  it('mounts the sample archive and shows it in the Images view', async () => {
    const explorer = await api();
    const graph = await explorer.open(sample);
    assert.ok(graph.nodes.some((node) => node.kind === 'manifest'), 'has an image manifest');
    assert.ok(explorer.sources().includes(sample));
    const roots = await explorer.treeRoots();
    const row = roots.find((candidate) => candidate.label === 'sample-image.tar');
    assert.ok(row, `a root row for the sample, got ${roots.map((candidate) => candidate.label).join(', ')}`);
    const images = await row.children();
    assert.ok(images.length > 0, 'the source row has children');
  });

  it('opens a manifest from the container-image: scheme with the exact blob bytes', async () => {
    const explorer = await api();
    const graph = await explorer.open(sample);
    const manifest = graph.nodes.find((node) => node.kind === 'manifest');
    assert.ok(manifest);
    const uri = explorer.blobUri(sample, manifest.digest);
    assert.equal(uri.scheme, 'container-image');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'json');
    const source = await openSource(sample);
    try {
      const expected = await readBlob(source, manifest.digest, 1 << 20);
      assert.equal(document.getText(), expected.toString('utf8'));
      const bytes = await vscode.workspace.fs.readFile(uri);
      assert.deepEqual(Buffer.from(bytes), expected);
      const stat = await vscode.workspace.fs.stat(uri);
      assert.equal(stat.size, expected.length);
    } finally {
      await source.close();
    }
  });

  it('answers FileNotFound for a digest the source does not hold', async () => {
    const explorer = await api();
    const uri = explorer.blobUri(sample, `sha256:${'0'.repeat(64)}`);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(uri)), (error: unknown) => error instanceof vscode.FileSystemError && error.code === 'FileNotFound');
  });

  it('re-mounts a source on demand when a URI is read after it was closed (window reload)', async () => {
    const explorer = await api();
    const graph = await explorer.open(sample);
    const config = graph.nodes.find((node) => node.kind === 'config');
    assert.ok(config);
    const uri = explorer.blobUri(sample, config.digest);
    await explorer.close(sample);
    assert.ok(!explorer.sources().includes(sample));
    const bytes = await vscode.workspace.fs.readFile(uri);
    assert.equal(bytes.length, config.size);
    assert.ok(explorer.sources().includes(sample), 'reading the URI mounted the source again');
  });

  it('runs contributed commands: refresh keeps the source, Copy Digest copies, Close Source removes it', async () => {
    const explorer = await api();
    const before = await explorer.open(sample);
    // A copy that disappears before the refresh: it is closed (and reported), the sample re-read.
    const vanishing = path.join(os.tmpdir(), `cie-refresh-${process.pid}.tar`);
    copyFileSync(sample, vanishing);
    await explorer.open(vanishing);
    rmSync(vanishing);
    await vscode.commands.executeCommand('containerImageExplorer.refresh');
    assert.ok(explorer.sources().includes(sample));
    assert.notEqual(await explorer.open(sample), before, 'refresh read the sample again');
    assert.ok(!explorer.sources().includes(vanishing), 'a source that cannot be opened again is closed');
    const row = (await explorer.treeRoots()).find((candidate) => candidate.label === 'sample-image.tar');
    assert.ok(row);
    const image = (await row.children()).find((candidate) => candidate.digest !== undefined);
    assert.ok(image);
    await vscode.commands.executeCommand('containerImageExplorer.copyDigest', image.handle);
    assert.equal(await vscode.env.clipboard.readText(), image.digest);
    await vscode.commands.executeCommand('containerImageExplorer.closeSource', row.handle);
    assert.ok(!explorer.sources().includes(sample), 'Close Source removed it');
    const commands = await vscode.commands.getCommands(true);
    for (const name of ['openArchive', 'openLayout', 'openRemote', 'copyDigest', 'verifyDigest', 'closeSource']) assert.ok(commands.includes(`containerImageExplorer.${name}`), name);
  });
});
