/**
 * loadLayerViewFor (what `get <layer> <path>` uses) builds a view from the entries on one path
 * only. Whatever it answers must be what the whole layer's view answers: for every path of a
 * layer full of links, duplicates, files with entries beneath them and odd spellings, both views
 * resolve to the same entry or fail with the same error code.
 */
import * as assert from 'node:assert/strict';
import { loadLayerView, loadLayerViewFor, type ImageLayers } from '../../src/core/filesystem/imageFilesystem';
import { resolveFile } from '../../src/core/filesystem/links';
import { ImageError } from '../../src/core/errors';
import { MemoryImage, TinyLayerReader, writeLayer, type LayerEntrySpec } from './filesystemHelpers.test';

const LAYER: LayerEntrySpec[] = [
  { name: './', type: 'directory' },
  { name: 'etc/', type: 'directory' },
  { name: 'etc/os-release', content: 'ID=test\n' },
  { name: 'etc/alias', type: 'symlink', linkname: 'os-release' },
  { name: 'etc/absolute', type: 'symlink', linkname: '/etc/os-release' },
  { name: 'etc/hard', type: 'link', linkname: 'etc/os-release' },
  { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
  { name: 'usr/lib/libc.so', content: 'ELF' },
  { name: 'usr/lib/deep/file.txt', content: 'deep' },
  { name: 'dup.txt', content: 'first' },
  { name: 'dup.txt', content: 'second wins' },
  { name: 'file-and-dir', content: 'a file…' },
  { name: 'file-and-dir/child', content: '…with a child, so a directory' },
  { name: 'loop-a', type: 'symlink', linkname: 'loop-b' },
  { name: 'loop-b', type: 'symlink', linkname: 'loop-a' },
  { name: './dot/prefixed.txt', content: 'dot' },
  { name: 'dangling', type: 'symlink', linkname: 'nowhere' },
];

const QUERIES = [
  'etc/os-release', '/etc/os-release', 'etc/alias', 'etc/absolute', 'etc/hard', 'lib/libc.so', 'lib/deep/file.txt', 'usr/lib/libc.so',
  'usr/lib/deep/file.txt', 'dup.txt', 'file-and-dir', 'file-and-dir/child', 'loop-a', 'dot/prefixed.txt', './dot/prefixed.txt',
  'dangling', 'missing', 'etc', 'etc/../etc/os-release', 'usr//lib/libc.so', 'etc/os-release/', '',
];

type Outcome = { path: string; content: number } | { error: string };

function outcome(resolve: () => { path: string; entry: { dataOffset: number } }): Outcome {
  try {
    const file = resolve();
    return { path: file.path, content: file.entry.dataOffset };
  } catch (error) {
    if (error instanceof ImageError) return { error: error.code };
    throw error;
  }
}

describe('filesystem: a layer view for one path (get)', () => {
  let image: ImageLayers;

  before(async () => {
    const source = new MemoryImage();
    const layer = source.add(await writeLayer(LAYER));
    image = { source, layers: [layer], reader: new TinyLayerReader() };
  });

  for (const query of QUERIES) {
    it(`resolves ${JSON.stringify(query)} as the whole layer's view does`, async () => {
      const whole = await loadLayerView(image, 0);
      const partial = await loadLayerViewFor(image, 0, query);
      const expected = outcome(() => resolveFile(whole, query));
      assert.deepEqual(outcome(() => resolveFile(partial, query)), expected);
    });
  }

  it('builds a small view for a plain path without links, the whole view otherwise', async () => {
    const whole = await loadLayerView(image, 0);
    assert.ok((await loadLayerViewFor(image, 0, 'usr/lib/deep/file.txt')).tree.size < whole.tree.size / 2);
    assert.equal((await loadLayerViewFor(image, 0, 'lib/libc.so')).tree.size, whole.tree.size);
    assert.equal((await loadLayerViewFor(image, 0, 'etc/../etc/os-release')).tree.size, whole.tree.size);
  });
});
