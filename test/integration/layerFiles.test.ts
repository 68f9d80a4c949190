import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, sample } from './support';

/** The sample's layers extracted with GNU tar, the independent reading. */
function extractLayer(layerDigest: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'cie-layer-'));
  const layerFile = `${layerDigest.slice(7)}.tar`;
  execFileSync('tar', ['-xf', sample, '-C', directory, layerFile]);
  const root = path.join(directory, 'root');
  execFileSync('mkdir', ['-p', root]);
  execFileSync('tar', ['-xf', path.join(directory, layerFile), '-C', root, '--no-same-owner']);
  return directory;
}

describe('files inside layers and the merged filesystem', function () {
  this.timeout(90_000);

  before(function () {
    if (!existsSync(sample)) this.skip();
  });

  it('lists a layer and reads its files with the bytes GNU tar extracts', async () => {
    const explorer = await api();
    const graph = await explorer.open(sample);
    const layer = graph.nodes.find((node) => node.kind === 'layer');
    assert.ok(layer);
    const extracted = extractLayer(layer.digest);
    try {
      const top = await vscode.workspace.fs.readDirectory(explorer.fileUri(sample, { layer: layer.digest }, ''));
      assert.ok(top.length > 0, 'the layer has top-level entries');
      const expectedTop = execFileSync('ls', ['-A', path.join(extracted, 'root')], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
      assert.deepEqual(top.map(([name]) => name).sort(), expectedTop);
      const files = execFileSync('find', ['.', '-type', 'f'], { cwd: path.join(extracted, 'root'), encoding: 'utf8' }).split('\n').filter(Boolean).map((file) => file.slice(2));
      assert.ok(files.length > 0);
      for (const file of files.slice(0, 10)) {
        const uri = explorer.fileUri(sample, { layer: layer.digest }, file);
        const bytes = await vscode.workspace.fs.readFile(uri);
        assert.deepEqual(Buffer.from(bytes), readFileSync(path.join(extracted, 'root', file)), file);
        const stat = await vscode.workspace.fs.stat(uri);
        assert.equal(stat.size, bytes.length, `stat size of ${file}`);
      }
    } finally {
      rmSync(extracted, { recursive: true, force: true });
    }
  });

  it('opens a layer file as a document and a missing path as FileNotFound', async () => {
    const explorer = await api();
    const graph = await explorer.open(sample);
    const image = graph.nodes.find((node) => node.kind === 'manifest');
    assert.ok(image);
    const root = await vscode.workspace.fs.readDirectory(explorer.fileUri(sample, { image: image.digest }, ''));
    assert.ok(root.some(([, type]) => type === vscode.FileType.Directory), 'the merged root has directories');
    const release = explorer.fileUri(sample, { image: image.digest }, 'etc/os-release');
    const document = await vscode.workspace.openTextDocument(release);
    assert.match(document.getText(), /NAME=/);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(explorer.fileUri(sample, { image: image.digest }, 'no/such/file'))), (error: unknown) => error instanceof vscode.FileSystemError && error.code === 'FileNotFound');
  });

  it('shows Filesystem and layer files in the Images view', async () => {
    const explorer = await api();
    await explorer.open(sample);
    const source = (await explorer.treeRoots()).find((row) => row.label === 'sample-image.tar');
    assert.ok(source);
    const [image] = await source.children();
    const groups = await image.children();
    const labels = groups.map((row) => row.label);
    assert.ok(labels.includes('Config') && labels.includes('Layers') && labels.includes('Filesystem'), labels.join(', '));
    const filesystem = groups.find((row) => row.label === 'Filesystem')!;
    const rootRows = await filesystem.children();
    assert.ok(rootRows.some((row) => row.label === 'etc'), rootRows.map((row) => row.label).join(', '));
    assert.ok(rootRows.every((row) => /layer \d+/.test(row.description ?? '')), 'merged rows say their layer');
    const layers = await groups.find((row) => row.label === 'Layers')!.children();
    assert.equal(layers.length, 3);
    const files = await layers[0].children();
    assert.ok(files.length > 0, 'a layer row expands to its files');
  });
});
