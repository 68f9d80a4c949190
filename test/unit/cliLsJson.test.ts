/**
 * ls --json writes each entry's JSON by hand (entryJsonText) for speed: it must be byte for byte
 * what JSON.stringify makes of the documented object, for every kind of entry and odd value.
 */
import * as assert from 'node:assert/strict';
import { entryJsonText } from '../../src/cli/lsCommand';
import { IMPLIED_DIRECTORY_MODE, nodeType, type FileNode } from '../../src/core/filesystem/pathTree';
import type { TarEntry } from '../../src/core/tar/tarEntry';

/** The documented `ls --json` object of an entry, the reference the hand-written text must match. */
function entryJson(node: FileNode): Record<string, unknown> {
  const entry = node.entry;
  return {
    path: node.path,
    type: nodeType(node),
    size: entry?.size ?? 0,
    mode: entry?.mode ?? IMPLIED_DIRECTORY_MODE,
    uid: entry?.uid ?? 0,
    gid: entry?.gid ?? 0,
    mtime: entry?.mtime ?? 0,
    linkname: entry?.linkname ?? '',
  };
}

function node(path: string, entry: Partial<TarEntry> | undefined, children?: Set<FileNode>): FileNode {
  const full = entry === undefined ? undefined : ({ path, type: 'file', size: 0, dataOffset: 512, headerOffset: 0, mode: 0o644, uid: 0, gid: 0, mtime: 0, linkname: '', ...entry } as TarEntry);
  return { path, entry: full, layer: 0, children };
}

const NODES: FileNode[] = [
  node('etc/os-release', { size: 123, mode: 0o644, uid: 1000, gid: 1000, mtime: 1_700_000_000 }),
  node('usr', undefined, new Set()),
  node('bin/sh', { type: 'symlink', linkname: '/bin/busybox' }),
  node('app/hard', { type: 'hardlink', linkname: 'app/"quoted"\\name' }),
  node('naïve/ünïcödé/файл 名前.txt', { size: 2 ** 40, mtime: 1.5 }),
  node('weird\nnew\tline\u0001', { mtime: Number.NaN }),
  node('dev/null', { type: 'character-device', mode: 0o666 }),
  node('huge', { size: Number.MAX_SAFE_INTEGER, mtime: -1 }),
];

describe('cli: ls --json entry text', () => {
  for (const item of NODES) {
    it(`matches JSON.stringify for ${JSON.stringify(item.path)}`, () => {
      assert.equal(entryJsonText(item), JSON.stringify(entryJson(item)));
    });
  }

  it('appends extra fields before the closing brace', () => {
    const text = entryJsonText(NODES[0], ',"offset":1024');
    assert.deepEqual(JSON.parse(text), { ...entryJson(NODES[0]), offset: 1024 });
  });
});
