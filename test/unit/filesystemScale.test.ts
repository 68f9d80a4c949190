/**
 * Scale: a 200k-entry base layer and an upper layer with whiteouts, an opaque directory and
 * modifications, as LayerIndex entries (what LayerStore gives), merged. Prints the time and the
 * heap it took; fails only far past the targets (2 s, 300 MB), so a loaded machine does not make
 * it flaky. The bench (`npm run bench -- --only merged`) measures the CLI end to end.
 */
import * as assert from 'node:assert/strict';
import { ImageError } from '../../src/core/errors';
import { mergeLayers, mergeLayersAsync, type MergeInput } from '../../src/core/filesystem/mergedFilesystem';
import type { TarEntry } from '../../src/core/tar/tarEntry';

function entry(path: string, type: TarEntry['type'], offset: number, size = 0): TarEntry {
  return { path, type, size, dataOffset: offset + 512, headerOffset: offset, mode: type === 'directory' ? 0o755 : 0o644, uid: 0, gid: 0, mtime: 1_700_000_000, linkname: '' };
}

/** `directories` × `files` files under files/dNNN/, each directory with its header first. */
function baseLayer(directories: number, files: number): MergeInput {
  const entries: TarEntry[] = [entry('./', 'directory', 0), entry('./files/', 'directory', 512)];
  let offset = 1024;
  for (let directory = 0; directory < directories; directory++) {
    const name = `./files/d${String(directory).padStart(3, '0')}`;
    entries.push(entry(`${name}/`, 'directory', offset));
    offset += 512;
    for (let file = 0; file < files; file++) {
      entries.push(entry(`${name}/f${String(file).padStart(4, '0')}.txt`, 'file', offset, 100));
      offset += 1024;
    }
  }
  return { digest: `sha256:${'a'.repeat(64)}`, entries };
}

function upperLayer(): MergeInput {
  const entries: TarEntry[] = [entry('files/.wh.d000', 'file', 0), entry('files/d001/', 'directory', 512), entry('files/d001/.wh..wh..opq', 'file', 1024), entry('files/d001/new.txt', 'file', 1536, 5)];
  for (let file = 0; file < 1000; file++) entries.push(entry(`files/d002/f${String(file).padStart(4, '0')}.txt`, 'file', 4096 + file * 1024, 200));
  return { digest: `sha256:${'b'.repeat(64)}`, entries };
}

describe('merged filesystem at scale', function () {
  this.timeout(120_000);

  it('merges a 200k-entry layer and an upper layer well within 2 s and 300 MB', () => {
    const layers = [baseLayer(200, 1000), upperLayer()];
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const merged = mergeLayers(layers);
    const elapsed = performance.now() - started;
    gc?.();
    const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    console.log(`      200,000 + 1,004 entries merged in ${elapsed.toFixed(0)} ms, heap +${heapGrowth.toFixed(0)} MB${gc ? '' : ' (no --expose-gc: heap figure includes garbage)'}`);
    assert.equal(merged.tree.size, 1 + 1 + 199 + 199 * 1000 - 1000 + 1);
    assert.equal(merged.changes(1).deleted.length, 1 + 1000 + 1000);
    assert.equal(merged.changes(1).modified.length, 1000);
    assert.deepEqual(merged.changes(1).added.map((change) => change.path), ['files/d001/new.txt']);
    assert.ok(elapsed < 6_000, `${elapsed} ms`);
    assert.ok(heapGrowth < 300, `${heapGrowth} MB`);
  });

  it('mergeLayersAsync gives the same result, lets the event loop run, and stops when cancelled', async () => {
    const layers = [baseLayer(100, 1000), upperLayer()];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const merged = await mergeLayersAsync(layers);
    clearInterval(timer);
    assert.equal(merged.tree.size, mergeLayers(layers).tree.size);
    assert.ok(ticks > 0, 'the event loop never ran');
    const controller = new AbortController();
    setImmediate(() => controller.abort());
    await assert.rejects(mergeLayersAsync(layers, { signal: controller.signal }), (error: unknown) => error instanceof ImageError && error.code === 'cancelled');
  });
});
