/**
 * Symlinks resolve inside the image (absolute targets from the image root, `..` stops at the
 * root), cycles and chains over 40 are 'link-loop', links to nothing 'missing-blob'; hard links
 * read their target's data, in their own layer or below. Crafted layers, then osv-scalibr's
 * symlink corpus (../shared/corpus).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ImageError } from '../../src/core/errors';
import { loadLayerView, loadMergedFilesystem, openFile, type ImageLayers } from '../../src/core/filesystem/imageFilesystem';
import { readImageManifest } from '../../src/core/filesystem/imageManifest';
import { LayerView } from '../../src/core/filesystem/layerView';
import { lookupPath, resolveFile } from '../../src/core/filesystem/links';
import { mergeLayers, type MergedFilesystem } from '../../src/core/filesystem/mergedFilesystem';
import type { FileSystemView } from '../../src/core/filesystem/view';
import { LayerStore } from '../../src/core/layers/layerStore';
import { buildImageGraph } from '../../src/core/model/imageGraph';
import { openSource } from '../../src/core/sources/openSource';
import { CORPUS_DIR, entriesOf, MemoryImage, readStream, requireCorpus, TinyLayerReader, writeLayer, type LayerEntrySpec } from './filesystemHelpers.test';

async function mergedOf(...layers: LayerEntrySpec[][]): Promise<MergedFilesystem> {
  const inputs = [];
  for (const [index, specs] of layers.entries()) inputs.push({ digest: `sha256:${String(index).repeat(64)}`, entries: await entriesOf(await writeLayer(specs)) });
  return mergeLayers(inputs);
}

const link = (name: string, linkname: string): LayerEntrySpec => ({ name, type: 'symlink', linkname });
const file = (name: string, content = name): LayerEntrySpec => ({ name, content });

function resolved(view: FileSystemView, requested: string): string {
  return resolveFile(view, requested).path;
}

function throwsCode(action: () => unknown, code: string, message?: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof ImageError, `expected an ImageError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('filesystem links', () => {
  it('follows relative and absolute symlinks, and symlinks in the middle of a path', async () => {
    const view = await mergedOf([
      file('usr/lib/os-release', 'ID=x'),
      link('etc/os-release', '../usr/lib/os-release'),
      link('etc/abs', '/usr/lib/os-release'),
      link('lib', 'usr/lib'),
      link('etc/dot', './os-release'),
    ]);
    assert.equal(resolved(view, 'etc/os-release'), 'usr/lib/os-release');
    assert.equal(resolved(view, '/etc/abs'), 'usr/lib/os-release');
    assert.equal(resolved(view, 'lib/os-release'), 'usr/lib/os-release');
    assert.equal(resolved(view, 'etc/dot'), 'usr/lib/os-release');
    // Without followFinal the last symlink is returned itself; "lib/" follows it.
    assert.equal(lookupPath(view, 'lib', { followFinal: false }).path, 'lib');
    assert.equal(lookupPath(view, 'lib/', { followFinal: false }).path, 'usr/lib');
  });

  it('never climbs above the image root: `..` at the root stays there, absolute targets start at the root', async () => {
    const view = await mergedOf([file('etc/passwd', 'image passwd'), link('a/b/escape', '../../../../../../etc/passwd'), link('up', '..')]);
    assert.equal(resolved(view, 'a/b/escape'), 'etc/passwd');
    assert.equal(resolved(view, '../../etc/passwd'), 'etc/passwd');
    assert.equal(lookupPath(view, 'up/up/etc', { followFinal: true }).path, 'etc');
  });

  it('reports cycles and chains longer than 40 as link-loop, naming the links', async () => {
    const cycle = await mergedOf([link('a', 'b'), link('b', 'a'), link('self', 'self')]);
    throwsCode(() => resolveFile(cycle, 'a'), 'link-loop', /cycle.*a -> b, b -> a/);
    throwsCode(() => resolveFile(cycle, 'self'), 'link-loop', /self -> self/);
    const chain = (length: number) => [file('target', 'end'), ...Array.from({ length }, (_, index) => link(`l${index}`, index === 0 ? 'target' : `l${index - 1}`))];
    const forty = await mergedOf(chain(40));
    assert.equal(resolved(forty, 'l39'), 'target');
    const fortyOne = await mergedOf(chain(41));
    throwsCode(() => resolveFile(fortyOne, 'l40'), 'link-loop', /more than 40 links/);
  });

  it('reports dangling links as missing-blob, naming the link', async () => {
    const view = await mergedOf([link('dangling', '/nowhere/file'), link('empty', ''), file('plain')]);
    throwsCode(() => resolveFile(view, 'dangling'), 'missing-blob', /nowhere.*dangling link: dangling -> \/nowhere\/file/);
    throwsCode(() => resolveFile(view, 'empty'), 'missing-blob', /empty target/);
    throwsCode(() => resolveFile(view, 'plain/below'), 'missing-blob', /plain is a file, not a directory/);
    throwsCode(() => resolveFile(view, 'absent'), 'missing-blob', /^absent: is not there in the image$/);
  });

  it('refuses to read directories and devices', async () => {
    const view = await mergedOf([{ name: 'dir/', type: 'directory' }, { name: 'dev/null', type: 'character-device' }]);
    throwsCode(() => resolveFile(view, 'dir'), 'usage', /is a directory/);
    throwsCode(() => resolveFile(view, 'dev/null'), 'usage', /is a character-device/);
  });

  it('reads a hard link through its target, in the same layer or (merged) below; a layer alone only has its own', async () => {
    const image = new MemoryImage();
    const reader = new TinyLayerReader();
    const base = image.add(await writeLayer([file('bin/busybox', 'BUSYBOX'), { name: 'bin/sh', type: 'link', linkname: 'bin/busybox' }]), true);
    const upper = image.add(await writeLayer([{ name: 'usr/bin/env', type: 'link', linkname: '/bin/busybox' }, { name: 'chain', type: 'link', linkname: 'usr/bin/env' }]));
    const layers: ImageLayers = { source: image, layers: [base, upper], reader };
    const merged = await loadMergedFilesystem(layers);
    for (const requested of ['bin/sh', 'usr/bin/env', 'chain']) {
      const { file: found, data } = await openFile(layers, merged, requested);
      assert.deepEqual([found.path, found.layer, (await readStream(data)).toString()], ['bin/busybox', 0, 'BUSYBOX'], requested);
    }
    const baseView = await loadLayerView(layers, 0);
    assert.equal((await readStream((await openFile(layers, baseView, 'bin/sh')).data)).toString(), 'BUSYBOX');
    const upperView = await loadLayerView(layers, 1);
    throwsCode(() => resolveFile(upperView, 'usr/bin/env'), 'missing-blob', /bin\/busybox \(the target of hard link usr\/bin\/env\) is not there in layer 1/);
  });
});

describe('filesystem links: osv-scalibr corpus', function () {
  const base = 'google__osv-scalibr/artifact/image';
  const reader = new LayerStore();

  async function image(relative: string): Promise<{ layers: ImageLayers; merged: MergedFilesystem; close: () => Promise<void> }> {
    const source = await openSource(path.join(CORPUS_DIR, base, relative));
    const graph = await buildImageGraph(source);
    const manifest = await readImageManifest(source, graph, graph.roots[0].digest);
    const layers = { source, layers: manifest.layers, reader };
    return { layers, merged: await loadMergedFilesystem(layers), close: () => source.close() };
  }

  before(function () {
    requireCorpus(this, base);
  });

  it('symlink-dangling.tar: every link is dangling and says which link', async () => {
    const { merged, close } = await image('layerscanning/image/testdata/symlink-dangling.tar');
    try {
      for (const requested of ['dir1/absolute-symlink.txt', 'dir1/chain-symlink.txt', 'dir1/relative-dot-symlink.txt', 'dir1/relative-symlink.txt', 'dir2/dir3/absolute-chain-symlink.txt', 'dir2/dir3/relative-subfolder-symlink.txt']) {
        throwsCode(() => resolveFile(merged, requested), 'missing-blob', /dir1\/sample\.txt is not there in the image \(dangling link: .* -> .*sample\.txt\)/);
      }
    } finally {
      await close();
    }
  });

  it('symlink-depth-exceeded.tar: a chain of 7 absolute links resolves, and fails under a lower limit', async () => {
    const { layers, merged, close } = await image('layerscanning/image/testdata/symlink-depth-exceeded.tar');
    try {
      const { file: found, data } = await openFile(layers, merged, 'dir1/symlink7.txt');
      assert.equal(found.path, 'dir1/sample.txt');
      assert.equal((await readStream(data)).length, 12);
      throwsCode(() => resolveFile(merged, 'dir1/symlink7.txt', { maxLinks: 5 }), 'link-loop', /more than 5 links/);
    } finally {
      await close();
    }
  });

  it('escape.tar: absolute names and a trampoline chain stay inside the layer', async () => {
    const entries = await entriesOf(readFileSync(path.join(CORPUS_DIR, base, 'unpack/testdata/escape.tar')));
    const view = LayerView.build(0, `sha256:${'e'.repeat(64)}`, entries);
    // "/trampoline/ -> ." makes the trampoline chain the root; the '..'s stop there.
    assert.equal(lookupPath(view, 'usr/share/doc/a/copyright', { followFinal: true }).path, '');
    // The layer holds both escape/poc.txt and an "escape" symlink: entries beneath it make it a directory.
    assert.match(view.problems.join('\n'), /escape is a symlink but the layer also has entries beneath it/);
    assert.equal(resolved(view, 'usr/share/doc/c/copyright'), 'escape/poc.txt');
    assert.equal(lookupPath(view, 'usr/share/doc/b/copyright', { followFinal: true }).path, 'escape');
  });
});
