import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, repoRoot, sample } from './support';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
}

describe('digest links and hovers', function () {
  this.timeout(60_000);

  before(function () {
    if (!existsSync(sample)) this.skip();
  });

  it('links every digest in a manifest, and each link resolves', async () => {
    const explorer = await api();
    const graph = await explorer.open(sample);
    const manifest = graph.nodes.find((node) => node.kind === 'manifest');
    assert.ok(manifest);
    const document = await vscode.workspace.openTextDocument(explorer.blobUri(sample, manifest.digest));
    const expected = document.getText().match(/sha256:[a-f0-9]{64}/g) ?? [];
    assert.ok(expected.length >= 2, 'the manifest mentions its config and layers');
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', document.uri);
    const linked = links.map((link) => document.getText(link.range)).sort();
    assert.deepEqual(linked, [...expected].sort());
    for (const link of links) {
      assert.ok(link.target, 'every link has a target');
      if (link.target.scheme === 'container-image') {
        const target = await vscode.workspace.openTextDocument(link.target);
        assert.ok(target.getText().startsWith('{'), `${link.target} opens a JSON document`);
      } else {
        assert.equal(link.target.scheme, 'command');
        assert.ok(link.target.path === 'containerImageExplorer.openDigest', link.target.toString());
        const [spec, digest] = JSON.parse(decodeURIComponent(link.target.query)) as [string, string];
        assert.equal(spec, sample);
        assert.ok(graph.nodes.some((node) => node.digest === digest), 'the command names a digest of the graph');
        await vscode.commands.executeCommand('containerImageExplorer.openDigest', spec, digest);
      }
    }
  });

  it('hovers a digest with its kind and size, and a media type with its meaning', async () => {
    const explorer = await api();
    const graph = await explorer.open(sample);
    const manifest = graph.nodes.find((node) => node.kind === 'manifest');
    const config = graph.nodes.find((node) => node.kind === 'config');
    assert.ok(manifest && config);
    const document = await vscode.workspace.openTextDocument(explorer.blobUri(sample, manifest.digest));
    const configAt = document.positionAt(document.getText().indexOf(config.digest) + 10);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, configAt);
    const text = hoverText(hovers);
    assert.match(text, /\*\*Config\*\*/);
    assert.match(text, new RegExp(`${config.size.toLocaleString('en-US')} bytes`));
    assert.match(text, /present \| yes/);
    const mediaTypeAt = document.positionAt(document.getText().indexOf('application/vnd.docker.distribution.manifest.v2+json') + 5);
    const mediaHover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, mediaTypeAt));
    assert.match(mediaHover, /Docker image manifest, schema 2/);
  });

  it('explains a diff_id in a config as the layer it stands for', async () => {
    const explorer = await api();
    const graph = await explorer.open(sample);
    const config = graph.nodes.find((node) => node.kind === 'config');
    assert.ok(config);
    const document = await vscode.workspace.openTextDocument(explorer.blobUri(sample, config.digest));
    const text = document.getText();
    const diffIds = JSON.parse(text).rootfs.diff_ids as string[];
    const position = document.positionAt(text.indexOf(diffIds[0]) + 12);
    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position));
    assert.match(hover, /Layer|layer/);
    const definitions = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', document.uri, position);
    assert.ok(Array.isArray(definitions));
  });

  it("links and explains digests in a mounted layout's own index.json (a plain file: document)", async function () {
    const layout = path.join(process.env.CIE_FIXTURES ?? path.join(repoRoot, 'test/fixtures/generated'), 'oci-layout');
    if (!existsSync(layout)) this.skip();
    const explorer = await api();
    const graph = await explorer.open(layout);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(layout, 'index.json')));
    const manifest = graph.roots[0].digest;
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', document.uri);
    const link = links.find((candidate) => document.getText(candidate.range) === manifest);
    assert.ok(link?.target, `a link on ${manifest}`);
    assert.equal(link.target.scheme, 'container-image');
    assert.ok((await vscode.workspace.openTextDocument(link.target)).getText().includes('"layers"'), 'the link opens the manifest');
    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(document.getText().indexOf(manifest) + 10)));
    assert.match(hover, /\*\*Image\*\*/);
  });
});
