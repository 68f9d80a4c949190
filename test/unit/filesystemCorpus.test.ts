/**
 * Layer oddities from ../shared/corpus (README sections 1 and 6b), each checked against what the
 * corpus README says the bytes hold: dive's 14-layer image (hard links, whiteouts), ggcr's
 * whiteout images, regclient's whiteout layer, apko's devices, xattrs, duplicate paths, an
 * empty layer. Skipped, saying so, when the corpus is absent.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { imagesOf } from '../../src/cli/imageSelection';
import { loadMergedFilesystem, openFile, type ImageLayers } from '../../src/core/filesystem/imageFilesystem';
import { readImageManifest, type ImageManifest } from '../../src/core/filesystem/imageManifest';
import { LayerView } from '../../src/core/filesystem/layerView';
import { mergeLayers, type MergedFilesystem } from '../../src/core/filesystem/mergedFilesystem';
import { nodeType } from '../../src/core/filesystem/pathTree';
import { LayerStore } from '../../src/core/layers/layerStore';
import { buildImageGraph } from '../../src/core/model/imageGraph';
import { openSource } from '../../src/core/sources/openSource';
import { CORPUS_DIR, entriesOf, readStream, requireCorpus } from './filesystemHelpers.test';

const reader = new LayerStore();

interface Opened {
  image: ImageLayers;
  manifest: ImageManifest;
  merged: MergedFilesystem;
}

/** Opens the corpus image (the first image manifest), runs `work`, closes it. */
async function withCorpusImage(relative: string, work: (opened: Opened) => Promise<void>): Promise<void> {
  const source = await openSource(path.join(CORPUS_DIR, relative));
  try {
    const graph = await buildImageGraph(source);
    const manifest = await readImageManifest(source, graph, imagesOf(graph)[0].digest);
    const image = { source, layers: manifest.layers, reader };
    await work({ image, manifest, merged: await loadMergedFilesystem(image) });
  } finally {
    await source.close();
  }
}

function paths(changes: ReadonlyArray<{ path: string }>): string[] {
  return changes.map((change) => change.path);
}

function history(merged: MergedFilesystem, entryPath: string): string[] {
  return merged.history(entryPath).map((change) => `${change.change}@${change.layer}`);
}

async function corpusLayer(relative: string): Promise<LayerView> {
  return LayerView.build(0, `sha256:${'0'.repeat(64)}`, await entriesOf(readFileSync(path.join(CORPUS_DIR, relative))));
}

describe('filesystem: corpus layer oddities', function () {
  this.timeout(120_000);

  before(function () {
    requireCorpus(this);
  });

  it('dive test-docker-image.tar: 14 layers, 392 hard links to bin/[, the moves and removals dive shows', async () => {
    await withCorpusImage('wagoodman__dive/.data/test-docker-image.tar', async ({ image, manifest, merged }) => {
      assert.equal(merged.layers.length, 14);
      const nodes = [...merged.tree.walk(merged.tree.root)];
      const hardLinks = nodes.filter((node) => nodeType(node) === 'hardlink');
      assert.equal(hardLinks.length, 392);
      assert.ok(hardLinks.every((node) => node.entry?.linkname === 'bin/['));
      const { file, data } = await openFile(image, merged, 'bin/ls');
      assert.equal(file.path, 'bin/[');
      assert.equal((await readStream(data)).length, file.entry.size);
      // Layer 7: mv /root/example/somefile3.txt /root/saved.txt (a whiteout and a new file).
      const move = merged.changes(7);
      assert.deepEqual([paths(move.added), paths(move.deleted)], [['root/saved.txt'], ['root/example/somefile3.txt']]);
      assert.match(manifest.history[7]?.createdBy ?? '', /mv \/root\/example\/somefile3.txt/);
      // Layer 9: rm -rf /root/example/ (a directory whiteout removes everything beneath).
      const removal = merged.changes(9);
      assert.deepEqual(paths(removal.deleted), ['root/example', 'root/example/really', 'root/example/really/nested', 'root/example/somefile1.txt', 'root/example/somefile2.txt']);
      assert.equal(removal.deletedSize, 2 * (merged.get('somefile.txt')?.entry?.size ?? 0));
      assert.equal(merged.get('root/example'), undefined);
      assert.deepEqual(history(merged, 'root/example/somefile1.txt'), ['added@3', 'modified@4', 'deleted@9']);
      assert.deepEqual(history(merged, 'root/saved.txt'), ['added@7', 'modified@13']);
      assert.equal(merged.get('root/saved.txt')?.layer, 13);
    });
  });

  it('ggcr whiteout_dir.tar: .wh.a removes a/ and a/foo, a later layer re-creates a/ with a/baz', async () => {
    await withCorpusImage('google__go-containerregistry/pkg/v1/mutate/testdata/whiteout_dir.tar', async ({ merged }) => {
      assert.deepEqual(paths([...merged.tree.walk(merged.tree.root)].slice(1)), ['a', 'a/baz', 'b', 'b/bar']);
      assert.deepEqual(history(merged, 'a'), ['added@0', 'deleted@2', 'added@3']);
      assert.deepEqual(history(merged, 'a/foo'), ['added@0', 'deleted@2']);
    });
  });

  it('ggcr whiteout_image.tar: ./.wh.foo.txt removes foo.txt; the third layer is empty and changes nothing', async () => {
    await withCorpusImage('google__go-containerregistry/pkg/v1/mutate/testdata/whiteout_image.tar', async ({ merged }) => {
      assert.deepEqual(paths([...merged.tree.walk(merged.tree.root)].slice(1)), ['bar.txt']);
      assert.deepEqual(paths(merged.changes(1).deleted), ['foo.txt']);
      const empty = merged.changes(2);
      assert.deepEqual([empty.added.length, empty.modified.length, empty.deleted.length], [0, 0, 0]);
    });
  });

  it('regclient layer-wh.tar: the layer alone lists its markers as files; applied, they act and vanish', async () => {
    const view = await corpusLayer('regclient__regclient/testdata/layer-wh.tar');
    assert.deepEqual(paths([...view.tree.walk(view.tree.root)].slice(1)), ['.wh.layer2.txt', 'exdir', 'exdir/.wh..wh..opq', 'layer1.txt', 'layer3.txt']);
    const lower = await entriesOf(readFileSync(path.join(CORPUS_DIR, 'regclient__regclient/testdata/layer.tar')));
    const upper = await entriesOf(readFileSync(path.join(CORPUS_DIR, 'regclient__regclient/testdata/layer-wh.tar')));
    const merged = mergeLayers([
      { digest: `sha256:${'1'.repeat(64)}`, entries: lower },
      { digest: `sha256:${'2'.repeat(64)}`, entries: upper },
    ]);
    assert.deepEqual(paths([...merged.tree.walk(merged.tree.root)].slice(1)), ['exdir', 'layer1.txt', 'layer3.txt']);
    assert.deepEqual(history(merged, 'layer2.txt'), ['added@0', 'deleted@1']);
  });

  it('trivy walker test.tar: opaque etc/ and the whiteout foo/.wh.foo are markers, not files', async () => {
    const entries = await entriesOf(readFileSync(path.join(CORPUS_DIR, 'aquasecurity__trivy/pkg/fanal/walker/testdata/test.tar')));
    const merged = mergeLayers([{ digest: `sha256:${'3'.repeat(64)}`, entries }]);
    const all = paths([...merged.tree.walk(merged.tree.root)]);
    assert.ok(all.every((entryPath) => !entryPath.split('/').some((segment) => segment.startsWith('.wh.'))), all.join(', '));
    assert.ok(all.includes('etc'));
  });

  it('apko top_image: the base layer’s character devices are listed as devices with their numbers', async () => {
    await withCorpusImage('chainguard-dev__apko/internal/cli/testdata/top_image', async ({ merged }) => {
      const devices = [...merged.tree.walk(merged.tree.root)].filter((node) => nodeType(node) === 'character-device');
      assert.deepEqual(paths(devices), ['dev/console', 'dev/null', 'dev/random', 'dev/urandom', 'dev/zero']);
      assert.deepEqual([devices[1].entry?.devmajor, devices[1].entry?.devminor], [1, 3]);
    });
  });

  it('tar-split xattrs.tar: files with SCHILY.xattr records list normally and keep the records', async () => {
    const view = await corpusLayer('vbatts__tar-split/archive/tar/testdata/xattrs.tar');
    const files = [...view.tree.walk(view.tree.root)].filter((node) => nodeType(node) === 'file');
    assert.equal(files.length, 2);
    assert.ok(files.every((node) => Object.keys(node.entry?.pax ?? {}).some((key) => key.startsWith('SCHILY.xattr.'))));
  });

  it('moby collision-0.tar and collision-1.tar: a path given twice keeps the last header', async () => {
    for (const name of ['collision-0.tar', 'collision-1.tar']) {
      const relative = `moby__moby/daemon/builder/remotecontext/internal/tarsum/testdata/collision/${name}`;
      const entries = await entriesOf(readFileSync(path.join(CORPUS_DIR, relative)));
      const view = LayerView.build(0, `sha256:${'4'.repeat(64)}`, entries);
      assert.equal(view.get('file')?.entry, entries[entries.length - 1], name);
    }
  });
});
