/**
 * Property: for random stacks of 2–6 layers (adds, modifications, whiteouts of files and
 * directories, opaque directories, type changes, symlinks, repeated headers, parents left
 * implicit), written as real tar layers, the merged filesystem equals a plain reference model:
 * a Map from path to node, each layer replayed onto it in order, changes found by comparing the
 * Map before and after the layer. File contents are read back through a LayerReader.
 */
import * as assert from 'node:assert/strict';
import { loadMergedFilesystem, openFile } from '../../src/core/filesystem/imageFilesystem';
import { nodeType } from '../../src/core/filesystem/pathTree';
import { MemoryImage, readStream, TinyLayerReader, writeLayer, type LayerEntrySpec } from './filesystemHelpers.test';

type RefType = 'file' | 'directory' | 'symlink';

interface RefNode {
  type: RefType;
  /** Layer of the header, or of the layer that implied the directory. */
  layer: number;
  explicit: boolean;
  mode: number;
  content?: string;
  linkname?: string;
}

type State = Map<string, RefNode>;

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function ancestorsOf(path: string): string[] {
  const result: string[] = [];
  for (let parent = parentOf(path); parent !== ''; parent = parentOf(parent)) result.push(parent);
  return result;
}

function isBeneath(path: string, ancestor: string): boolean {
  return ancestor === '' ? path !== '' : path.startsWith(`${ancestor}/`);
}

function deleteBeneath(state: State, ancestor: string, touched: Set<string>): void {
  for (const path of [...state.keys()]) {
    if (!isBeneath(path, ancestor)) continue;
    state.delete(path);
    touched.add(path);
  }
}

/** The reference: one layer applied to a Map (whiteouts, then opaque directories, then entries). */
function applyReference(state: State, layer: Layer, index: number): void {
  const touched = new Set<string>();
  const ensureDirectory = (path: string) => {
    for (const directory of [...ancestorsOf(`${path}/x`)].reverse()) {
      const existing = state.get(directory);
      if (existing?.type === 'directory') continue;
      if (existing) touched.add(directory);
      state.set(directory, { type: 'directory', layer: index, explicit: false, mode: 0o755 });
    }
  };
  for (const target of layer.whiteouts) {
    if (state.delete(target)) touched.add(target);
    deleteBeneath(state, target, touched);
  }
  for (const target of layer.whiteouts) if (parentOf(target) !== '') ensureDirectory(parentOf(target));
  for (const directory of layer.opaques) {
    if (directory !== '') ensureDirectory(directory);
    deleteBeneath(state, directory, touched);
  }
  for (const spec of layer.entries) {
    const path = spec.name.replace(/\/$/, '');
    if (parentOf(path) !== '') ensureDirectory(parentOf(path));
    const type: RefType = spec.type === 'directory' ? 'directory' : spec.type === 'symlink' ? 'symlink' : 'file';
    const existing = state.get(path);
    if (existing !== undefined && !(existing.type === 'directory' && type === 'directory')) deleteBeneath(state, path, touched);
    state.set(path, { type, layer: index, explicit: true, mode: spec.mode ?? (type === 'directory' ? 0o755 : 0o644), content: type === 'file' ? String(spec.content) : undefined, linkname: spec.linkname });
  }
  layer.touched = touched;
}

/** Changes by comparing the Map before and after a layer (plus paths removed and re-created in it). */
function referenceChanges(before: State, after: State, touched: Set<string>, layer: number): Map<string, string> {
  const changes = new Map<string, string>();
  for (const [path, node] of after) {
    const old = before.get(path);
    if (old === undefined) changes.set(path, 'added');
    else if (touched.has(path) || old.type !== node.type) changes.set(path, 'modified');
    else if (node.type !== 'directory' ? node.layer === layer : node.explicit && (!old.explicit || old.mode !== node.mode)) changes.set(path, 'modified');
  }
  for (const path of before.keys()) if (!after.has(path)) changes.set(path, 'deleted');
  return changes;
}

interface Layer {
  entries: LayerEntrySpec[];
  whiteouts: string[];
  opaques: string[];
  touched?: Set<string>;
}

/** mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A valid random layer over `state`: nothing in it contradicts itself (see readLayerContent for what would). */
function randomLayer(state: State, layerIndex: number, next: () => number): Layer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const names = ['a', 'b', 'c', 'd'];
  const randomPath = () => Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(names)).join('/');
  const layer: Layer = { entries: [], whiteouts: [], opaques: [] };
  const entryTypes = new Map<string, RefType>();
  const nonDirectories = () => [...entryTypes].filter(([, type]) => type !== 'directory').map(([path]) => path);
  // Nothing may sit beneath a non-directory of this layer, and a non-directory may not have
  // anything of this layer (entries, whiteouts, opaque markers) beneath it.
  const free = (path: string, nonDirectory: boolean) =>
    !nonDirectories().some((other) => other === path || isBeneath(path, other)) &&
    !(nonDirectory && [...entryTypes.keys(), ...layer.whiteouts, ...layer.opaques.map((directory) => `${directory}/x`)].some((other) => isBeneath(other, path)));
  const add = (spec: LayerEntrySpec, type: RefType) => {
    const path = spec.name.replace(/\/$/, '');
    if (!free(path, type !== 'directory')) return;
    // Half the time the parents get headers of their own, before the entry.
    if (next() < 0.5) for (const parent of ancestorsOf(path).reverse()) if (!entryTypes.has(parent)) add({ name: `${parent}/`, type: 'directory', mode: 0o755 }, 'directory');
    if (entryTypes.has(path) && entryTypes.get(path) !== type) return;
    layer.entries.push(spec);
    entryTypes.set(path, type);
  };
  const existing = [...state.keys()];
  const directories = existing.filter((path) => state.get(path)?.type === 'directory');
  const operations = 1 + Math.floor(next() * 6);
  for (let step = 0; step < operations; step++) {
    const roll = next();
    const content = `L${layerIndex}:${step}:${Math.floor(next() * 1e6)}`;
    if (roll < 0.35 || existing.length === 0) add({ name: randomPath(), content }, 'file');
    else if (roll < 0.5) add({ name: pick(existing), content }, 'file'); // modify, or a directory becomes a file
    else if (roll < 0.62) {
      const target = pick(existing);
      const clashes = [...entryTypes.keys(), ...layer.whiteouts, ...layer.opaques].some((other) => other === target || isBeneath(other, target) || isBeneath(target, other));
      if (!clashes && free(target, false)) layer.whiteouts.push(target);
    } else if (roll < 0.72 && directories.length > 0) {
      const directory = pick(directories);
      const clashes = layer.whiteouts.some((target) => target === directory || isBeneath(directory, target) || isBeneath(target, directory)) || nonDirectories().some((other) => other === directory || isBeneath(directory, other));
      if (!clashes && !layer.opaques.includes(directory)) {
        layer.opaques.push(directory);
        if (next() < 0.5) add({ name: `${directory}/${pick(names)}`, content }, 'file');
      }
    } else if (roll < 0.82) add({ name: `${randomPath()}/`, type: 'directory', mode: next() < 0.5 ? 0o755 : 0o700 }, 'directory');
    else if (roll < 0.92) add({ name: randomPath(), type: 'symlink', linkname: pick(['a', '/b/c', '../d']) }, 'symlink');
    else if (layer.entries.length > 0) {
      // The same path twice in one layer: the last header wins.
      const previous = layer.entries[layer.entries.length - 1];
      if (previous.type === undefined) layer.entries.push({ ...previous, content: `${content} (again)` });
    }
  }
  return layer;
}

function toTarEntries(layer: Layer): LayerEntrySpec[] {
  const markers: LayerEntrySpec[] = [
    ...layer.whiteouts.map((target) => ({ name: `${parentOf(target) === '' ? '' : `${parentOf(target)}/`}.wh.${target.slice(target.lastIndexOf('/') + 1)}`, content: '' })),
    ...layer.opaques.map((directory) => ({ name: `${directory === '' ? '' : `${directory}/`}.wh..wh..opq`, content: '' })),
  ];
  // Markers first, as image-spec asks writers to do; entries in the order generated.
  return [...markers, ...layer.entries];
}

describe('merged filesystem: property test against a reference model', function () {
  this.timeout(300_000);
  const RUNS = Number(process.env.CIE_PROPERTY_RUNS ?? 200);

  it(`${RUNS} random stacks of 2–6 layers: same tree, layers, contents, histories and change sets`, async () => {
    // What the runs exercised: each feature must have come up, or the generator has drifted.
    const seen = { whiteouts: 0, opaques: 0, deletedDirectories: 0, impliedDirectories: 0, typeChanges: 0, repeatedHeaders: 0, symlinks: 0 };
    for (let run = 0; run < RUNS; run++) {
      const seed = 1000 + run;
      const next = random(seed);
      const image = new MemoryImage();
      const layerCount = 2 + Math.floor(next() * 5);
      let state: State = new Map();
      const layers = [];
      const expectedChanges: Array<Map<string, string>> = [];
      const expectedHistory = new Map<string, string[]>();
      for (let index = 0; index < layerCount; index++) {
        const layer = randomLayer(state, index, next);
        const before = new Map(state);
        applyReference(state, layer, index);
        const changes = referenceChanges(before, state, layer.touched ?? new Set(), index);
        expectedChanges.push(changes);
        for (const [path, change] of changes) expectedHistory.set(path, [...(expectedHistory.get(path) ?? []), `${change}@${index}`]);
        layers.push(image.add(await writeLayer(toTarEntries(layer)), next() < 0.5));
        seen.whiteouts += layer.whiteouts.length;
        seen.opaques += layer.opaques.length;
        seen.deletedDirectories += [...changes].filter(([path, change]) => change === 'deleted' && before.get(path)?.type === 'directory').length;
        seen.typeChanges += [...changes].filter(([path, change]) => change === 'modified' && before.get(path)?.type !== state.get(path)?.type).length;
        seen.repeatedHeaders += layer.entries.length - new Set(layer.entries.map((entry) => entry.name)).size;
        seen.symlinks += layer.entries.filter((entry) => entry.type === 'symlink').length;
        state = new Map(state);
      }
      const context = `seed ${seed}`;
      const imageLayers = { source: image, layers, reader: new TinyLayerReader() };
      const merged = await loadMergedFilesystem(imageLayers);
      const actual = [...merged.tree.walk(merged.tree.root)].slice(1);
      assert.deepEqual(
        actual.map((node) => node.path),
        [...state.keys()].sort((left, right) => (left < right ? -1 : 1)),
        `${context}: paths`,
      );
      seen.impliedDirectories += actual.filter((node) => node.entry === undefined).length;
      for (const node of actual) {
        const expected = state.get(node.path) as RefNode;
        const where = `${context}: ${node.path}`;
        assert.equal(nodeType(node), expected.type, `${where}: type`);
        assert.equal(node.layer, expected.layer, `${where}: layer`);
        assert.equal(node.entry !== undefined, expected.explicit, `${where}: has a header`);
        if (expected.explicit) assert.equal(node.entry?.mode, expected.mode, `${where}: mode`);
        if (expected.type === 'symlink') assert.equal(node.entry?.linkname, expected.linkname, `${where}: linkname`);
        if (expected.type === 'file') {
          const { data } = await openFile(imageLayers, merged, node.path);
          assert.equal((await readStream(data)).toString(), expected.content, `${where}: content`);
        }
      }
      for (const [path, history] of expectedHistory) {
        assert.deepEqual(
          merged.history(path).map((change) => `${change.change}@${change.layer}`),
          history,
          `${context}: history of ${path}`,
        );
      }
      expectedChanges.forEach((changes, index) => {
        const set = merged.changes(index);
        const actualChanges = new Map([...set.added, ...set.modified, ...set.deleted].map((change) => [change.path, change.change as string]));
        assert.deepEqual(new Map([...actualChanges].sort()), new Map([...changes].sort()), `${context}: changes of layer ${index}`);
      });
    }
    console.log(`      exercised: ${JSON.stringify(seen)}`);
    for (const [feature, count] of Object.entries(seen)) assert.ok(count >= RUNS / 20, `only ${count} ${feature} in ${RUNS} runs`);
  });
});
