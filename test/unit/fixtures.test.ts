/**
 * The generated fixtures (scripts/make-fixtures.sh -> test/fixtures/generated/) are what
 * fixtures.json says they are. Every answer comes from an independent tool (skopeo inspect / copy,
 * jq, GNU tar, gzip, zstd, sha256 over the files); nothing here imports the project's core.
 * Builds the fixtures first when they are missing or stale (the script is a no-op when up to date);
 * skips, saying why, when skopeo/umoci/jq are not installed.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(REPO, 'scripts', 'make-fixtures.sh');
const OUT = process.env.FIXTURES_OUT ?? path.join(REPO, 'test', 'fixtures', 'generated');
const SAMPLE = path.join(REPO, 'sample', 'sample-image.tar');
const REQUIRED_TOOLS = ['skopeo', 'umoci', 'jq', 'zstd', 'gzip', 'tar', 'perl'];

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const GZIP_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const ZSTD_LAYER = 'application/vnd.oci.image.layer.v1.tar+zstd';
const TAR_LAYER = 'application/vnd.oci.image.layer.v1.tar';

interface Fixture {
  name: string;
  path: string;
  kind: string;
  size: number;
  valid: boolean;
  transport: string | null;
  ref?: string;
  dockerArchiveRef?: string;
  tags?: string[];
  layers?: number | null;
  platforms?: string[];
  platformLayers?: Record<string, number>;
  presentPlatforms?: string[];
  missingPlatforms?: string[];
  layerMediaType?: string;
  images?: { ref: string; tags: string[]; layers: number }[];
  compression?: string;
  inner?: string;
  unterminatedLastLayer?: boolean;
  lastLayerTarBytes?: number;
  manifestReadable?: boolean;
}

interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}
interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}
/** An image manifest or an image index, as skopeo inspect --raw prints it. */
interface ImageDocument {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  manifests: Descriptor[];
}
interface ImageConfig extends Platform {
  config: { Env?: string[]; Entrypoint?: string[]; Cmd?: string[]; WorkingDir?: string; Labels?: Record<string, string> };
  rootfs: { diff_ids: string[] };
  history: { created_by?: string; empty_layer?: boolean }[];
}
/** One entry of a docker save manifest.json. */
interface DockerSaveItem {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  LayerSources?: Record<string, Descriptor>;
}
interface LegacyJson {
  id: string;
  parent?: string;
}

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(cmd, args, { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 256 * 1024 * 1024, env: opts.env ?? process.env });
  return { status: r.status, stdout: r.stdout ?? Buffer.alloc(0), stderr: (r.stderr ?? Buffer.alloc(0)).toString('utf8') + (r.error ? String(r.error) : '') };
}

function ok(cmd: string, args: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Buffer {
  const r = run(cmd, args, opts);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  return r.stdout;
}

const hasTool = (name: string) => run('sh', ['-c', `command -v ${name}`]).status === 0;
const skopeo = (args: string[]) => run('skopeo', ['--insecure-policy', ...args]);
const skopeoOut = (args: string[]): unknown => JSON.parse(ok('skopeo', ['--insecure-policy', ...args]).toString('utf8'));
const inspectRaw = (ref: string, extra: string[] = []) => skopeoOut(['inspect', '--raw', ...extra, ref]) as ImageDocument;
const inspectConfig = (ref: string, extra: string[] = []) => skopeoOut(['inspect', '--config', ...extra, ref]) as ImageConfig;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const fx = (p: string) => path.join(OUT, p);
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
/** `jq -c FILTER FILE`, parsed. */
const jq = (file: string, filter: string): unknown => JSON.parse(ok('jq', ['-c', filter, file]).toString('utf8'));
/** Member names of a tar (GNU tar detects gzip/zstd by itself). */
const tarNames = (file: string) => ok('tar', ['-tf', file]).toString('utf8').split('\n').filter(Boolean);
const tarCat = (file: string, member: string) => ok('tar', ['-xOf', file, member]);
const tarJson = <T>(file: string, member: string) => JSON.parse(tarCat(file, member).toString('utf8')) as T;

function platformOf(p: Platform | undefined): string {
  if (!p) return '(none)';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** skopeo transport reference for a fixture (the tag, if any, after a colon). */
function refOf(f: Fixture, transport = f.transport, ref = f.ref): string {
  return `${transport}:${fx(f.path)}${ref ? `:${ref}` : ''}`;
}

/** Every blob in an OCI layout dir is named by its sha256. */
function assertBlobsNamedByDigest(layout: string): void {
  const dir = path.join(layout, 'blobs', 'sha256');
  for (const name of readdirSync(dir)) {
    assert.equal(sha256(readFileSync(path.join(dir, name))), name, `${dir}/${name}: content does not match its name`);
  }
}

/** `skopeo copy REF dir:TMP` verifies every blob digest on the way; returns the dir manifest. */
function copyToDir(ref: string, extra: string[] = []): Run {
  const tmp = mkdtempSync(path.join(tmpdir(), 'fixtures-copy-'));
  try {
    return skopeo(['copy', '-q', ...extra, ref, `dir:${tmp}`]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('generated fixtures (scripts/make-fixtures.sh)', function () {
  this.timeout(180_000);
  let fixtures: Fixture[] = [];
  const byName = (name: string): Fixture => {
    const f = fixtures.find((x) => x.name === name);
    assert.ok(f, `fixtures.json has no ${name}`);
    return f;
  };

  before(function () {
    const missing = REQUIRED_TOOLS.filter((t) => !hasTool(t));
    if (!existsSync('/bin/busybox')) missing.push('/bin/busybox (busybox-static)');
    if (missing.length > 0) {
      console.log(`    SKIPPED: fixture tools missing: ${missing.join(', ')} (apt-get install skopeo umoci jq zstd busybox-static)`);
      this.skip();
    }
    // Idempotent: returns in well under a second when the stamp matches.
    const built = run('bash', [SCRIPT], { timeoutMs: 170_000, env: { ...process.env, FIXTURES_OUT: OUT } });
    assert.equal(built.status, 0, `make-fixtures.sh failed:\n${built.stdout.toString()}\n${built.stderr}`);
    fixtures = readJson(fx('fixtures.json')) as Fixture[];
  });

  describe('fixtures.json and README.txt', () => {
    it('list every fixture, each present with the recorded size', () => {
      const expected = [
        'oci-layout', 'oci-archive.tar', 'docker-archive.tar', 'docker-archive-multi.tar', 'docker25.tar',
        'multi-platform-layout', 'containerd-save.tar', 'zstd-layout', 'zstd-archive.tar', 'docker-archive.tar.gz',
        'docker-archive.tar.zst', 'legacy-v1.tar', 'unterminated-layer-layout', 'not-an-image.tar', 'truncated.tar',
        'corrupt-layer.tar', 'empty.tar', 'garbage.bin',
      ];
      assert.deepEqual(fixtures.map((f) => f.name).sort(), [...expected].sort());
      for (const f of fixtures) {
        const p = fx(f.path);
        assert.ok(existsSync(p), `${f.name} missing`);
        if (statSync(p).isFile()) assert.equal(statSync(p).size, f.size, `${f.name} size`);
        assert.equal(typeof f.valid, 'boolean', `${f.name}.valid`);
      }
      const readme = readFileSync(fx('README.txt'), 'utf8');
      for (const f of fixtures) assert.ok(readme.includes(f.name), `README.txt does not mention ${f.name}`);
    });

    it('the script is a no-op when the fixtures are up to date', () => {
      const r = run('bash', [SCRIPT, '--check'], { env: { ...process.env, FIXTURES_OUT: OUT } });
      assert.equal(r.status, 0, r.stdout.toString() + r.stderr);
    });
  });

  describe('every positive fixture with a skopeo transport', () => {
    it('is read by skopeo with the recorded layer count, platform, layer media type, and all digests verify', () => {
      for (const f of fixtures.filter((x) => x.valid && x.transport)) {
        if (f.kind === 'docker-archive-multi') continue; // per image, below
        const ref = refOf(f);
        const raw = inspectRaw(ref);
        const config = inspectConfig(ref);
        if (raw.mediaType === OCI_INDEX) {
          assert.deepEqual(raw.manifests.map((m) => platformOf(m.platform)), f.platforms, `${f.name} index platforms`);
        } else {
          assert.equal(raw.layers.length, f.layers, `${f.name} manifest layers`);
          assert.equal(config.rootfs.diff_ids.length, f.layers, `${f.name} diff_ids`);
          assert.equal(platformOf(config), f.platforms?.[0], `${f.name} platform`);
          if (f.transport !== 'docker-archive') {
            assert.deepEqual([...new Set(raw.layers.map((l) => l.mediaType))], [f.layerMediaType], `${f.name} layer media type`);
          }
        }
        const copy = copyToDir(ref);
        assert.equal(copy.status, 0, `${f.name}: skopeo copy (digest verification) failed: ${copy.stderr}`);
      }
    });
  });

  describe('oci-layout/', () => {
    it('has tag 1.0, 3 gzip layers, the config fields and 2 empty-layer history entries', () => {
      const layout = fx('oci-layout');
      assert.deepEqual(jq(path.join(layout, 'index.json'), '[.manifests[].annotations["org.opencontainers.image.ref.name"]]'), ['1.0']);
      assert.deepEqual(jq(path.join(layout, 'oci-layout'), '.imageLayoutVersion'), '1.0.0');
      assertBlobsNamedByDigest(layout);
      const manifest = inspectRaw(`oci:${layout}:1.0`);
      assert.equal(manifest.layers.length, 3);
      assert.ok(manifest.layers.every((l) => l.mediaType === GZIP_LAYER));
      const config = inspectConfig(`oci:${layout}:1.0`);
      assert.deepEqual(config.config.Env, ['PATH=/usr/local/bin:/bin', 'APP_MODE=fixture']);
      assert.deepEqual(config.config.Entrypoint, ['/bin/sh', '-c']);
      assert.deepEqual(config.config.Cmd, ['cat /etc/os-release']);
      assert.equal(config.config.WorkingDir, '/app');
      assert.equal(config.config.Labels?.['org.opencontainers.image.version'], '1.0');
      assert.equal(config.history.length, 5);
      assert.equal(config.history.filter((h) => h.empty_layer === true).length, 2);
    });

    it('layers hold a hard link, symlinks, whiteouts and an opaque directory', () => {
      const layout = fx('oci-layout');
      const manifest = inspectRaw(`oci:${layout}:1.0`);
      const blob = (i: number) => path.join(layout, 'blobs', 'sha256', manifest.layers[i].digest.slice(7));
      const l1 = ok('tar', ['-tvzf', blob(0)]).toString('utf8');
      assert.match(l1, /^h.* app\/hello\.txt link to app\/hello-hardlink\.txt$/m);
      assert.match(l1, /^l.* app\/current -> hello\.txt$/m);
      assert.match(l1, /^l.* bin\/sh -> busybox$/m);
      assert.match(l1, / bin\/busybox$/m);
      assert.match(l1, / etc\/os-release$/m);
      const l2 = ok('tar', ['-tzf', blob(1)]).toString('utf8').split('\n');
      for (const wh of ['app/.wh.remove-me.txt', 'app/.wh.old-dir', 'etc/.wh.motd']) assert.ok(l2.includes(wh), `layer 2 lacks ${wh}`);
      const l3 = ok('tar', ['-tzf', blob(2)]).toString('utf8').split('\n');
      assert.ok(l3.includes('opt/legacy/.wh..wh..opq'), 'layer 3 lacks the opaque marker');
      assert.ok(l3.includes('opt/legacy/new.txt'));
    });

    it('oci-archive.tar holds the same image (same manifest bytes)', () => {
      const a = skopeo(['inspect', '--raw', `oci:${fx('oci-layout')}:1.0`]).stdout;
      const b = skopeo(['inspect', '--raw', `oci-archive:${fx('oci-archive.tar')}:1.0`]).stdout;
      assert.ok(a.length > 0);
      assert.deepEqual(b, a);
    });
  });

  describe('docker archives', () => {
    it('docker-archive.tar is a legacy docker save: manifest.json, repositories, Docker v2s2 manifest', () => {
      const file = fx('docker-archive.tar');
      const names = tarNames(file);
      assert.ok(names.includes('manifest.json') && names.includes('repositories'));
      const manifest = tarJson<DockerSaveItem[]>(file, 'manifest.json');
      assert.deepEqual(manifest[0].RepoTags, ['docker.io/fixture/app:1.0']);
      assert.equal(manifest[0].Layers.length, 3);
      assert.equal(inspectRaw(`docker-archive:${file}`).mediaType, DOCKER_MANIFEST);
    });

    it('docker-archive-multi.tar holds 2 images / 3 tags sharing their first layer', () => {
      const f = byName('docker-archive-multi.tar');
      const file = fx(f.path);
      const manifest = tarJson<DockerSaveItem[]>(file, 'manifest.json');
      assert.deepEqual(manifest.map((m) => m.RepoTags), f.images!.map((i) => i.tags));
      assert.equal(manifest[0].Layers[0], manifest[1].Layers[0], 'first layer shared');
      const repositories = tarJson<Record<string, Record<string, string>>>(file, 'repositories');
      assert.deepEqual(Object.keys(repositories).sort(), ['docker.io/fixture/app', 'docker.io/fixture/base']);
      for (const [i, image] of f.images!.entries()) {
        for (const ref of [image.ref, `@${i}`]) {
          const raw = inspectRaw(`docker-archive:${file}:${ref}`);
          assert.equal(raw.layers.length, image.layers, `${ref} layers`);
        }
        assert.equal(copyToDir(`docker-archive:${file}:${image.ref}`).status, 0, `copy ${image.ref}`);
      }
      assert.notEqual(skopeo(['inspect', '--raw', `docker-archive:${file}:@2`]).status, 0, 'only 2 images');
    });

    it('docker25.tar is a Docker 25+ save: OCI layout + manifest.json + repositories, uncompressed layers', () => {
      const file = fx('docker25.tar');
      const names = tarNames(file);
      for (const n of ['oci-layout', 'index.json', 'manifest.json', 'repositories']) assert.ok(names.includes(n), `lacks ${n}`);
      const index = tarJson<ImageDocument>(file, 'index.json');
      assert.equal(index.manifests.length, 1);
      assert.deepEqual(index.manifests[0].annotations, {
        'io.containerd.image.name': 'docker.io/fixture/app:1.0',
        'org.opencontainers.image.ref.name': '1.0',
      });
      assert.deepEqual(index.manifests[0].platform, { architecture: 'amd64', os: 'linux' });
      const manifest = tarJson<DockerSaveItem[]>(file, 'manifest.json');
      assert.deepEqual(manifest[0].RepoTags, ['fixture/app:1.0']);
      assert.match(manifest[0].Config, /^blobs\/sha256\/[0-9a-f]{64}$/);
      assert.equal(manifest[0].Layers.length, 3);
      for (const layer of manifest[0].Layers) {
        assert.match(layer, /^blobs\/sha256\/[0-9a-f]{64}$/);
        assert.equal(sha256(tarCat(file, layer)), layer.slice(13), `${layer} digest`);
        assert.equal(manifest[0].LayerSources?.[`sha256:${layer.slice(13)}`]?.mediaType, TAR_LAYER);
      }
      const repositories = tarJson<Record<string, Record<string, string>>>(file, 'repositories');
      assert.deepEqual(repositories, { 'fixture/app': { '1.0': manifest[0].Layers[2].slice(13) } });
      // Both skopeo readers accept it: OCI (index.json) and docker-archive (manifest.json).
      const oci = inspectRaw(`oci-archive:${file}:1.0`);
      assert.equal(oci.mediaType, OCI_MANIFEST);
      assert.deepEqual(oci.layers.map((l) => l.mediaType), [TAR_LAYER, TAR_LAYER, TAR_LAYER]);
      assert.equal(inspectRaw(`docker-archive:${file}`).layers.length, 3);
      // Unreferenced legacy v1 layer json blobs, as Docker writes them.
      const blobs = names.filter((n) => /^blobs\/sha256\/[0-9a-f]{64}$/.test(n));
      assert.equal(blobs.length, 3 /* layers */ + 1 /* config */ + 1 /* manifest */ + 3 /* legacy json */);
    });

    it('docker-archive.tar.gz / .tar.zst decompress to docker-archive.tar', () => {
      const plain = readFileSync(fx('docker-archive.tar'));
      assert.deepEqual(ok('gzip', ['-dc', fx('docker-archive.tar.gz')]), plain);
      assert.deepEqual(ok('zstd', ['-dc', fx('docker-archive.tar.zst')]), plain);
      assert.equal(readFileSync(fx('docker-archive.tar.gz')).subarray(0, 2).toString('hex'), '1f8b');
      assert.equal(readFileSync(fx('docker-archive.tar.zst')).subarray(0, 4).toString('hex'), '28b52ffd');
    });

    it('legacy-v1.tar is a pre-1.10 save: repositories + <id>/{VERSION,json,layer.tar} with a parent chain', () => {
      const file = fx('legacy-v1.tar');
      const names = tarNames(file);
      assert.ok(!names.includes('manifest.json'));
      const repositories = tarJson<Record<string, Record<string, string>>>(file, 'repositories');
      let id: string | undefined = repositories['fixture/app']['1.0'];
      const chain: { id: string; layer: Buffer }[] = [];
      while (id) {
        for (const part of ['VERSION', 'json', 'layer.tar']) assert.ok(names.includes(`${id}/${part}`), `${id}/${part}`);
        assert.equal(tarCat(file, `${id}/VERSION`).toString('utf8'), '1.0');
        const json: LegacyJson = tarJson<LegacyJson>(file, `${id}/json`);
        assert.equal(json.id, id);
        chain.unshift({ id, layer: tarCat(file, `${id}/layer.tar`) });
        id = json.parent;
      }
      assert.equal(chain.length, byName('legacy-v1.tar').layers);
      // The first 3 layer.tar files are the image's layers in order; the last is an empty tar.
      const diffIds = jq(fx('oci-layout/blobs/sha256/' + inspectRaw(`oci:${fx('oci-layout')}:1.0`).config.digest.slice(7)), '.rootfs.diff_ids');
      assert.deepEqual(chain.slice(0, 3).map((c) => `sha256:${sha256(c.layer)}`), diffIds);
      assert.deepEqual(chain[3].layer, Buffer.alloc(1024));
      assert.notEqual(skopeo(['inspect', '--raw', `docker-archive:${file}`]).status, 0, 'skopeo needs manifest.json');
    });
  });

  describe('multi-platform and containerd saves', () => {
    it('multi-platform-layout/: index.json -> image index of linux/amd64 + linux/arm64/v8, every blob present', () => {
      const f = byName('multi-platform-layout');
      const layout = fx(f.path);
      assertBlobsNamedByDigest(layout);
      assert.deepEqual(jq(path.join(layout, 'index.json'), '[.manifests[] | {mediaType, tag: .annotations["org.opencontainers.image.ref.name"]}]'), [
        { mediaType: OCI_INDEX, tag: '1.0' },
      ]);
      const index = inspectRaw(`oci:${layout}:1.0`);
      assert.deepEqual(index.manifests.map((m) => platformOf(m.platform)), f.platforms);
      for (const [platform, layers] of Object.entries(f.platformLayers!)) {
        const [os, arch, variant] = platform.split('/');
        const args = ['--override-os', os, '--override-arch', arch, ...(variant ? ['--override-variant', variant] : [])];
        const config = inspectConfig(`oci:${layout}:1.0`, args);
        assert.equal(platformOf(config), platform);
        assert.equal(config.rootfs.diff_ids.length, layers, `${platform} layers`);
        assert.equal(copyToDir(`oci:${layout}:1.0`, args).status, 0, `copy ${platform}`);
      }
    });

    it('containerd-save.tar: 2-platform index, only linux/amd64 blobs present, manifest.json for amd64', () => {
      const f = byName('containerd-save.tar');
      const file = fx(f.path);
      const index = tarJson<ImageDocument>(file, 'index.json');
      assert.equal(index.manifests[0].mediaType, OCI_INDEX);
      assert.equal(index.manifests[0].annotations?.['io.containerd.image.name'], 'docker.io/fixture/multi:1.0');
      assert.equal(tarCat(file, 'oci-layout').toString('utf8'), '{"imageLayoutVersion":"1.0.0"}');
      const inner = inspectRaw(`oci-archive:${file}:1.0`);
      assert.deepEqual(inner.manifests.map((m) => platformOf(m.platform)), f.platforms);
      const names = new Set(tarNames(file));
      for (const m of inner.manifests) {
        const present = names.has(`blobs/sha256/${m.digest.slice(7)}`);
        assert.equal(present, f.presentPlatforms!.includes(platformOf(m.platform)), `${platformOf(m.platform)} manifest presence`);
      }
      const amd = ['--override-os', 'linux', '--override-arch', 'amd64'];
      assert.equal(inspectConfig(`oci-archive:${file}:1.0`, amd).rootfs.diff_ids.length, f.layers);
      assert.equal(copyToDir(`oci-archive:${file}:1.0`, amd).status, 0);
      const arm = skopeo(['inspect', '--override-os', 'linux', '--override-arch', 'arm64', '--override-variant', 'v8', `oci-archive:${file}:1.0`]);
      assert.notEqual(arm.status, 0, 'the arm64 manifest must be absent');
      const manifest = tarJson<DockerSaveItem[]>(file, 'manifest.json');
      assert.deepEqual(manifest[0].RepoTags, ['fixture/multi:1.0']);
      for (const layer of manifest[0].Layers) {
        assert.equal(tarCat(file, layer).subarray(0, 2).toString('hex'), '1f8b', `${layer} is gzip`);
      }
    });
  });

  describe('zstd and umoci quirk fixtures', () => {
    it('zstd-layout/ and zstd-archive.tar have zstd layers (media type and magic bytes)', () => {
      const layout = fx('zstd-layout');
      assertBlobsNamedByDigest(layout);
      for (const ref of [`oci:${layout}:1.0`, `oci-archive:${fx('zstd-archive.tar')}:1.0`]) {
        const raw = inspectRaw(ref);
        assert.deepEqual(raw.layers.map((l) => l.mediaType), [ZSTD_LAYER, ZSTD_LAYER, ZSTD_LAYER], ref);
      }
      const raw = inspectRaw(`oci:${layout}:1.0`);
      for (const l of raw.layers) {
        const blob = path.join(layout, 'blobs', 'sha256', l.digest.slice(7));
        assert.equal(readFileSync(blob).subarray(0, 4).toString('hex'), '28b52ffd');
        ok('zstd', ['-t', '-q', blob]);
      }
    });

    it('unterminated-layer-layout/: the last layer lacks the end-of-archive blocks, skopeo still accepts it', function () {
      const f = byName('unterminated-layer-layout');
      const layout = fx(f.path);
      const raw = inspectRaw(`oci:${layout}:1.0`);
      const last = path.join(layout, 'blobs', 'sha256', raw.layers[2].digest.slice(7));
      const tarBytes = ok('gzip', ['-dc', last]);
      assert.equal(tarBytes.length, f.lastLayerTarBytes);
      assert.equal(copyToDir(`oci:${layout}:1.0`).status, 0);
      if (!f.unterminatedLastLayer) this.skip(); // this umoci already closes its tars
      assert.notEqual(tarBytes.length % 512, 0);
      assert.notEqual(run('tar', ['-tzf', last]).status, 0, 'GNU tar should report the unexpected EOF');
    });
  });

  describe('negative fixtures', () => {
    it('skopeo cannot read not-an-image, truncated, empty and garbage with either archive transport', () => {
      for (const name of ['not-an-image.tar', 'truncated.tar', 'empty.tar', 'garbage.bin']) {
        const f = byName(name);
        assert.equal(f.valid, false);
        for (const transport of ['docker-archive', 'oci-archive']) {
          const r = skopeo(['inspect', '--raw', `${transport}:${fx(f.path)}`]);
          assert.notEqual(r.status, 0, `skopeo read ${transport}:${name}`);
        }
      }
    });

    it('truncated.tar is a prefix of docker-archive.tar ending inside a layer', () => {
      const whole = readFileSync(fx('docker-archive.tar'));
      const cut = readFileSync(fx('truncated.tar'));
      assert.ok(cut.length > 1024 && cut.length < whole.length);
      assert.deepEqual(cut, whole.subarray(0, cut.length));
      assert.notEqual(cut.length % 512, 0, 'cut inside file data, not on a header');
    });

    it('corrupt-layer.tar: manifest readable, but a layer fails its digest and gunzip', () => {
      const file = fx('corrupt-layer.tar');
      const raw = inspectRaw(`oci-archive:${file}:1.0`);
      const copy = copyToDir(`oci-archive:${file}:1.0`);
      assert.notEqual(copy.status, 0);
      assert.match(copy.stderr, /[Dd]igest did not match/);
      const mismatched = raw.layers.filter((l) => sha256(tarCat(file, `blobs/sha256/${l.digest.slice(7)}`)) !== l.digest.slice(7));
      assert.equal(mismatched.length, 1);
      const tmp = mkdtempSync(path.join(tmpdir(), 'fixtures-corrupt-'));
      try {
        ok('tar', ['-xf', file, '-C', tmp, `blobs/sha256/${mismatched[0].digest.slice(7)}`]);
        assert.notEqual(run('gzip', ['-t', path.join(tmp, 'blobs', 'sha256', mismatched[0].digest.slice(7))]).status, 0);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });

    it('empty.tar is two zero blocks; garbage.bin is neither tar, gzip nor zstd', () => {
      assert.deepEqual(readFileSync(fx('empty.tar')), Buffer.alloc(1024));
      assert.deepEqual(tarNames(fx('empty.tar')), []);
      const garbage = readFileSync(fx('garbage.bin'));
      assert.notEqual(garbage.subarray(0, 2).toString('hex'), '1f8b');
      assert.notEqual(garbage.subarray(0, 4).toString('hex'), '28b52ffd');
      assert.notEqual(run('tar', ['-tf', fx('garbage.bin')]).status, 0);
    });
  });

  describe('sample/sample-image.tar (committed)', () => {
    it('is a small 3-layer docker-archive with readable files and a whiteout', () => {
      assert.ok(statSync(SAMPLE).size <= 1024 * 1024, 'sample must stay <= 1 MiB');
      const manifest = tarJson<DockerSaveItem[]>(SAMPLE, 'manifest.json');
      assert.deepEqual(manifest[0].RepoTags, ['docker.io/sample/hello:1.0']);
      assert.equal(manifest[0].Layers.length, 3);
      const files = manifest[0].Layers.map((l: string) => {
        const tmp = mkdtempSync(path.join(tmpdir(), 'sample-layer-'));
        try {
          ok('tar', ['-xf', SAMPLE, '-C', tmp, l]);
          return tarNames(path.join(tmp, l));
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      });
      for (const f of ['README.md', 'etc/os-release', 'usr/local/bin/hello.sh']) assert.ok(files[0].includes(f), `layer 1 lacks ${f}`);
      assert.ok(files[1].includes('app/data.json'));
      assert.ok(files[2].includes('app/.wh.notes.txt'));
      const config = inspectConfig(`docker-archive:${SAMPLE}`);
      assert.deepEqual(config.config.Entrypoint, ['/usr/local/bin/hello.sh']);
      assert.equal(copyToDir(`docker-archive:${SAMPLE}`).status, 0);
    });

    it('is what `make-fixtures.sh --sample` builds now (deterministic; regenerate and commit if not)', () => {
      const tmp = mkdtempSync(path.join(tmpdir(), 'sample-rebuild-'));
      try {
        const out = path.join(tmp, 'sample-image.tar');
        ok('bash', [SCRIPT, '--sample'], { env: { ...process.env, SAMPLE_OUT: out } });
        assert.equal(
          sha256(readFileSync(out)),
          sha256(readFileSync(SAMPLE)),
          'sample/sample-image.tar is stale: run `npm run fixtures -- --sample` and commit it',
        );
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
});
