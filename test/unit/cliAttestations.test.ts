/**
 * `attestations` end to end: the built CLI (dist/cli.js) on corpus sources, its JSON shape, its
 * text output and its exit codes.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CORPUS_DIR, REPO_ROOT } from './support/corpus';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const corpusPresent = existsSync(path.join(CORPUS_DIR, 'README.md'));
const corpus = (relative: string) => path.join(CORPUS_DIR, relative);

const NO_PROVENANCE = corpus('docker__attest/test/testdata/no-provenance-index');
const SNYK = corpus('snyk__snyk-docker-plugin/test/fixtures/containerd-archives/busybox-single-arch-with-attestation-manifest.tar');
const NOTATION = corpus('notaryproject__notation/test/e2e/testdata/registry/oci_layout/e2e-with-timestamped-signature');
const ORAS = corpus('oras-project__oras/test/e2e/testdata/zot/command/images');
const REGCLIENT = corpus('regclient__regclient/testdata/testrepo');
const AMD64 = 'sha256:7ae6b41655929ad8e1848064874a98ac3f68884996c79907f6525e3045f75390';
const ARM64 = 'sha256:52f7a760b9322aa1af76d998763868b7d1bfec2331a2574a438ef44c92c0c46d';

/** The fields every `attestations --json` entry has, in order (null when unknown). */
const FIELDS = ['image', 'platform', 'source', 'container', 'layer', 'mediaType', 'artifactType', 'kind', 'format', 'predicateType', 'subjects', 'label', 'packageCount', 'builderId', 'signer', 'envelopes', 'problems'];

interface Entry {
  image: string;
  platform: string | null;
  source: string;
  container: string;
  layer: string | null;
  mediaType: string | null;
  kind: string;
  format: string;
  predicateType: string | null;
  subjects: Array<{ name: string; digest: string }>;
  label: string;
  packageCount: number | null;
  builderId: string | null;
  signer: string | null;
  problems: string[];
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CIE_DEBUG: '' } });
  return { status: result.status, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') };
}

function json(args: string[]): Entry[] {
  const result = cli(['attestations', ...args, '--json']);
  assert.equal(result.status, 0, result.stderr);
  const entries = JSON.parse(result.stdout) as Entry[];
  for (const entry of entries) assert.deepEqual(Object.keys(entry), FIELDS);
  return entries;
}

function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0], /^error: /);
  assert.match(lines[0], pattern);
}

describe('CLI attestations', function () {
  this.timeout(240_000);

  before(function () {
    if (!corpusPresent) {
      console.log(`corpus not found at ${CORPUS_DIR}: CLI attestations tests skipped`);
      this.skip();
    }
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, timeout: 200_000 });
    assert.equal(build.status, 0, `node scripts/build.mjs failed:\n${build.stderr?.toString()}`);
  });

  it('--json on a BuildKit layout: one SBOM entry per platform image, every field present', () => {
    const entries = json([NO_PROVENANCE]);
    assert.equal(entries.length, 2);
    assert.deepEqual(entries[0], {
      image: AMD64,
      platform: 'linux/amd64',
      source: 'attestation-manifest',
      container: 'sha256:059eea09507d0f904b8892ee59fcd3ddec1a637fc40fb7c83c432c6ff27e2f91',
      layer: 'sha256:618f1e2f903648dde23cc38dc0ed7eed83d5394a6902bb7bfae8fa707c2e5c33',
      mediaType: 'application/vnd.in-toto+json',
      artifactType: null,
      kind: 'sbom',
      format: 'SPDX 2.3',
      predicateType: 'https://spdx.dev/Document',
      subjects: [{ name: 'pkg:docker/test-image@test?platform=linux%2Famd64', digest: AMD64 }],
      label: 'SBOM (SPDX 2.3) · 1 package',
      packageCount: 1,
      builderId: null,
      signer: null,
      envelopes: [],
      problems: [],
    });
    assert.equal(entries[1].image, ARM64);
    assert.equal(entries[1].platform, 'linux/arm64');
  });

  it('--platform and --image select one image', () => {
    assert.deepEqual(json([NO_PROVENANCE, '--platform', 'linux/arm64']).map((entry) => entry.image), [ARM64]);
    assert.deepEqual(json([NO_PROVENANCE, '--image', AMD64]).map((entry) => entry.image), [AMD64]);
    assert.deepEqual(json([NO_PROVENANCE, `--platform=linux/amd64`]).map((entry) => entry.image), [AMD64]);
  });

  it('provenance from snyk\'s containerd export, signatures from notation\'s referrer', () => {
    const [provenance] = json([SNYK]);
    assert.equal(provenance.kind, 'provenance');
    assert.equal(provenance.format, 'SLSA v0.2');
    assert.equal(provenance.label, 'Provenance (SLSA v0.2) · buildkit');
    assert.equal(provenance.builderId, null, 'BuildKit wrote an empty builder.id');
    assert.equal(provenance.platform, 'linux/arm64');
    const [signature] = json([NOTATION]);
    assert.equal(signature.source, 'referrer');
    assert.equal(signature.kind, 'signature');
    assert.equal(signature.format, 'notation');
    assert.equal(signature.signer, 'CN=testcert7');
    assert.equal(signature.mediaType, 'application/jose+json');
    assert.equal(signature.platform, null);
  });

  it('no entry of any corpus source has an unknown platform', () => {
    for (const location of [NO_PROVENANCE, SNYK, NOTATION, REGCLIENT]) {
      for (const entry of json([location])) assert.ok(entry.platform === null || !entry.platform.includes('unknown'), `${location}: ${entry.platform}`);
    }
  });

  it('the text output: the image, then a label and where each statement came from', () => {
    const result = cli(['attestations', SNYK]);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'sha256:cf7d823e4eea96316ae629fb9a45b4211869162a5f5dc1654928c7ca530ed810  linux/arm64');
    assert.match(lines[1], /^ {2}provenance +Provenance \(SLSA v0\.2\) · buildkit$/);
    assert.ok(lines.some((line) => /^ +from attestation-manifest c39be7154f93, layer 4f62f9568231 \(application\/vnd\.in-toto\+json\)$/.test(line)), result.stdout);
    assert.ok(lines.some((line) => /^ +subject pkg:docker\/foo\/bar@v3\?platform=linux%2Farm64 {2}sha256:cf7d823e/.test(line)), result.stdout);
  });

  it('a source without attestations prints nothing (an empty array with --json) and exits 0', () => {
    const text = cli(['attestations', ORAS]);
    assert.equal(text.status, 0, text.stderr);
    assert.equal(text.stdout, '');
    assert.deepEqual(json([ORAS]), []);
  });

  it('exit codes: 2 for usage, 3 for an unreadable source, 4 for an image or platform not in the source', () => {
    let result = cli(['attestations']);
    assert.equal(result.status, 2);
    result = cli(['attestations', NO_PROVENANCE, '--image', 'sha256:1234']);
    assert.equal(result.status, 2);
    assertOneLineError(result.stderr, /not a valid digest/);
    result = cli(['attestations', NO_PROVENANCE, '--image', AMD64, '--platform', 'linux/amd64']);
    assert.equal(result.status, 2);
    assertOneLineError(result.stderr, /--image or --platform, not both/);
    result = cli(['attestations', NO_PROVENANCE, '--platform', 'linux']);
    assert.equal(result.status, 2);
    result = cli(['attestations', NO_PROVENANCE, '--image', `sha256:${'e'.repeat(64)}`]);
    assert.equal(result.status, 4);
    assertOneLineError(result.stderr, /no manifest with this digest/);
    result = cli(['attestations', NO_PROVENANCE, '--platform', 'linux/s390x']);
    assert.equal(result.status, 4);
    assertOneLineError(result.stderr, /no image for platform linux\/s390x in this source \(platforms: linux\/amd64, linux\/arm64\)/);
    result = cli(['attestations', path.join(CORPUS_DIR, 'no-such-source.tar')]);
    assert.equal(result.status, 3);
    assertOneLineError(result.stderr, /no such file or directory/);
  });
});
