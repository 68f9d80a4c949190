/**
 * Registry references in the real VS Code, against the real registry (Debian's docker-registry on
 * 127.0.0.1 behind a counting proxy): what a mount, an expansion and a reopen cost in requests,
 * the Tags node, Pull Platform…, and the cache commands.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TreeRow } from '../../src/vscode/api';
import { skopeoPush, type Proxy, type ProxyAction } from '../unit/support/registryServer';
import { useRegistry } from '../unit/support/useRegistry';
import { api } from './support';

const FIXTURES = process.env.CIE_FIXTURES ?? '';
const seen = (proxy: Proxy) => proxy.requests.map((request) => `${request.method} ${request.path}`);
const indexOf = (layout: string) => JSON.parse(readFileSync(path.join(FIXTURES, layout, 'index.json'), 'utf8')).manifests[0].digest as string;
const blobJson = (layout: string, digest: string) => JSON.parse(readFileSync(path.join(FIXTURES, layout, 'blobs/sha256', digest.slice(7)), 'utf8'));

async function sourceRow(spec: string): Promise<TreeRow> {
  const row = (await (await api()).treeRoots()).find((candidate) => candidate.handle !== undefined && (candidate.handle as { mounted: { spec: string } }).mounted.spec === spec);
  assert.ok(row, `a root row for ${spec}`);
  return row;
}

describe('remote images from a real registry in VS Code', function () {
  this.timeout(180_000);
  const at = useRegistry({
    prefix: 'cie-remote-vscode-',
    populate: async ({ host }) => {
      // One tag per test: the Images view restores the rows a test expanded when the same reference is opened again.
      for (const tag of ['1.0', 'pull', 'clear', 'broken']) await skopeoPush(`oci:${FIXTURES}/multi-platform-layout:1.0`, `${host}/multi:${tag}`);
      for (const tag of ['1.0', '1.1', '2.0']) await skopeoPush(`oci:${FIXTURES}/oci-layout:1.0`, `${host}/app:${tag}`);
    },
  });
  const multiIndex = indexOf('multi-platform-layout');
  const platforms = (blobJson('multi-platform-layout', multiIndex) as { manifests: Array<{ digest: string; platform: { architecture: string } }> }).manifests;

  /** Opens multi:<tag> with an empty registry cache and returns its spec and index row. */
  async function openMultiFresh(tag: string): Promise<{ spec: string; index: TreeRow }> {
    const spec = `docker://${at.proxy.host}/multi:${tag}`;
    await vscode.commands.executeCommand('containerImageExplorer.clearRegistryCache');
    await vscode.commands.executeCommand('containerImageExplorer.openRemote', `${at.proxy.host}/multi:${tag}`);
    const index = (await (await sourceRow(spec)).children()).find((row) => row.digest === multiIndex);
    assert.ok(index, `the index row of multi:${tag}`);
    return { spec, index };
  }

  it('mounts with one manifest request, expands a platform with its manifest and config, reopens with one HEAD', async () => {
    const explorer = await api();
    const spec = `docker://${at.proxy.host}/multi:1.0`;
    await vscode.commands.executeCommand('containerImageExplorer.openRemote', `${at.proxy.host}/multi:1.0`);
    assert.ok(explorer.sources().includes(spec), `mounted: ${explorer.sources().join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the focused Images view draws the new source
    assert.deepEqual(seen(at.proxy), ['GET /v2/multi/manifests/1.0'], 'the mount (and drawing the tree) fetches the index and nothing else');

    const [index] = (await (await sourceRow(spec)).children()).filter((row) => row.digest === multiIndex);
    assert.ok(index, 'the index row');
    const images = await index.children();
    assert.deepEqual(images.map((row) => row.label), ['linux/amd64', 'linux/arm64/v8']);
    assert.ok(images.every((row) => row.collapsible), 'platform images are expandable before their manifests are read');
    assert.deepEqual(seen(at.proxy), ['GET /v2/multi/manifests/1.0'], 'listing the platforms costs nothing more');

    const amd64 = images[0];
    const manifest = blobJson('multi-platform-layout', platforms[0].digest) as { config: { digest: string }; layers: unknown[] };
    const groups = await amd64.children();
    assert.deepEqual(groups.map((row) => row.label).slice(0, 3), ['Config', 'Layers', 'Filesystem']);
    const layers = await groups[1].children();
    assert.equal(layers.length, manifest.layers.length);
    assert.deepEqual(seen(at.proxy), ['GET /v2/multi/manifests/1.0', `GET /v2/multi/manifests/${platforms[0].digest}`, `GET /v2/multi/blobs/${manifest.config.digest}`], 'expanding an image: its manifest, then its config (for the layer history); no layer');

    at.proxy.reset();
    await vscode.commands.executeCommand('containerImageExplorer.revealDigest', spec, layers[0].digest);
    assert.deepEqual(seen(at.proxy), [], 'revealing a layer (a digest link) opens no other platform and lists no tags');

    await explorer.close(spec);
    await vscode.commands.executeCommand('containerImageExplorer.openRemote', `${at.proxy.host}/multi:1.0`);
    await (await (await sourceRow(spec)).children())[0].children().then((rows) => rows[0].children()).then((rows) => rows[1].children());
    assert.deepEqual(seen(at.proxy), ['HEAD /v2/multi/manifests/1.0'], 'a reopen, down to the layers of the image seen before, costs one HEAD');
    await explorer.close(spec);
  });

  it('lists tags under a Tags row a page at a time (Link pagination), and opens a tag from its row', async () => {
    const explorer = await api();
    const spec = `docker://${at.proxy.host}/app:1.0`;
    await vscode.commands.executeCommand('containerImageExplorer.openRemote', `${at.proxy.host}/app:1.0`);
    at.proxy.reset();
    // distribution answers every tag in one page, so the proxy pages them: two, then the rest.
    at.proxy.intercept = (request): ProxyAction => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname !== '/v2/app/tags/list') return undefined;
      if (url.searchParams.get('last') === null) return { respond: { status: 200, headers: { 'Content-Type': 'application/json', Link: '</v2/app/tags/list?n=100&last=1.1>; rel="next"' }, body: '{"name":"app","tags":["1.0","1.1"]}' } };
      return { respond: { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"name":"app","tags":["2.0"]}' } };
    };
    const tagsRow = (await (await sourceRow(spec)).children()).find((row) => row.label === 'Tags');
    assert.ok(tagsRow, 'a Tags row under a registry source');
    assert.deepEqual(seen(at.proxy), [], 'tags are not listed until the row is expanded');
    const firstPage = await tagsRow.children();
    assert.deepEqual(firstPage.map((row) => [row.label, row.description ?? '']), [['1.0', 'open'], ['1.1', ''], ['Load more tags…', '2 shown']]);
    assert.deepEqual(seen(at.proxy), ['GET /v2/app/tags/list?n=100']);
    const more = firstPage[2].command;
    assert.equal(more?.command, 'containerImageExplorer.loadMoreTags');
    await vscode.commands.executeCommand(more.command, ...(more.arguments ?? []));
    const allTags = await tagsRow.children();
    assert.deepEqual(allTags.map((row) => row.label), ['1.0', '1.1', '2.0']);
    assert.deepEqual(seen(at.proxy), ['GET /v2/app/tags/list?n=100', 'GET /v2/app/tags/list?n=100&last=1.1']);
    at.proxy.intercept = undefined;

    const open = allTags[2].command;
    assert.equal(open?.command, 'containerImageExplorer.openRemote');
    await vscode.commands.executeCommand(open.command, ...(open.arguments ?? []));
    assert.ok(explorer.sources().includes(`docker://${at.proxy.host}/app:2.0`), explorer.sources().join(', '));
    await explorer.close(spec);
    await explorer.close(`docker://${at.proxy.host}/app:2.0`);
  });

  it('Pull Platform… fetches and reveals one platform image, leaving the other unread', async () => {
    const explorer = await api();
    const { spec, index } = await openMultiFresh('pull');
    at.proxy.reset();
    const pulled = await vscode.commands.executeCommand<string>('containerImageExplorer.pullPlatform', index.handle, 'linux/arm64/v8');
    assert.equal(pulled, platforms[1].digest);
    const manifests = seen(at.proxy).filter((line) => line.includes('/manifests/'));
    assert.deepEqual(manifests, [`GET /v2/multi/manifests/${platforms[1].digest}`], 'only the chosen platform manifest');
    const rows = await (await index.children())[1].children();
    assert.ok(rows.some((row) => row.label === 'Layers'), rows.map((row) => row.label).join(', '));

    // Opening the other platform's manifest as a document reads it once, and the graph learns its config (for links and hovers).
    at.proxy.reset();
    const amd64Config = (blobJson('multi-platform-layout', platforms[0].digest) as { config: { digest: string } }).config.digest;
    const document = await vscode.workspace.openTextDocument(explorer.blobUri(spec, platforms[0].digest));
    assert.match(document.getText(), new RegExp(amd64Config));
    assert.deepEqual(seen(at.proxy), [`GET /v2/multi/manifests/${platforms[0].digest}`]);
    assert.ok((await explorer.open(spec)).nodes.some((node) => node.digest === amd64Config && node.kind === 'config'));
    await explorer.close(spec);
  });

  it('Clear Registry Cache empties the cache (the next open is a GET again) and follows the size setting', async () => {
    const explorer = await api();
    const spec = `docker://${at.proxy.host}/multi:clear`;
    await vscode.commands.executeCommand('containerImageExplorer.openRemote', `${at.proxy.host}/multi:clear`);
    await explorer.close(spec);
    const settings = vscode.workspace.getConfiguration('containerImageExplorer');
    await settings.update('registryCacheSize', 64, vscode.ConfigurationTarget.Global);
    try {
      const cleared = await vscode.commands.executeCommand<{ files: number; maxBytes: number }>('containerImageExplorer.clearRegistryCache');
      assert.ok(cleared.files > 0, 'the index was cached');
      assert.equal(cleared.maxBytes, 64 * 1024 * 1024, 'the limit comes from containerImageExplorer.registryCacheSize');
      const again = await vscode.commands.executeCommand<{ files: number }>('containerImageExplorer.clearRegistryCache');
      assert.equal(again.files, 0);
    } finally {
      await settings.update('registryCacheSize', undefined, vscode.ConfigurationTarget.Global);
    }
    at.proxy.reset();
    await vscode.commands.executeCommand('containerImageExplorer.openRemote', `${at.proxy.host}/multi:clear`);
    assert.deepEqual(seen(at.proxy), ['GET /v2/multi/manifests/clear'], 'after clearing, the tag is fetched again');
    await explorer.close(spec);
  });

  it('an image whose manifest the registry will not serve says why, under its row', async () => {
    const explorer = await api();
    const { spec, index } = await openMultiFresh('broken');
    at.proxy.reset();
    at.proxy.intercept = (request) => (request.url?.includes(platforms[1].digest) ? { respond: { status: 404, headers: { 'Content-Type': 'application/json' }, body: '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}' } } : undefined);
    const [problem] = await (await index.children())[1].children();
    assert.equal(problem.label, 'Cannot read this image');
    assert.match(problem.description ?? '', /not found .*MANIFEST_UNKNOWN/);
    assert.deepEqual(seen(at.proxy), [`GET /v2/multi/manifests/${platforms[1].digest}`], 'a 404 is not retried');
    await explorer.close(spec);
  });
});
