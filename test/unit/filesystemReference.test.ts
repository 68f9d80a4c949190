/**
 * The merged filesystem of every multi-layer image we have, compared with an independent
 * unpacking: `umoci unpack --rootless` for OCI layouts (and oci-archives, extracted), and for
 * docker archives GNU tar applying the layers one by one into a directory, with the whiteout
 * rule done here (image-spec layer.md). Compared: paths, types, sizes, link targets and the
 * sha256 of every regular file's content (read through LayerStore). Devices and fifos are left
 * out (umoci --rootless does not create them). Fixtures: test/fixtures/generated
 * (`bash scripts/make-fixtures.sh`); corpus: ../shared/corpus. Missing inputs are skipped, saying so.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Duplex, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { imagesOf } from '../../src/cli/imageSelection';
import { loadMergedFilesystem, openFile, type ImageLayers } from '../../src/core/filesystem/imageFilesystem';
import { resolveFile } from '../../src/core/filesystem/links';
import { readImageManifest } from '../../src/core/filesystem/imageManifest';
import type { MergedFilesystem } from '../../src/core/filesystem/mergedFilesystem';
import { nodeType } from '../../src/core/filesystem/pathTree';
import { LayerStore } from '../../src/core/layers/layerStore';
import { buildImageGraph } from '../../src/core/model/imageGraph';
import type { ImageSource } from '../../src/core/sources/imageSource';
import type { TarEntry } from '../../src/core/tar/tarEntry';
import { parseTarStream } from '../../src/core/tar/tarStreamParser';
import { openSource } from '../../src/core/sources/openSource';
import { CORPUS_DIR, entriesOf, FIXTURES_DIR, MemoryImage } from './filesystemHelpers.test';

/** What both sides say about one path. */
interface Seen {
  type: 'file' | 'directory' | 'symlink';
  size?: number;
  linkname?: string;
  sha256?: string;
}

type Snapshot = Map<string, Seen>;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function run(command: string, args: string[], cwd?: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.error?.message ?? result.stderr.toString().trim()}`);
  return result.stdout.toString();
}

function hasTool(name: string): boolean {
  return spawnSync(name, ['--version']).status === 0;
}

/** A directory on disk, as lstat sees it (hard links are just files). */
function snapshotDirectory(root: string): Snapshot {
  const snapshot: Snapshot = new Map();
  const walk = (relative: string) => {
    for (const name of readdirSync(path.join(root, relative))) {
      const child = relative === '' ? name : `${relative}/${name}`;
      const full = path.join(root, child);
      const stats = lstatSync(full);
      if (stats.isDirectory()) {
        snapshot.set(child, { type: 'directory' });
        walk(child);
      } else if (stats.isSymbolicLink()) snapshot.set(child, { type: 'symlink', linkname: readlinkSync(full) });
      else if (stats.isFile()) snapshot.set(child, { type: 'file', size: stats.size, sha256: sha256(readFileSync(full)) });
    }
  };
  walk('');
  return snapshot;
}

/**
 * The sha256 of every entry's data, by `layer:dataOffset`, from one streaming pass per layer (for
 * big images, where reading thousands of files one by one through checkpoints takes long).
 */
async function hashLayers(image: ImageLayers): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const [position, layer] of image.layers.entries()) {
    let hash: Hash | undefined;
    let current: TarEntry | undefined;
    const finish = () => {
      if (hash !== undefined && current !== undefined) hashes.set(`${position}:${current.dataOffset}`, hash.digest('hex'));
      hash = undefined;
    };
    const raw = await image.source.open(layer.digest);
    const head = await image.reader.index(image.source, layer);
    const decoded = head.compression === 'none' ? raw : raw.pipe(head.compression === 'gzip' ? createGunzip() : (spawnDecoder('zstd') as Transform));
    await parseTarStream(decoded, {
      onEntry: (entry) => {
        finish();
        current = entry;
        if (entry.type !== 'file' && entry.type !== 'contiguous') return;
        hash = createHash('sha256');
        if (entry.size === 0) finish();
        return 'capture';
      },
      onData: (_entry, chunk) => void hash?.update(chunk),
      onEnd: finish,
    });
  }
  return hashes;
}

/** `tool -dc` as a transform stream. */
function spawnDecoder(tool: string): Duplex {
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'inherit'] });
  return Duplex.from({ writable: child.stdin, readable: child.stdout });
}

/**
 * Our merged view, every regular file (hard links through their target) read through the layer
 * reader, or, given `precomputed` (hashLayers), looked up by the layer and offset we resolve it to.
 */
async function snapshotMerged(image: ImageLayers, merged: MergedFilesystem, precomputed?: Map<string, string>): Promise<Snapshot> {
  const snapshot: Snapshot = new Map();
  // Hard links share data: hash each layer entry once (dive's image has 392 links to one 1 MB file).
  const hashes = precomputed ?? new Map<string, string>();
  for (const node of merged.tree.walk(merged.tree.root)) {
    if (node === merged.tree.root) continue;
    const type = nodeType(node);
    if (type === 'directory') snapshot.set(node.path, { type });
    else if (type === 'symlink') snapshot.set(node.path, { type, linkname: node.entry?.linkname });
    else if (type === 'file' || type === 'hardlink' || type === 'contiguous') {
      if (precomputed !== undefined) {
        const file = resolveFile(merged, node.path);
        snapshot.set(node.path, { type: 'file', size: file.entry.size, sha256: precomputed.get(`${file.layer}:${file.entry.dataOffset}`) });
        continue;
      }
      const { file, data } = await openFile(image, merged, node.path);
      const key = `${file.layer}:${file.entry.dataOffset}`;
      let hash = hashes.get(key);
      if (hash === undefined) {
        const chunks: Buffer[] = [];
        for await (const chunk of data) chunks.push(chunk as Buffer);
        hash = sha256(Buffer.concat(chunks));
        hashes.set(key, hash);
      } else data.destroy();
      snapshot.set(node.path, { type: 'file', size: file.entry.size, sha256: hash });
    }
  }
  return snapshot;
}

/** Devices and fifos of our view: umoci --rootless leaves empty files in their place, GNU tar makes them. */
function specialFiles(merged: MergedFilesystem): Set<string> {
  const special = new Set<string>();
  for (const node of merged.tree.walk(merged.tree.root)) if (['character-device', 'block-device', 'fifo'].includes(nodeType(node))) special.add(node.path);
  return special;
}

function compareSnapshots(actual: Snapshot, expected: Snapshot, what: string, special = new Set<string>()): void {
  const problems: string[] = [];
  for (const entryPath of special) if (!expected.has(entryPath)) problems.push(`the reference has no ${entryPath} (a device or fifo of ours)`);
  for (const [entryPath, seen] of expected) {
    if (special.has(entryPath)) continue;
    const ours = actual.get(entryPath);
    if (ours === undefined) problems.push(`missing ${entryPath} (${seen.type})`);
    else if (JSON.stringify(ours) !== JSON.stringify(seen)) problems.push(`${entryPath}: ours ${JSON.stringify(ours)}, reference ${JSON.stringify(seen)}`);
  }
  for (const entryPath of actual.keys()) if (!expected.has(entryPath)) problems.push(`extra ${entryPath}`);
  assert.deepEqual(problems.slice(0, 20), [], `${what}: ${problems.length} differences`);
}

/** One image of a source: our merged view, and what the manifest says for the references. */
interface OpenedImage {
  image: ImageLayers;
  merged: MergedFilesystem;
  manifestDigest: string;
  configDigest?: string;
}

async function withImages(location: string, work: (opened: OpenedImage) => Promise<void>): Promise<number> {
  const source: ImageSource = await openSource(location);
  const reader = new LayerStore();
  try {
    const graph = await buildImageGraph(source);
    let count = 0;
    for (const node of imagesOf(graph)) {
      const manifest = await readImageManifest(source, graph, node.digest);
      if (manifest.layers.length < 1) continue;
      const image = { source, layers: manifest.layers, reader };
      const document = graph.documents.get(node.digest);
      await work({ image, merged: await loadMergedFilesystem(image), manifestDigest: node.digest, configDigest: document?.type === 'manifest' ? document.config.digest : undefined });
      count++;
    }
    return count;
  } finally {
    await source.close();
  }
}

/** `umoci unpack --rootless` of one manifest of an OCI layout (a copy, tagged "cie" for umoci). */
function umociRootfs(layout: string, manifestDigest: string, work: string): string {
  const copy = path.join(work, 'layout');
  cpSync(layout, copy, { recursive: true });
  const index = JSON.parse(readFileSync(path.join(copy, 'index.json'), 'utf8')) as { manifests: Array<Record<string, unknown>> };
  const blob = path.join(copy, 'blobs', ...manifestDigest.split(':'));
  const manifest = JSON.parse(readFileSync(blob, 'utf8')) as { mediaType?: string };
  index.manifests = [{ mediaType: manifest.mediaType ?? 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: readFileSync(blob).length, annotations: { 'org.opencontainers.image.ref.name': 'cie' } }];
  writeFileSync(path.join(copy, 'index.json'), JSON.stringify(index));
  const bundle = path.join(work, 'bundle');
  run('umoci', ['unpack', '--rootless', '--image', `${copy}:cie`, bundle]);
  return path.join(bundle, 'rootfs');
}

/** A layer blob as a plain tar file (GNU gzip/zstd decompress it). */
function plainTar(blob: string, work: string): string {
  const head = readFileSync(blob).subarray(0, 4);
  if (head[0] === 0x1f && head[1] === 0x8b) return decompress('gzip', blob, work);
  if (head.readUInt32LE(0) === 0xfd2fb528) return decompress('zstd', blob, work);
  return blob;
}

let decompressed = 0;
function decompress(tool: string, blob: string, work: string): string {
  const out = path.join(work, `layer-${decompressed++}.tar`);
  writeFileSync(out, spawnSync(tool, ['-dc', blob], { maxBuffer: 1024 * 1024 * 1024 }).stdout);
  return out;
}

/** GNU tar's listing of a layer: [type letter, clean name]. */
function listLayer(tar: string): Array<{ type: string; name: string }> {
  return run('tar', ['--quoting-style=literal', '-tvf', tar])
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^(\S)\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(.*)$/.exec(line) as RegExpExecArray;
      const type = match[1];
      let name = match[2];
      if (type === 'l') name = name.split(' -> ')[0];
      if (/ link to /.test(name)) name = name.split(' link to ')[0];
      const clean = path.posix.normalize(name.replace(/^\/+/, '')).replace(/\/$/, '');
      return { type, name: clean === '.' ? '' : clean };
    });
}

/**
 * Applies a layer with GNU tar the way layer.md says: whiteouts and opaque markers first (on
 * what the layers below left), then the entries; a non-directory in the way of a directory (or
 * of a directory's path) is removed first, as an overlay filesystem replaces it. Removing those
 * first also means tar never writes through a symlink of an earlier layer.
 */
function applyLayerWithGnuTar(rootfs: string, tar: string): void {
  const listing = listLayer(tar);
  const inRoot = (name: string) => path.join(rootfs, name);
  const exists = (name: string) => {
    try {
      return lstatSync(inRoot(name));
    } catch {
      return undefined;
    }
  };
  for (const { name } of listing) {
    const base = path.posix.basename(name);
    const directory = path.posix.dirname(name) === '.' ? '' : path.posix.dirname(name);
    if (base === '.wh..wh..opq') {
      if (exists(directory)?.isDirectory()) for (const child of readdirSync(inRoot(directory))) rmSync(path.join(inRoot(directory), child), { recursive: true, force: true });
    } else if (base.startsWith('.wh.')) rmSync(inRoot(path.posix.join(directory, base.slice(4))), { recursive: true, force: true });
  }
  for (const { type, name } of listing) {
    if (name === '' || path.posix.basename(name).startsWith('.wh.')) continue;
    const parts = name.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const ancestor = parts.slice(0, depth).join('/');
      const stats = exists(ancestor);
      if (stats !== undefined && !stats.isDirectory()) rmSync(inRoot(ancestor), { force: true });
    }
    const stats = exists(name);
    if (stats === undefined) continue;
    if (type === 'd' && !stats.isDirectory()) rmSync(inRoot(name), { force: true });
    if (type !== 'd' && stats.isDirectory()) rmSync(inRoot(name), { recursive: true, force: true });
  }
  run('tar', ['-xf', tar, '-C', rootfs, '--no-same-owner', '--exclude=.wh.*']);
}

interface DockerSaveImage {
  Config: string;
  Layers: string[];
}

describe('merged filesystem: compared with umoci and GNU tar', function () {
  this.timeout(600_000);
  let work: string;

  before(function () {
    if (!hasTool('umoci') || !hasTool('tar')) {
      console.warn('      skipped: umoci and GNU tar are needed');
      this.skip();
    }
  });
  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'cie-merged-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** Every image of an OCI layout (or an extracted oci-archive) against umoci. */
  async function compareLayout(context: Mocha.Context, location: string, layoutDirectory = location, streamed = false): Promise<number> {
    let devices = 0;
    if (!existsSync(location)) {
      console.warn(`      skipped: ${location} is absent`);
      context.skip();
    }
    const count = await withImages(location, async ({ image, merged, manifestDigest }) => {
      const scratch = mkdtempSync(path.join(work, 'image-'));
      const expected = snapshotDirectory(umociRootfs(layoutDirectory, manifestDigest, scratch));
      const ours = await snapshotMerged(image, merged, streamed ? await hashLayers(image) : undefined);
      compareSnapshots(ours, expected, `${location} ${manifestDigest}`, specialFiles(merged));
      devices += specialFiles(merged).size;
    });
    assert.ok(count > 0, `${location}: no image compared`);
    return devices;
  }

  /** Every image of a docker save archive against GNU tar applying its layers. */
  async function compareDockerArchive(context: Mocha.Context, location: string): Promise<void> {
    if (!existsSync(location)) {
      console.warn(`      skipped: ${location} is absent`);
      context.skip();
    }
    const extracted = path.join(work, 'archive');
    mkdirSync(extracted);
    run('tar', ['-xf', location, '-C', extracted]);
    const saved = JSON.parse(readFileSync(path.join(extracted, 'manifest.json'), 'utf8')) as DockerSaveImage[];
    const count = await withImages(location, async ({ image, merged, configDigest }) => {
      const entry = saved.find((candidate) => configDigest !== undefined && candidate.Config.replace(/^blobs\/sha256\/|\.json$|^sha256:/g, '') === configDigest.slice(7));
      assert.ok(entry !== undefined, `${location}: manifest.json names no image with config ${configDigest}`);
      const rootfs = mkdtempSync(path.join(work, 'rootfs-'));
      for (const layer of entry.Layers) applyLayerWithGnuTar(rootfs, plainTar(path.join(extracted, layer), work));
      compareSnapshots(await snapshotMerged(image, merged), snapshotDirectory(rootfs), `${location} ${configDigest}`, specialFiles(merged));
    });
    assert.ok(count > 0, `${location}: no image compared`);
  }

  /** Every image of an OCI layout against GNU tar applying its layer blobs (zstd ones after zstd -d). */
  async function compareLayoutWithGnuTar(context: Mocha.Context, location: string): Promise<void> {
    if (!existsSync(location)) {
      console.warn(`      skipped: ${location} is absent`);
      context.skip();
    }
    const count = await withImages(location, async ({ image, merged }) => {
      const rootfs = mkdtempSync(path.join(work, 'rootfs-'));
      for (const layer of image.layers) applyLayerWithGnuTar(rootfs, plainTar(path.join(location, 'blobs', ...layer.digest.split(':')), work));
      compareSnapshots(await snapshotMerged(image, merged), snapshotDirectory(rootfs), location, specialFiles(merged));
    });
    assert.ok(count > 0, `${location}: no image compared`);
  }

  const fixture = (name: string) => path.join(FIXTURES_DIR, name);
  const corpus = (name: string) => path.join(CORPUS_DIR, name);

  describe('OCI layouts, against umoci unpack --rootless', () => {
    it('fixtures oci-layout (3 layers: whiteouts, opaque directory, hard link, symlinks)', async function () {
      await compareLayout(this, fixture('oci-layout'));
    });
    it('fixtures multi-platform-layout (each image of the index)', async function () {
      await compareLayout(this, fixture('multi-platform-layout'));
    });
    it('fixtures oci-archive.tar (extracted for umoci)', async function () {
      const layout = path.join(work, 'oci-archive');
      if (existsSync(fixture('oci-archive.tar'))) {
        mkdirSync(layout);
        run('tar', ['-xf', fixture('oci-archive.tar'), '-C', layout]);
      }
      await compareLayout(this, fixture('oci-archive.tar'), layout);
    });
    it('corpus apko top_image (2 platforms, shared base layer, character devices)', async function () {
      // Each image's base layer has /dev/{console,null,random,urandom,zero}.
      assert.equal(await compareLayout(this, corpus('chainguard-dev__apko/internal/cli/testdata/top_image')), 10);
    });
    it('corpus stereoscope valid_oci_dir and trivy test.oci', async function () {
      await compareLayout(this, corpus('anchore__stereoscope/pkg/image/oci/testdata/valid_oci_dir'));
      await compareLayout(this, corpus('aquasecurity__trivy/pkg/fanal/test/testdata/test.oci'));
    });
  });

  describe('OCI layouts, against GNU tar applying the layers', () => {
    it('fixtures zstd-layout (zstd layers, which umoci 0.4.7 cannot read) and oci-layout', async function () {
      await compareLayoutWithGnuTar(this, fixture('zstd-layout'));
      await compareLayoutWithGnuTar(this, fixture('oci-layout'));
    });
  });

  describe('docker archives, against GNU tar applying the layers', () => {
    it('fixtures docker-archive.tar and docker-archive-multi.tar (2 images sharing a layer)', async function () {
      await compareDockerArchive(this, fixture('docker-archive.tar'));
      rmSync(path.join(work, 'archive'), { recursive: true, force: true });
      await compareDockerArchive(this, fixture('docker-archive-multi.tar'));
    });
    it('fixtures docker25.tar, containerd-save.tar, docker-archive.tar.gz and .tar.zst', async function () {
      for (const name of ['docker25.tar', 'containerd-save.tar', 'docker-archive.tar.gz', 'docker-archive.tar.zst']) {
        rmSync(path.join(work, 'archive'), { recursive: true, force: true });
        await compareDockerArchive(this, fixture(name));
      }
    });
    it('corpus dive test-docker-image.tar (14 layers, 392 hard links, file and directory whiteouts)', async function () {
      await compareDockerArchive(this, corpus('wagoodman__dive/.data/test-docker-image.tar'));
    });
    it('corpus ggcr whiteout_image.tar (file whiteout, empty layer) and whiteout_dir.tar (directory whiteout, re-created)', async function () {
      await compareDockerArchive(this, corpus('google__go-containerregistry/pkg/v1/mutate/testdata/whiteout_image.tar'));
      rmSync(path.join(work, 'archive'), { recursive: true, force: true });
      await compareDockerArchive(this, corpus('google__go-containerregistry/pkg/v1/mutate/testdata/whiteout_dir.tar'));
    });
    it('corpus snyk nodes-fake-multi.tar (opaque directory), osv-scalibr basic.tar, trivy alpine-310.tar.gz', async function () {
      await compareDockerArchive(this, corpus('snyk__snyk-docker-plugin/test/fixtures/docker-archives/skopeo-copy/nodes-fake-multi.tar'));
      rmSync(path.join(work, 'archive'), { recursive: true, force: true });
      await compareDockerArchive(this, corpus('google__osv-scalibr/artifact/image/layerscanning/image/testdata/basic.tar'));
      rmSync(path.join(work, 'archive'), { recursive: true, force: true });
      await compareDockerArchive(this, corpus('aquasecurity__trivy/pkg/fanal/test/testdata/alpine-310.tar.gz'));
    });
  });

  it('bench corpus debian-oci (debootstrap bookworm, 3 layers) and many-oci (200k files), against umoci: opt-in with CIE_MERGED_BENCH=1', async function () {
    const bench = path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'container-image-explorer/bench');
    if (process.env.CIE_MERGED_BENCH !== '1' || !existsSync(path.join(bench, 'corpus.json'))) {
      console.warn('      skipped: set CIE_MERGED_BENCH=1 and build the bench corpus (npm run bench:corpus)');
      this.skip();
    }
    this.timeout(3_600_000);
    await compareLayout(this, path.join(bench, 'debian-oci'), undefined, true);
    await compareLayout(this, path.join(bench, 'many-oci'), undefined, true);
  });

  it('regclient layer.tar then layer-wh.tar (file whiteout, opaque directory), against GNU tar', async function () {
    const lower = corpus('regclient__regclient/testdata/layer.tar');
    const upper = corpus('regclient__regclient/testdata/layer-wh.tar');
    if (!existsSync(lower) || !existsSync(upper)) {
      console.warn('      skipped: regclient layers are absent');
      this.skip();
    }
    const source = new MemoryImage();
    const layers = [source.add(readFileSync(lower)), source.add(readFileSync(upper))];
    const image = { source, layers, reader: new LayerStore() };
    const merged = await loadMergedFilesystem(image);
    const rootfs = path.join(work, 'rootfs');
    mkdirSync(rootfs);
    applyLayerWithGnuTar(rootfs, lower);
    applyLayerWithGnuTar(rootfs, upper);
    compareSnapshots(await snapshotMerged(image, merged), snapshotDirectory(rootfs), 'regclient layers');
    assert.equal(merged.get('layer2.txt'), undefined);
    assert.deepEqual((await entriesOf(readFileSync(upper))).length, 5);
  });
});
