/**
 * The merged filesystem against image-spec layer.md "Whiteouts" and "Applying Changesets", one
 * rule per test, with layers written as real tars.
 */
import * as assert from 'node:assert/strict';
import { mergeLayers, type MergedFilesystem } from '../../src/core/filesystem/mergedFilesystem';
import { nodeType } from '../../src/core/filesystem/pathTree';
import { entriesOf, writeLayer, type LayerEntrySpec } from './filesystemHelpers.test';

async function merge(...layers: LayerEntrySpec[][]): Promise<MergedFilesystem> {
  const inputs = [];
  for (const [index, specs] of layers.entries()) inputs.push({ digest: `sha256:${String(index).repeat(64)}`, entries: await entriesOf(await writeLayer(specs)) });
  return mergeLayers(inputs);
}

/** "path type@layer" for every node but the root, in walk order. */
function listing(merged: MergedFilesystem): string[] {
  return [...merged.tree.walk(merged.tree.root)].slice(1).map((node) => `${node.path} ${nodeType(node)}@${node.layer}`);
}

function history(merged: MergedFilesystem, path: string): string[] {
  return merged.history(path).map((change) => `${change.change}@${change.layer}`);
}

const dir = (name: string, extra: Partial<LayerEntrySpec> = {}): LayerEntrySpec => ({ name, type: 'directory', ...extra });
const file = (name: string, content = name): LayerEntrySpec => ({ name, content });

describe('merged filesystem: applying layers', () => {
  it('stacks layers: later files replace earlier ones, each node knows its layer', async () => {
    const merged = await merge([dir('etc/'), file('etc/a', 'one'), file('etc/b')], [dir('etc/'), file('etc/a', 'two'), file('etc/c')]);
    assert.deepEqual(listing(merged), ['etc directory@1', 'etc/a file@1', 'etc/b file@0', 'etc/c file@1']);
    assert.deepEqual(history(merged, 'etc/a'), ['added@0', 'modified@1']);
    assert.deepEqual(history(merged, 'etc/c'), ['added@1']);
    // The same directory header again (same mode and owner) is no change, as in dive.
    assert.deepEqual(history(merged, 'etc'), ['added@0']);
  });

  it('a whiteout removes a file, and a directory with everything beneath it', async () => {
    const merged = await merge([file('a/x'), file('a/sub/y'), file('keep')], [file('.wh.a'), file('.wh.keep-not-there')]);
    assert.deepEqual(listing(merged), ['keep file@0']);
    assert.deepEqual(history(merged, 'a/sub/y'), ['added@0', 'deleted@1']);
    const changes = merged.changes(1);
    assert.deepEqual(
      changes.deleted.map((change) => change.path),
      ['a', 'a/sub', 'a/sub/y', 'a/x'],
    );
    assert.equal(changes.deletedSize, 'a/x'.length + 'a/sub/y'.length);
    assert.deepEqual(changes.added, []);
  });

  it('whiteouts act on the layers below only, never on entries of their own layer', async () => {
    // Both orders within the layer: the whiteout before and after the file it names.
    const merged = await merge([file('f', 'old'), file('g', 'old')], [file('.wh.f'), file('f', 'new'), file('g', 'new'), file('.wh.g')]);
    assert.deepEqual(listing(merged), ['f file@1', 'g file@1']);
    assert.deepEqual(history(merged, 'f'), ['added@0', 'modified@1']);
  });

  it('an opaque directory hides what the layers below had in it, keeping its own layer’s children', async () => {
    const merged = await merge([file('opt/legacy/a'), file('opt/legacy/sub/c'), file('opt/other')], [dir('opt/legacy/'), file('opt/legacy/.wh..wh..opq', ''), file('opt/legacy/new')]);
    assert.deepEqual(listing(merged), ['opt directory@0', 'opt/legacy directory@1', 'opt/legacy/new file@1', 'opt/other file@0']);
    assert.deepEqual(
      merged.changes(1).deleted.map((change) => change.path),
      ['opt/legacy/a', 'opt/legacy/sub', 'opt/legacy/sub/c'],
    );
    assert.deepEqual(history(merged, 'opt/legacy'), ['added@0', 'modified@1']);
  });

  it('an opaque marker at the top makes the whole root opaque', async () => {
    const merged = await merge([file('a'), file('b/c')], [file('.wh..wh..opq', ''), file('d')]);
    assert.deepEqual(listing(merged), ['d file@1']);
  });

  it('a directory replaced by a file loses its children; a file replaced by a directory becomes one', async () => {
    const merged = await merge([file('d/x'), file('f')], [file('d', 'now a file'), dir('f/'), file('f/inside')]);
    assert.deepEqual(listing(merged), ['d file@1', 'f directory@1', 'f/inside file@1']);
    assert.deepEqual(history(merged, 'd/x'), ['added@0', 'deleted@1']);
    assert.deepEqual(history(merged, 'd'), ['added@0', 'modified@1']);
  });

  it('a path given twice in one layer keeps the last header', async () => {
    const merged = await merge([file('file', 'first'), file('file', 'second, longer')]);
    assert.equal(merged.get('file')?.entry?.size, 'second, longer'.length);
    assert.deepEqual(history(merged, 'file'), ['added@0']);
  });

  it('implies parent directories no header names, and keeps the attributes of a real one below', async () => {
    const merged = await merge([dir('usr/', { mode: 0o700 })], [file('usr/bin/tool')]);
    assert.deepEqual(listing(merged), ['usr directory@0', 'usr/bin directory@1', 'usr/bin/tool file@1']);
    assert.equal(merged.get('usr')?.entry?.mode, 0o700);
    assert.equal(merged.get('usr/bin')?.entry, undefined);
    assert.deepEqual(history(merged, 'usr/bin'), ['added@1']);
  });

  it('a directory deleted and re-created later has the whole story in its history', async () => {
    const merged = await merge([file('a/x')], [file('.wh.a')], [file('a/y')], [dir('a/', { mode: 0o750 })]);
    assert.deepEqual(history(merged, 'a'), ['added@0', 'deleted@1', 'added@2', 'modified@3']);
    assert.deepEqual(listing(merged), ['a directory@3', 'a/y file@2']);
  });

  it('cleans paths as tar does, leaves out entries that climb above the root, skips AUFS metadata', async () => {
    const merged = await merge([file('./etc/x'), file('/abs/y'), file('../../escape'), file('a/../b'), file('.wh..wh.plnk/123', '')]);
    assert.deepEqual(listing(merged), ['abs directory@0', 'abs/y file@0', 'b file@0', 'etc directory@0', 'etc/x file@0']);
    assert.match(merged.problems[0][0], /climbs above the image root/);
  });

  it('a file and entries beneath it in one layer: the entries win and the path is a directory', async () => {
    const merged = await merge([file('x'), file('x/y')]);
    assert.deepEqual(listing(merged), ['x directory@0', 'x/y file@0']);
    assert.match(merged.problems[0][0], /x is a file but the layer also has entries beneath it/);
  });

  it('sizes each layer’s change set', async () => {
    const merged = await merge([file('a', '12345'), file('b', '1')], [file('a', '1234567890'), file('c', '123'), file('.wh.b')]);
    const changes = merged.changes(1);
    assert.deepEqual([changes.addedSize, changes.modifiedSize, changes.deletedSize], [3, 10, 1]);
    assert.deepEqual(
      [changes.added.map((c) => c.path), changes.modified.map((c) => c.path), changes.deleted.map((c) => c.path)],
      [['c'], ['a'], ['b']],
    );
  });

  it('a hard link reads the target as it was when its layer was applied', async () => {
    const merged = await merge([file('bin/real', 'v1')], [{ name: 'bin/alias', type: 'link', linkname: 'bin/real' }], [file('bin/real', 'v2, later')]);
    const linked = merged.hardLinkTarget(1, 'bin/real');
    assert.equal(linked?.layer, 0);
    assert.equal(linked?.entry.size, 2);
    assert.equal(merged.hardLinkTarget(2, 'bin/real')?.layer, 2);
  });
});
