/**
 * `ls`, `get` and `changes` end to end: `node dist/cli.js` spawned on the generated fixtures and
 * on a small OCI layout written here (link cycle, dangling link); JSON shapes (exact key sets),
 * exit codes, image selection. The bundle is built by `npm run build` in the before hook and
 * copied aside, so a concurrent rebuild (which empties dist/) cannot pull it away mid-run; if the
 * whole build fails on files unrelated to the CLI, src/cli.ts alone is bundled the same way.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { FIXTURES_DIR, REPO_ROOT, writeLayer } from './filesystemHelpers.test';

interface CliResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const LS_KEYS = ['gid', 'linkname', 'mode', 'mtime', 'path', 'size', 'type', 'uid'];
const MERGED_KEYS = [...LS_KEYS, 'history', 'layer'].sort();
const TYPES = ['file', 'directory', 'symlink', 'hardlink', 'character-device', 'block-device', 'fifo', 'contiguous', 'unknown'];

let work: string;
let cli: string;

function run(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, CIE_CACHE_DIR: path.join(work, 'cache') },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.toString() };
}

function json(...args: string[]): unknown {
  const result = run(...args);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.toString());
}

function sortedKeys(value: unknown): string[] {
  return Object.keys(value as object).sort();
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The CLI bundle: `npm run build`'s dist/cli.js and the dist/cli-main.js it loads, copied aside; else src/cli.ts bundled alone. */
async function buildCli(into: string): Promise<string> {
  const target = path.join(into, 'cli.js');
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const built = path.join(REPO_ROOT, 'dist', 'cli.js');
  const builtMain = path.join(REPO_ROOT, 'dist', 'cli-main.js');
  if (build.status === 0 && existsSync(built) && existsSync(builtMain)) {
    copyFileSync(built, target);
    copyFileSync(builtMain, path.join(into, 'cli-main.js'));
    return target;
  }
  console.warn(`      npm run build failed (${(build.stderr || build.stdout).trim().split('\n').find((line) => /ERROR|error/.test(line)) ?? `exit ${build.status}`}); bundling src/cli.ts alone`);
  await esbuild.build({ entryPoints: [path.join(REPO_ROOT, 'src/cli.ts')], outfile: target, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
  return target;
}

function layout(name: string): string {
  return path.join(FIXTURES_DIR, name);
}

/** Layer digests of the fixture oci-layout's image (tag 1.0), base first. */
function fixtureLayers(): string[] {
  const root = layout('oci-layout');
  const index = JSON.parse(readFileSync(path.join(root, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const manifest = JSON.parse(readFileSync(path.join(root, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8')) as { layers: Array<{ digest: string }> };
  return manifest.layers.map((layer) => layer.digest);
}

/** A one-image OCI layout written by hand around `layerTar`. */
function writeLayout(directory: string, layerTar: Buffer): void {
  const put = (bytes: Buffer) => {
    const hex = sha256(bytes);
    writeFileSync(path.join(directory, 'blobs/sha256', hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  mkdirSync(path.join(directory, 'blobs/sha256'), { recursive: true });
  writeFileSync(path.join(directory, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const layer = put(layerTar);
  const config = put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.digest] }, history: [{ created_by: 'links' }] })));
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
      }),
    ),
  );
  writeFileSync(path.join(directory, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }] }));
}

describe('CLI: ls, get, changes', function () {
  this.timeout(300_000);

  before(async function () {
    if (!existsSync(path.join(FIXTURES_DIR, 'fixtures.json'))) {
      console.warn('      skipped: no fixtures (bash scripts/make-fixtures.sh)');
      this.skip();
    }
    work = mkdtempSync(path.join(tmpdir(), 'cie-cli-layers-'));
    cli = await buildCli(work);
  });
  after(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('ls --toc --json lists every tar entry in archive order, as GNU tar does, with data offsets', () => {
    const blobs = path.join(layout('oci-layout'), 'blobs', 'sha256');
    for (const layer of fixtureLayers()) {
      const blob = path.join(blobs, layer.slice('sha256:'.length));
      const tar = spawnSync('tar', ['-tf', blob], { encoding: 'utf8' });
      assert.equal(tar.status, 0, tar.stderr);
      const expected = tar.stdout.split('\n').filter(Boolean).map((name) => name.replace(/^\.\//, '').replace(/\/$/, '')).filter((name) => name !== '.' && name !== '');
      const toc = json('ls', layout('oci-layout'), layer, '--toc', '--json') as Array<{ path: string; type: string; size: number; offset: number }>;
      assert.deepEqual(toc.map((entry) => entry.path), expected, layer);
      const uncompressed = spawnSync('sh', ['-c', `gzip -dc < '${blob}' 2>/dev/null || cat '${blob}'`], { maxBuffer: 1 << 28 }).stdout;
      for (const entry of toc.filter((item) => item.type === 'file' && item.size > 0)) {
        const viaGet = run('get', layout('oci-layout'), layer, entry.path).stdout;
        assert.ok(uncompressed.subarray(entry.offset, entry.offset + entry.size).equals(viaGet), `${entry.path} at offset ${entry.offset}`);
      }
    }
    assert.equal(run('ls', layout('oci-layout'), '--merged', '--toc').status, 2);
  });

  it('ends quietly with exit 0 when the reader has closed the pipe (| head)', () => {
    const layer = fixtureLayers()[0];
    const result = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" ls "$2" "$3" --toc --json | true', process.execPath, cli, layout('oci-layout'), layer], {
      env: { ...process.env, CIE_CACHE_DIR: path.join(work, 'cache') },
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
  });

  it('writes the same bytes to a file (direct writes) as to a pipe', () => {
    for (const args of [['ls', layout('oci-layout'), '--merged', '--json'], ['changes', layout('oci-layout')], ['tree', layout('oci-layout'), '--json']]) {
      const file = path.join(work, 'stdout.out');
      const fd = openSync(file, 'w');
      try {
        const direct = spawnSync(process.execPath, [cli, ...args], { cwd: REPO_ROOT, env: { ...process.env, CIE_CACHE_DIR: path.join(work, 'cache') }, stdio: ['ignore', fd, 'pipe'] });
        assert.equal(direct.status, 0, direct.stderr?.toString());
      } finally {
        closeSync(fd);
      }
      const piped = run(...args);
      assert.equal(piped.status, 0, piped.stderr);
      assert.ok(readFileSync(file).equals(piped.stdout), args.join(' '));
      assert.ok(piped.stdout.length > 100, args.join(' '));
    }
  });

  describe('ls --merged --json', () => {
    let entries: Array<Record<string, unknown>>;
    before(() => {
      entries = json('ls', layout('oci-layout'), '--merged', '--json') as Array<Record<string, unknown>>;
    });

    it('prints one object per entry with exactly the documented keys and types', () => {
      assert.ok(Array.isArray(entries) && entries.length > 40);
      const layers = fixtureLayers();
      for (const entry of entries) {
        assert.deepEqual(sortedKeys(entry), MERGED_KEYS, JSON.stringify(entry));
        assert.equal(typeof entry.path, 'string');
        assert.doesNotMatch(entry.path as string, /^(\/|\.\/)|\/$/);
        assert.ok(TYPES.includes(entry.type as string), String(entry.type));
        for (const key of ['size', 'mode', 'uid', 'gid', 'mtime']) assert.equal(typeof entry[key], 'number', `${entry.path}: ${key}`);
        assert.equal(typeof entry.linkname, 'string');
        assert.ok(layers.includes(entry.layer as string), `${entry.path}: layer ${entry.layer}`);
        assert.ok(Array.isArray(entry.history));
        for (const change of entry.history as Array<Record<string, unknown>>) {
          assert.deepEqual(sortedKeys(change), ['change', 'layer']);
          assert.match(change.layer as string, DIGEST);
          assert.ok(['added', 'modified', 'deleted'].includes(change.change as string));
        }
      }
    });

    it('applies whiteouts and the opaque directory; each entry names its layer and history', () => {
      const byPath = new Map(entries.map((entry) => [entry.path as string, entry]));
      const [base, second, third] = fixtureLayers();
      for (const gone of ['etc/motd', 'app/remove-me.txt', 'app/old-dir', 'opt/legacy/a.txt', 'opt/legacy/sub']) assert.equal(byPath.get(gone), undefined, gone);
      assert.ok(![...byPath.keys()].some((entryPath) => entryPath.split('/').some((segment) => segment.startsWith('.wh.'))));
      assert.equal(byPath.get('opt/legacy/new.txt')?.layer, third);
      assert.deepEqual(byPath.get('etc/os-release')?.history, [
        { layer: base, change: 'added' },
        { layer: second, change: 'modified' },
      ]);
      assert.equal(byPath.get('etc/os-release')?.layer, second);
      assert.deepEqual(byPath.get('app/current'), { ...byPath.get('app/current'), type: 'symlink', linkname: 'hello.txt' });
      assert.equal(byPath.get('tmp')?.mode, 0o1777);
    });

    it('limits the listing to a directory’s subtree, or to one file (a leading / is fine)', () => {
      const subtree = json('ls', layout('oci-layout'), '--merged', 'etc', '--json') as Array<{ path: string }>;
      assert.deepEqual(
        subtree.map((entry) => entry.path),
        ['etc', 'etc/group', 'etc/hostname', 'etc/os-release', 'etc/passwd'],
      );
      const one = json('ls', layout('oci-layout'), '--merged', '/etc/os-release', '--json') as Array<{ path: string }>;
      assert.deepEqual(
        one.map((entry) => entry.path),
        ['etc/os-release'],
      );
    });
  });

  it('ls <layer-digest> --json lists that layer alone, whiteout markers included, without layer/history', () => {
    const entries = json('ls', layout('oci-layout'), fixtureLayers()[1], '--json') as Array<Record<string, unknown>>;
    for (const entry of entries) assert.deepEqual(sortedKeys(entry), LS_KEYS);
    const paths = entries.map((entry) => entry.path);
    for (const marker of ['etc/.wh.motd', 'app/.wh.remove-me.txt', 'app/.wh.old-dir']) assert.ok(paths.includes(marker), marker);
    assert.ok(!paths.includes('bin/busybox'));
  });

  it('ls without --json prints an ls -l style listing', () => {
    const result = run('ls', layout('oci-layout'), '--merged', 'app');
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.toString().trimEnd().split('\n');
    assert.match(lines[0], /^drwxr-xr-x 0\/0 +0 2023-11-14 23:13 {2}#1 [0-9a-f]{12} {2}app$/);
    assert.ok(lines.some((line) => /^lrwxrwxrwx .* app\/current -> hello\.txt$/.test(line)));
    assert.ok(lines.some((line) => /^-rwxr-xr-x .* 35 .* app\/run\.sh$/.test(line)));
  });

  it('get prints a file’s bytes, following links inside the image, from the merged view or one layer', () => {
    const osRelease = run('get', layout('oci-layout'), '--merged', '/app/os-release-link');
    assert.equal(osRelease.status, 0, osRelease.stderr);
    assert.match(osRelease.stdout.toString(), /VERSION_ID=1\.1/);
    const [base] = fixtureLayers();
    assert.match(run('get', layout('oci-layout'), base, 'etc/os-release').stdout.toString(), /VERSION_ID=1\.0/);
    assert.equal(run('get', layout('oci-layout'), '--merged', 'app/hello-hardlink.txt').stdout.toString(), 'Hello from layer 1.\n');
    const busybox = run('get', layout('oci-layout'), '--merged', 'bin/sh');
    assert.equal(busybox.stdout.length, 1982256);
  });

  it('get exits 4 for a path that is not there (deleted by a whiteout, or never there), 2 for a directory', () => {
    for (const missing of ['etc/motd', 'app/old-dir/one.txt', 'no/such/file']) {
      const result = run('get', layout('oci-layout'), '--merged', missing);
      assert.equal(result.status, 4, `${missing}: ${result.stderr}`);
      assert.match(result.stderr, /is not there in the image/);
      assert.equal(result.stdout.length, 0);
    }
    assert.equal(run('get', layout('oci-layout'), '--merged', 'etc').status, 2);
    assert.equal(run('ls', layout('oci-layout'), '--merged', 'etc/motd').status, 4);
  });

  it('changes --json: per layer, added/modified/deleted with created_by and sizes', () => {
    const changes = json('changes', layout('oci-layout'), '--json') as { image: string; platform: string; layers: Array<Record<string, unknown>> };
    assert.deepEqual(sortedKeys(changes), ['image', 'layers', 'platform']);
    assert.match(changes.image, DIGEST);
    assert.equal(changes.platform, 'linux/amd64');
    assert.equal(changes.layers.length, 3);
    const layers = fixtureLayers();
    changes.layers.forEach((layer, index) => {
      assert.deepEqual(sortedKeys(layer), ['added', 'created_by', 'deleted', 'index', 'layer', 'modified', 'sizes']);
      assert.equal(layer.index, index);
      assert.equal(layer.layer, layers[index]);
      assert.deepEqual(sortedKeys(layer.sizes), ['added', 'deleted', 'modified']);
      for (const list of ['added', 'modified', 'deleted']) {
        for (const change of layer[list] as Array<Record<string, unknown>>) assert.deepEqual(sortedKeys(change), ['path', 'size', 'type']);
      }
    });
    const second = changes.layers[1] as { created_by: string; deleted: Array<{ path: string }>; modified: Array<{ path: string }>; added: Array<{ path: string }>; sizes: Record<string, number> };
    assert.match(second.created_by, /^RUN modify \/etc\/os-release/);
    assert.deepEqual(
      second.deleted.map((change) => change.path),
      ['app/old-dir', 'app/old-dir/one.txt', 'app/old-dir/two.txt', 'app/remove-me.txt', 'etc/motd'],
    );
    assert.deepEqual(
      second.modified.map((change) => change.path),
      ['app/config.json', 'etc/os-release'],
    );
    assert.deepEqual(
      second.added.map((change) => change.path),
      ['app/added-in-layer2.txt'],
    );
    assert.equal(second.sizes.added, 'Added in layer 2.\n'.length);
    const third = changes.layers[2] as { deleted: Array<{ path: string }> };
    assert.deepEqual(
      third.deleted.map((change) => change.path),
      ['opt/legacy/a.txt', 'opt/legacy/b.txt', 'opt/legacy/sub', 'opt/legacy/sub/c.txt'],
    );
    const text = run('changes', layout('oci-layout'));
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout.toString(), /^layer 1 {2}[0-9a-f]{12} .*RUN modify/m);
    assert.match(text.stdout.toString(), /^ {2}D etc\/motd {2}63 B$/m);
  });

  it('several images need --image or --platform; the usage error lists them', () => {
    const archive = layout('docker-archive-multi.tar');
    const ambiguous = run('ls', archive, '--merged', '--json');
    assert.equal(ambiguous.status, 2);
    const listed = ambiguous.stderr.match(/sha256:[a-f0-9]{64}/g) ?? [];
    assert.equal(listed.length, 2, ambiguous.stderr);
    assert.match(ambiguous.stderr, /--image <digest> or --platform/);
    assert.equal(run('changes', archive, '--platform', 'linux/amd64').status, 2, 'both images are linux/amd64');
    const chosen = json('ls', archive, '--merged', '--image', listed[1], '--json') as unknown[];
    assert.ok(chosen.length > 0);
    assert.equal(run('ls', archive, '--merged', '--image', `sha256:${'0'.repeat(64)}`).status, 4);
    assert.equal(run('ls', archive, '--merged', '--image', 'sha256:nothex').status, 2);
    assert.equal(run('ls', archive, '--merged', '--image', listed[0], '--platform', 'linux/amd64').status, 2);

    const multi = layout('multi-platform-layout');
    assert.equal(run('ls', multi, '--merged').status, 2);
    const arm = json('ls', multi, '--merged', '--platform', 'linux/arm64', 'etc/arch', '--json') as Array<{ path: string }>;
    assert.deepEqual(
      arm.map((entry) => entry.path),
      ['etc/arch'],
    );
    assert.equal(run('get', multi, '--merged', '--platform', 'linux/arm64/v8', 'etc/arch').stdout.toString(), 'aarch64\n');
    const none = run('ls', multi, '--merged', '--platform', 'linux/s390x');
    assert.equal(none.status, 4);
    assert.match(none.stderr, /no image for platform linux\/s390x; images: .*linux\/amd64.*linux\/arm64\/v8/);
  });

  it('layer digests: not a layer of the image is exit 4, not a digest is exit 2, usage errors exit 2', () => {
    assert.equal(run('ls', layout('oci-layout'), `sha256:${'1'.repeat(64)}`).status, 4);
    assert.equal(run('ls', layout('oci-layout'), 'not-a-digest').status, 2);
    assert.equal(run('ls', layout('oci-layout')).status, 2);
    assert.equal(run('get', layout('oci-layout'), '--merged').status, 2);
    assert.equal(run('changes').status, 2);
    assert.equal(run('ls', layout('oci-layout'), '--merged', 'a', 'b').status, 2);
  });

  it('entries a layer contradicts itself with, or that climb above the root, are left out with a warning on stderr', async () => {
    const directory = path.join(work, 'odd-layout');
    writeLayout(directory, await writeLayer([{ name: 'x', content: 'file' }, { name: 'x/y', content: 'beneath' }, { name: '../escape', content: 'no' }]));
    for (const args of [['ls', directory, '--merged', '--json'], ['changes', directory, '--json']]) {
      const result = run(...args);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, /^warning: layer 0 \(sha256:[0-9a-f]{64}\): "\.\.\/escape" climbs above the image root and is left out$/m);
      assert.match(result.stderr, /^warning: layer 0 \(sha256:[0-9a-f]{64}\): x is a file but the layer also has entries beneath it; it is read as a directory$/m);
    }
    const listed = json('ls', directory, '--merged', '--json') as Array<{ path: string; type: string }>;
    assert.deepEqual(
      listed.map((entry) => `${entry.path} ${entry.type}`),
      ['x directory', 'x/y file'],
    );
  });

  it('link cycles exit 3 (link-loop), dangling links exit 4, both naming the link', async () => {
    const directory = path.join(work, 'links-layout');
    writeLayout(
      directory,
      await writeLayer([
        { name: 'loop/a', type: 'symlink', linkname: 'b' },
        { name: 'loop/b', type: 'symlink', linkname: '/loop/a' },
        { name: 'dangling', type: 'symlink', linkname: '/nowhere' },
        { name: 'escape', type: 'symlink', linkname: '../../../../etc/hostname' },
        { name: 'etc/hostname', content: 'inside\n' },
      ]),
    );
    const loop = run('get', directory, '--merged', 'loop/a');
    assert.equal(loop.status, 3, loop.stderr);
    assert.match(loop.stderr, /cycle.*loop\/a -> b/);
    const dangling = run('get', directory, '--merged', 'dangling');
    assert.equal(dangling.status, 4, dangling.stderr);
    assert.match(dangling.stderr, /dangling link: dangling -> \/nowhere/);
    assert.equal(run('get', directory, '--merged', 'escape').stdout.toString(), 'inside\n');
    const changes = json('changes', directory, '--json') as { layers: Array<{ created_by: string }> };
    assert.equal(changes.layers[0].created_by, 'links');
  });
});
