/**
 * Conformance against the third-party corpus (../shared/corpus, described by its README.md): every
 * image archive or layout other tools wrote is opened with openSource + buildImageGraph and compared
 * with an independent reading (jq over the layout's JSON, skopeo over docker-archives and OCI
 * transports, GNU tar listings, sha256 of the files). Negative inputs must fail with an ImageError
 * that names the source, quickly. The table goes to test-results/conformance.md.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ImageError } from '../../src/core/errors';
import { verifyBlob } from '../../src/core/integrity';
import { buildImageGraph, type ImageGraph } from '../../src/core/model/imageGraph';
import { parseImageDocument } from '../../src/core/model/manifest';
import type { ImageSource } from '../../src/core/sources/imageSource';
import { openArchiveTree } from '../../src/core/sources/openArchiveTree';
import { openSource } from '../../src/core/sources/openSource';
import { classifyEntry, compressionOf, CORPUS_DIR, isCovered, readCorpusEntries, REPO_ROOT, type Classified, type CorpusEntry } from './support/corpus';
import { defaultExpectation, EXPECTATIONS, type ErrorExpectation, type Expectation, type OkExpectation } from './support/expectations';
import { readDirIndependently } from './support/independentDir';
import { readDockerArchiveIndependently, readV1SaveIndependently } from './support/independentDocker';
import { DOCUMENT_FILTER, readLayoutIndependently, type ExpectedLayout } from './support/independentOci';
import { writeReport, type ReportRow } from './support/report';
import { extractTar, hasTool, jq, listTar, removeDir, sha256, sha256File, skopeoRaw } from './support/tools';

/** openSource + buildImageGraph must finish (or fail) within this, per entry. */
const OPEN_BUDGET_MS = Number(process.env.CIE_CONFORMANCE_BUDGET_MS ?? 5_000);
const REPORT_FILE = path.join(REPO_ROOT, 'test-results', 'conformance.md');

/** Collects every disagreement of one entry, so the report gives the whole story, then fails once. */
class Checks {
  readonly problems: string[] = [];
  eq(actual: unknown, expected: unknown, what: string): void {
    if (!isDeepStrictEqual(actual, expected)) this.problems.push(`${what}: got ${show(actual)}, expected ${show(expected)}`);
  }
  ok(condition: unknown, what: string): void {
    if (!condition) this.problems.push(what);
  }
  assertAll(): void {
    assert.deepEqual(this.problems, [], this.problems.join('\n'));
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value, (_key, item) => (typeof item === 'string' && /^sha(256|512):[a-f0-9]+$/.test(item) ? `${item.slice(0, 19)}…` : item));
  return text === undefined ? 'undefined' : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

const short = (digest: string) => digest.slice(7, 19);

/** Opens and walks a source under a deadline and an AbortSignal; a hang becomes a failure, not a stuck run. */
async function openAndWalk(spec: string): Promise<{ source: ImageSource; graph: ImageGraph; ms: number }> {
  const controller = new AbortController();
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`openSource + buildImageGraph took longer than ${OPEN_BUDGET_MS} ms`));
    }, OPEN_BUDGET_MS);
  });
  const work = (async () => {
    const source = await openSource(spec, { signal: controller.signal });
    try {
      return { source, graph: await buildImageGraph(source, { signal: controller.signal }) };
    } catch (error) {
      await source.close().catch(() => undefined);
      throw error;
    }
  })();
  try {
    const { source, graph } = await Promise.race([work, deadline]);
    return { source, graph, ms: Date.now() - started };
  } catch (error) {
    // Past the deadline the walk may still finish: close what it opened then.
    work.then(({ source }) => source.close(), () => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Every present node and unreferenced blob through verifyBlob (what `verify` does). */
async function countMismatches(source: ImageSource, graph: ImageGraph): Promise<string[]> {
  const expected = new Map<string, number | undefined>();
  for (const node of graph.nodes) if (node.present) expected.set(node.digest, node.size);
  for (const blob of graph.unreferenced) if (!expected.has(blob.digest)) expected.set(blob.digest, undefined);
  const failed: string[] = [];
  for (const [digest, size] of expected) {
    const check = await verifyBlob(source, digest, size);
    if (!check.ok) failed.push(digest);
  }
  return failed;
}

function expectedKind(classified: Classified): string {
  if (classified.shape === 'layout-dir') return 'oci-layout';
  if (classified.top.includes('manifest.json') || (classified.top.includes('repositories') && !classified.top.includes('index.json'))) return 'docker-archive';
  return 'oci-archive';
}

/**
 * GNU tar's regular files, each found by our archive reader with the same size (links resolved).
 * `expectedFiles` replaces GNU tar where it knowingly differs from Go's archive/tar (what Docker uses).
 */
async function compareTarListing(file: string, negative: boolean, expectedFiles: string[] | undefined, checks: Checks, row: ReportRow): Promise<void> {
  const listing = listTar(file);
  const regular = new Map<string, number>();
  for (const item of listing.entries) {
    if (item.type !== '-' || item.path.includes('\\')) continue;
    const normalized = item.path.replace(/^\/+/, '').replace(/^(\.\/)+/, '');
    if (normalized === '' || normalized.split('/').includes('..')) continue;
    regular.set(normalized, item.size);
  }
  row.independent.push(`tar -tvf: ${listing.entries.length} entries, ${regular.size} files`);
  let opened;
  try {
    opened = await openArchiveTree(file);
  } catch (error) {
    if (error instanceof ImageError && negative) {
      row.notes.push(`GNU tar lists it, our tar reader refuses it (${error.code}), as Go's archive/tar does`);
      return;
    }
    checks.ok(false, `our tar reader cannot read what GNU tar lists: ${(error as Error).message}`);
    return;
  }
  const { tree } = opened;
  try {
    if (expectedFiles) {
      const ours: string[] = [];
      for (const name of tree.paths()) if ((await tree.size(name)) !== undefined) ours.push(name);
      checks.eq(ours.sort(), [...expectedFiles].sort(), 'regular files (Go archive/tar semantics, where GNU tar differs)');
      row.notes.push(`GNU tar differs here (${[...regular.keys()].join(', ') || 'no names'}); checked against Go's reading instead`);
      return;
    }
    for (const [name, size] of regular) checks.eq(await tree.size(name), size, `archive entry "${name}" size (GNU tar says ${size})`);
    // Links to regular files resolve to the target's size (Docker shares layer.tar between images this way).
    let links = 0;
    for (const item of listing.entries) {
      if ((item.type !== 'l' && item.type !== 'h') || !item.target || item.path.includes('\\')) continue;
      const name = item.path.replace(/^\/+/, '').replace(/^(\.\/)+/, '');
      const target = item.type === 'h' ? item.target.replace(/^(\.\/)+/, '') : path.posix.normalize(path.posix.join(path.posix.dirname(name), item.target));
      if (!regular.has(target)) continue;
      checks.eq(await tree.size(name), regular.get(target), `${item.type === 'l' ? 'symlink' : 'hard link'} "${name}" -> "${target}" size`);
      links++;
    }
    if (links) row.independent.push(`${links} links resolved`);
  } finally {
    await tree.close();
  }
}

function layoutFiles(layout: string, digests: string[]): Map<string, string> {
  return new Map(digests.map((digest) => [digest, path.join(layout, 'blobs', ...digest.split(':'))]));
}

async function readAll(readable: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The ImageSource contract against the files GNU tar extracted: stat gives the file's size, open
 * gives its bytes, and a range read gives the same slice (positioned reads and decompressed slices).
 */
async function compareBlobBytes(source: ImageSource, files: Map<string, string>, checks: Checks, row: ReportRow): Promise<void> {
  let compared = 0;
  for (const [digest, file] of files) {
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    const bytes = readFileSync(file);
    const what = `blob ${short(digest)}`;
    checks.eq((await source.stat(digest))?.size, bytes.length, `${what} stat size vs the extracted file`);
    if ((await source.stat(digest)) === undefined) continue;
    if (bytes.length <= 2 * 1024 * 1024) {
      const whole = await readAll(await source.open(digest));
      checks.ok(whole.equals(bytes), `${what}: open() gives ${whole.length} bytes that differ from the extracted file (${bytes.length} bytes)`);
    }
    const start = Math.floor(bytes.length / 3);
    const end = Math.min(bytes.length, start + 70_000);
    const slice = await readAll(await source.open(digest, { start, end }));
    checks.ok(slice.equals(bytes.subarray(start, end)), `${what}: open(range ${start}-${end}) differs from the file's bytes`);
    compared++;
  }
  row.independent.push(`stat/open/range of ${compared} blobs vs extracted files`);
}

// ── OCI layouts, oci-archives, Docker 25+/containerd saves ─────────────────────────────────────

function compareWithLayout(graph: ImageGraph, expected: ExpectedLayout, checks: Checks, row: ReportRow): void {
  row.independent.push('jq over index.json and blobs');
  checks.eq(
    graph.roots.map((root) => ({ digest: root.digest, mediaType: root.mediaType })),
    expected.roots.map((root) => ({ digest: root.digest, mediaType: root.mediaType })),
    'roots (digest, mediaType) in index.json order',
  );
  expected.roots.forEach((root, index) => {
    const ours = graph.roots[index];
    if (ours) for (const name of root.names) checks.ok(ours.names.includes(name), `root ${index} lacks the name "${name}" (has ${show(ours.names)})`);
  });
  const nodes = new Map(graph.nodes.map((node) => [node.digest, node]));
  checks.eq([...nodes.keys()].sort(), [...expected.nodes.keys()].sort(), 'node digests');
  for (const want of expected.nodes.values()) {
    const node = nodes.get(want.digest);
    if (!node) continue;
    const what = `node ${short(want.digest)}`;
    checks.eq(node.present, want.present, `${what} present`);
    checks.eq([...node.parents].sort(), [...want.parents].sort(), `${what} parents`);
    const document = graph.documents.get(want.digest);
    if (want.documentType === 'index') {
      checks.eq(node.kind, 'index', `${what} kind`);
      checks.eq(document?.type === 'index' ? document.manifests.map((child) => child.digest) : undefined, want.manifests, `${what} index entries`);
    } else if (want.documentType === 'manifest') {
      checks.ok(['manifest', 'artifact', 'attestation-manifest'].includes(node.kind), `${what} kind ${node.kind} is not a manifest kind`);
      checks.eq(document?.type === 'manifest' ? document.config.digest : undefined, want.config, `${what} config digest`);
      checks.eq(document?.type === 'manifest' ? document.layers.map((layer) => layer.digest) : undefined, want.layers, `${what} layer digests`);
    } else if (want.role === 'config') {
      checks.eq(node.kind, 'config', `${what} kind`);
    } else if (want.role === 'layer') {
      checks.ok(['layer', 'attestation', 'blob'].includes(node.kind), `${what} kind ${node.kind} is not a layer kind`);
    }
    checks.eq(node.subject, want.subject, `${what} subject`);
    if (want.subject && nodes.has(want.subject)) checks.ok(nodes.get(want.subject)?.referrers?.includes(want.digest), `${what} is not among the referrers of its subject ${short(want.subject)}`);
    if (want.attestation) {
      checks.eq(node.attests, want.attests, `${what} attests (vnd.docker.reference.digest)`);
      if (want.attests && nodes.has(want.attests)) checks.ok(nodes.get(want.attests)?.attestations?.includes(want.digest), `${what} is not among the attestations of ${short(want.attests)}`);
      checks.eq(node.kind, 'attestation-manifest', `${what} kind`);
      checks.eq(node.platform, undefined, `${what} (attestation manifest) platform`);
    } else if (want.role !== 'config' && want.role !== 'layer') {
      const fromDescriptor = want.descriptorPlatform !== 'unknown/unknown' ? want.descriptorPlatform : undefined;
      const expectedPlatform = fromDescriptor ?? (want.configPlatform !== 'unknown/unknown' ? want.configPlatform : undefined);
      if (expectedPlatform) checks.eq(node.platform, expectedPlatform, `${what} platform`);
    }
  }
  checks.eq(graph.unreferenced.map((blob) => blob.digest).sort(), [...expected.unreferenced].sort(), 'unreferenced blobs');
}

/** skopeo over the oci: / oci-archive: transports, where it can read the root (single image, or by ref.name). */
function skopeoOciRoots(transport: 'oci' | 'oci-archive', location: string, expected: ExpectedLayout, checks: Checks, row: ReportRow): void {
  if (!hasTool('skopeo')) {
    row.notes.push('skopeo not installed');
    return;
  }
  const attempts: Array<{ reference: string; digest: string }> = [];
  if (expected.roots.length === 1) attempts.push({ reference: `${transport}:${location}`, digest: expected.roots[0].digest });
  else {
    const seen = new Set<string>();
    for (const root of expected.roots) {
      const ref = root.names.find((name) => /^[A-Za-z0-9._-]+$/.test(name));
      if (!ref || seen.has(ref)) continue;
      seen.add(ref);
      attempts.push({ reference: `${transport}:${location}:${ref}`, digest: root.digest });
      if (attempts.length >= 4) break;
    }
  }
  if (attempts.length === 0) {
    row.independent.push(`skopeo ${transport}: not tried (${expected.roots.length} roots, none with a plain ref.name)`);
    return;
  }
  let agreed = 0;
  const failures: string[] = [];
  for (const attempt of attempts) {
    const result = skopeoRaw(attempt.reference);
    if (!result.ok || !result.raw) {
      failures.push(result.error ?? 'failed');
      continue;
    }
    checks.eq(sha256(result.raw), attempt.digest, `skopeo ${attempt.reference.replace(CORPUS_DIR + '/', '')} manifest digest`);
    agreed++;
  }
  row.independent.push(`skopeo ${transport}: ${agreed}/${attempts.length} roots read${failures.length ? ` (skopeo failed: ${failures[0].replace(/.*: /, '')})` : ''}`);
}

// ── containers/image dir: directories ──────────────────────────────────────────────────────────

function compareWithDir(directory: string, graph: ImageGraph, checks: Checks, row: ReportRow): { mismatches: number; files: Map<string, string> } {
  const expected = readDirIndependently(directory);
  if (!expected) {
    checks.ok(false, 'jq cannot read manifest.json');
    return { mismatches: 0, files: new Map() };
  }
  row.independent.push('jq over manifest.json + hex-named files');
  checks.eq(graph.roots.map((root) => root.digest), [expected.root], 'root = sha256 of manifest.json');
  const nodes = new Map(graph.nodes.map((node) => [node.digest, node]));
  checks.eq([...nodes.keys()].sort(), [expected.root, ...expected.present.keys()].sort(), 'node digests');
  for (const [digest, present] of expected.present) checks.eq(nodes.get(digest)?.present, present, `node ${short(digest)} present`);
  const document = graph.documents.get(expected.root);
  if (document?.type === 'manifest') {
    checks.eq(document.config.digest, expected.config, 'config digest');
    checks.eq(document.layers.map((layer) => layer.digest), expected.layers, 'layer digests');
  } else if (document?.type === 'schema1') checks.eq(document.layerDigests, expected.layers, 'schema 1 layers, base first');
  else checks.ok(false, `manifest.json was not read as a manifest (${document?.type})`);
  checks.eq(graph.unreferenced.map((blob) => blob.digest).sort(), expected.unreferenced.sort(), 'unreferenced blobs');
  if (expected.skopeo?.digest) {
    checks.eq(expected.skopeo.digest, expected.root, 'skopeo inspect --raw dir: digest');
    row.independent.push('skopeo dir: 1/1');
  } else if (hasTool('skopeo')) row.independent.push(`skopeo dir: failed (${expected.skopeo?.error})`);
  return { mismatches: expected.mismatches.length, files: expected.files };
}

// ── legacy docker save ─────────────────────────────────────────────────────────────────────────

function compareWithDockerArchive(file: string, extracted: string, graph: ImageGraph, checks: Checks, row: ReportRow): { mismatches: number; referenced: Set<string>; files: Map<string, string> } {
  const expected = readDockerArchiveIndependently(file, extracted);
  if (expected.problem) {
    checks.ok(false, expected.problem);
    return { mismatches: 0, referenced: new Set(), files: new Map() };
  }
  const referenced = new Set(expected.images.flatMap((image) => [image.configDigest ?? '', ...image.expectedLayerDigests]));
  const files = new Map<string, string>();
  for (const image of expected.images) {
    if (image.configDigest) files.set(image.configDigest, path.join(extracted, image.config));
    image.layers.forEach((layer, index) => {
      const digest = image.expectedLayerDigests[index];
      // A hand-edited layer does not hash to the digest it is known by: its bytes are still the file's.
      if (digest && digest !== '(missing)') files.set(digest, path.join(extracted, layer));
    });
  }
  row.independent.push(`jq manifest.json (${expected.images.length} image${expected.images.length === 1 ? '' : 's'}) + sha256 of stored files`);
  checks.eq(graph.roots.length, expected.images.length, 'roots = manifest.json entries');
  let skopeoRead = 0;
  let mismatches = 0;
  const typeDiffs = new Set<string>();
  expected.images.forEach((image, index) => {
    const root = graph.roots[index];
    if (!root) return;
    mismatches += image.mismatchedLayers.length;
    const what = `image ${index}`;
    checks.eq(root.names, image.repoTags, `${what} names = RepoTags`);
    const document = graph.documents.get(root.digest);
    if (document?.type !== 'manifest') {
      checks.ok(false, `${what}: no manifest document for root ${short(root.digest)}`);
      return;
    }
    checks.eq(document.config.digest, image.configDigest, `${what} config digest = sha256 of ${image.config}`);
    checks.eq(
      document.layers.map((layer) => layer.digest),
      image.expectedLayerDigests,
      `${what} layer digests (stored file digest; diff_id for an uncompressed tar)`,
    );
    document.layers.forEach((layer, layerIndex) => {
      const stored = path.join(extracted, image.layers[layerIndex] ?? '');
      if (!existsSync(stored) || !statSync(stored).isFile()) return;
      const magic = compressionOf(readFileSync(stored).subarray(0, 8));
      const declared = layer.mediaType.endsWith('gzip') ? 'gzip' : layer.mediaType.endsWith('zstd') ? 'zstd' : 'none';
      checks.eq(declared, magic === 'xz' || magic === 'bzip2' ? 'none' : magic, `${what} layer ${layerIndex} media type ${layer.mediaType} vs the stored file's magic bytes`);
    });
    const skopeo = expected.skopeo[index];
    if (!hasTool('skopeo')) return;
    if (!skopeo.manifest) {
      row.notes.push(`skopeo cannot read ${what}: ${(skopeo.manifestError ?? '').replace(/.*: /, '')}`);
      return;
    }
    skopeoRead++;
    checks.eq(document.config.digest, skopeo.manifest.config.digest, `${what} config digest vs skopeo`);
    if (skopeo.config) checks.eq(sha256(skopeo.config), document.config.digest, `${what} sha256 of skopeo --config --raw`);
    checks.eq(document.layers.length, skopeo.manifest.layers.length, `${what} layer count vs skopeo`);
    document.layers.forEach((layer, layerIndex) => {
      const theirs = skopeo.manifest?.layers[layerIndex];
      if (!theirs) return;
      const stored = path.join(extracted, image.layers[layerIndex]);
      const storedDigest = existsSync(stored) ? sha256File(stored) : undefined;
      const compressed = layer.mediaType.endsWith('gzip') || layer.mediaType.endsWith('zstd');
      if (!compressed) {
        checks.eq(layer.digest, theirs.digest, `${what} layer ${layerIndex} digest vs skopeo`);
        if (theirs.size === 0 && layer.size > 0) row.notes.push(`skopeo gives size 0 for layer ${layerIndex} (a symlinked layer.tar); ours ${layer.size}`);
        else checks.eq(layer.size, theirs.size, `${what} layer ${layerIndex} size vs skopeo`);
      } else {
        // skopeo decompresses a compressed stored layer and names it by diff_id; we serve the stored bytes.
        checks.eq(layer.digest, storedDigest, `${what} layer ${layerIndex} digest = sha256 of the stored compressed file`);
        checks.eq(theirs.digest, image.diffIds[layerIndex], `${what} layer ${layerIndex}: skopeo names a compressed stored layer by its diff_id`);
        row.notes.push(`layer ${layerIndex} is stored ${layer.mediaType.replace(/.*\./, '')}: skopeo names it by diff_id ${short(theirs.digest)}, we by the stored bytes ${short(layer.digest)}`);
      }
      if (layer.mediaType !== theirs.mediaType) typeDiffs.add(`${layer.mediaType.replace(/.*rootfs\./, '')} vs skopeo ${theirs.mediaType.replace(/.*rootfs\./, '')}`);
    });
  });
  if (hasTool('skopeo')) row.independent.push(`skopeo docker-archive: ${skopeoRead}/${expected.images.length} images`);
  if (typeDiffs.size) row.notes.push(`layer media types differ (ours honest): ${[...typeDiffs].join(', ')}`);
  return { mismatches, referenced, files };
}

function compareWithV1Save(extracted: string, graph: ImageGraph, checks: Checks, row: ReportRow): Map<string, string> {
  const files = new Map<string, string>();
  const images = readV1SaveIndependently(extracted);
  if (!images) {
    checks.ok(false, 'jq cannot read repositories');
    return files;
  }
  row.independent.push(`jq repositories + <id>/json parent chain + sha256 of layer.tar (${images.length} image${images.length === 1 ? '' : 's'})`);
  checks.eq(graph.roots.length, images.length, 'roots = tagged v1 images');
  images.forEach((image, index) => {
    const root = graph.roots.find((candidate) => image.names.every((name) => candidate.names.includes(name)));
    if (!root) {
      checks.ok(false, `no root named ${show(image.names)}`);
      return;
    }
    const document = graph.documents.get(root.digest);
    checks.eq(document?.type === 'manifest' ? document.layers.map((layer) => layer.digest) : undefined, image.layerDigests, `v1 image ${index} layer digests, base first`);
    image.layerDigests.forEach((digest, layerIndex) => files.set(digest, image.layerFiles[layerIndex]));
  });
  return files;
}

// ── raw JSON documents ─────────────────────────────────────────────────────────────────────────

interface JqDocumentShape {
  manifests: Array<{ digest: string }> | null;
  config: { digest: string } | null;
  layers: Array<{ digest: string }> | null;
  fsLayers: string[] | null;
}

function compareJsonDocument(file: string, negative: boolean, checks: Checks, row: ReportRow): void {
  const shape = jq(file, DOCUMENT_FILTER) as JqDocumentShape | null | undefined;
  let document: ReturnType<typeof parseImageDocument> | undefined;
  let failure: unknown;
  try {
    document = parseImageDocument(readFileSync(file), undefined, { source: file, subject: path.basename(file) });
  } catch (error) {
    failure = error;
  }
  if (failure !== undefined) {
    checks.ok(failure instanceof ImageError, `parseImageDocument threw a ${(failure as Error)?.name}, not an ImageError: ${(failure as Error)?.message}`);
    const recognised = shape && (shape.manifests !== null || shape.config !== null || shape.fsLayers !== null);
    if (recognised && !negative) checks.ok(false, `parseImageDocument rejected a document jq reads as a manifest-like: ${(failure as Error).message}`);
    row.independent.push(`jq: ${recognised ? 'manifest-like' : 'not a manifest/index'}; parseImageDocument: ${(failure as ImageError).code ?? 'threw'}`);
    return;
  }
  if (!document) return;
  row.independent.push(`jq vs parseImageDocument: ${document.type}`);
  if (!shape) {
    checks.ok(false, `parseImageDocument accepted what jq cannot read as an object (${document.type})`);
    return;
  }
  if (document.type === 'index') checks.eq(document.manifests.map((item) => item.digest), (shape.manifests ?? []).map((item) => item.digest), 'index entries vs jq');
  else if (document.type === 'manifest') {
    checks.eq(document.config.digest, shape.config?.digest, 'config digest vs jq');
    checks.eq(document.layers.map((item) => item.digest), (shape.layers ?? []).map((item) => item.digest), 'layer digests vs jq');
  } else checks.eq(document.layerDigests, [...(shape.fsLayers ?? [])].reverse(), 'schema 1 layers (base first) vs jq fsLayers');
}

/** A directory of JSON files: how many of them hash to a digest that some descriptor in it names. */
function countHashMatches(directory: string, expected: number | undefined, checks: Checks, row: ReportRow): void {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(directory);
  const digests = new Set<string>();
  for (const file of files) {
    const found = jq(file, '[.. | objects | select(has("digest")) | .digest | strings]') as string[] | undefined;
    for (const digest of found ?? []) digests.add(digest);
  }
  const matching = files.filter((file) => digests.has(sha256File(file))).length;
  row.independent.push(`jq: ${digests.size} descriptor digests; ${matching}/${files.length} files hash to one (re-serialized JSON)`);
  row.mismatches = files.length - matching;
  if (expected !== undefined) checks.eq(matching, expected, 'JSON files whose sha256 is a descriptor digest');
}

// ── the run ────────────────────────────────────────────────────────────────────────────────────

const corpusPresent = existsSync(path.join(CORPUS_DIR, 'README.md'));
const entries: CorpusEntry[] = corpusPresent ? readCorpusEntries().filter(isCovered) : [];
const rows: ReportRow[] = [];

describe('conformance: third-party corpus', function () {
  this.timeout(60_000);

  before(function () {
    if (!corpusPresent) {
      console.log(`corpus not found at ${CORPUS_DIR}: conformance tests skipped`);
      this.skip();
    }
    for (const tool of ['tar', 'jq']) {
      if (!hasTool(tool)) {
        console.log(`conformance: ${tool} is not installed; the independent checks need it — skipped`);
        this.skip();
      }
    }
  });

  after(function () {
    if (rows.length === 0) return;
    const partial = rows.length < entries.length ? ` PARTIAL RUN: ${rows.length} of ${entries.length} entries (mocha --grep?).` : '';
    const header = `Corpus: \`${CORPUS_DIR}\`.${partial} Independent readers: GNU tar, jq, ${hasTool('skopeo') ? 'skopeo' : '(skopeo missing)'}, sha256 of the files. Budget per entry for openSource + buildImageGraph: ${OPEN_BUDGET_MS} ms.`;
    console.log(writeReport(REPORT_FILE, rows, header));
  });

  if (!corpusPresent) {
    it(`corpus not found at ${CORPUS_DIR}`, function () {
      this.skip();
    });
    return;
  }

  it('the README lists every section the run covers, with entries in each', function () {
    const sections = new Set(entries.map((entry) => entry.section));
    for (const section of ['1', '2', '3a', '3b', '3c', '4', '5', '6a', '6b', '6c']) assert.ok(sections.has(section), `README section ${section} has no "### \`path\`" entries`);
    assert.ok(entries.length >= 100, `only ${entries.length} entries parsed from the README`);
    for (const entry of entries) assert.ok(existsSync(path.join(CORPUS_DIR, entry.path)), `README entry ${entry.path} is not on disk`);
  });

  for (const entry of entries) {
    it(`${entry.section} ${entry.path}`, async function () {
      const classified = classifyEntry(entry);
      const expectation: Expectation = EXPECTATIONS[entry.path] ?? defaultExpectation(classified.role);
      const row: ReportRow = { entry: entry.path, section: entry.section, role: `${classified.role} (${classified.shape}${classified.compression !== 'none' ? `, ${classified.compression}` : ''})`, kind: '', independent: [], notes: [] };
      rows.push(row);
      const checks = new Checks();
      try {
        await checkEntry(entry, classified, expectation, checks, row);
        checks.assertAll();
        row.verdict = 'pass';
      } catch (error) {
        row.verdict = 'fail';
        row.reason = (error as Error).message.split('\n').filter((line) => line.trim() !== '').slice(0, 4).join(' / ');
        throw error;
      }
    });
  }
});

async function checkEntry(entry: CorpusEntry, classified: Classified, expectation: Expectation, checks: Checks, row: ReportRow): Promise<void> {
  const full = path.join(CORPUS_DIR, entry.path);
  let outcome: { source: ImageSource; graph: ImageGraph; ms: number } | undefined;
  let failure: unknown;
  const started = Date.now();
  try {
    outcome = await openAndWalk(full);
  } catch (error) {
    failure = error;
  }
  const elapsed = Date.now() - started;

  if (classified.shape === 'json') compareJsonDocument(full, classified.role === 'negative', checks, row);
  if (classified.shape === 'json-dir') countHashMatches(full, expectation.outcome === 'error' ? expectation.filesHashingToDescriptors : undefined, checks, row);
  if (classified.shape === 'bare-tar' && !classified.tarError) await compareTarListing(full, classified.role === 'negative', expectation.files, checks, row);

  if (expectation.outcome === 'error') {
    if (outcome) {
      row.kind = `${outcome.graph.source.kind}: ${outcome.graph.source.format}`;
      row.nodes = outcome.graph.nodes.length;
      await outcome.source.close();
    }
    checkError(failure, outcome !== undefined, expectation, full, elapsed, checks, row);
    return;
  }

  if (!outcome) {
    row.kind = failure instanceof ImageError ? `error ${failure.code}` : 'crash';
    checks.ok(false, `expected the entry to open (${expectation.why}), but: ${(failure as Error)?.message ?? String(failure)}`);
    return;
  }
  try {
    await checkImage(entry, classified, expectation, outcome, checks, row);
  } finally {
    await outcome.source.close();
  }
}

function checkError(failure: unknown, opened: boolean, expectation: ErrorExpectation, full: string, ms: number, checks: Checks, row: ReportRow): void {
  if (opened) {
    checks.ok(false, `expected an ImageError (${expectation.codes.join('|')}: ${expectation.why}), but it opened`);
    return;
  }
  if (!(failure instanceof ImageError)) {
    row.kind = `crash: ${(failure as Error)?.name}`;
    checks.ok(false, `expected an ImageError, got ${(failure as Error)?.name}: ${(failure as Error)?.message ?? String(failure)}`);
    return;
  }
  row.kind = `error ${failure.code}: ${failure.message.replace(CORPUS_DIR + '/', '').slice(0, 160)} (${ms} ms)`;
  checks.ok(expectation.codes.includes(failure.code), `error code ${failure.code}, expected ${expectation.codes.join('|')} (${failure.message})`);
  checks.ok(failure.message.includes(full) || failure.message.includes(path.basename(full)), `the message does not name the source: ${failure.message}`);
  checks.ok(!/\n/.test(failure.message), 'the message is more than one line');
  if (expectation.message) checks.ok(expectation.message.test(failure.message), `the message does not match ${expectation.message}: ${failure.message}`);
  checks.ok(ms <= OPEN_BUDGET_MS, `took ${ms} ms to fail`);
}

async function checkImage(entry: CorpusEntry, classified: Classified, expectation: OkExpectation, opened: { source: ImageSource; graph: ImageGraph; ms: number }, checks: Checks, row: ReportRow): Promise<void> {
  const { source, graph, ms } = opened;
  const full = path.join(CORPUS_DIR, entry.path);
  row.kind = `${graph.source.kind}: ${graph.source.format} (${ms} ms)`;
  row.nodes = graph.nodes.length;
  row.present = graph.nodes.filter((node) => node.present).length;
  row.absent = graph.nodes.length - row.present;
  row.unreferenced = graph.unreferenced.length;

  // What the source is, from what GNU tar / the directory listing shows.
  if (classified.shape === 'dir-transport') checks.ok(/\bdir\b/.test(graph.source.format), `format "${graph.source.format}" does not say it is a dir: directory`);
  else checks.eq(graph.source.kind, expectation.kind ?? expectedKind(classified), 'source kind');
  if (classified.compression !== 'none') checks.ok(graph.source.format.includes(`${classified.compression}-compressed`), `format "${graph.source.format}" does not say ${classified.compression}-compressed`);
  for (const node of graph.nodes) checks.ok(node.platform !== 'unknown/unknown', `node ${short(node.digest)} has platform unknown/unknown`);

  // The independent reading.
  let independentMismatches: number | undefined;
  let extracted: string | undefined;
  let blobFiles = new Map<string, string>();
  try {
    let layoutDir: string | undefined;
    if (classified.shape === 'layout-dir') layoutDir = full;
    else if (classified.shape === 'image-archive') {
      const result = extractTar(full);
      extracted = result.dir;
      if (result.error) row.notes.push(`GNU tar extract: ${result.error.split('\n')[0]}`);
      if (classified.top.includes('index.json')) layoutDir = extracted;
    }
    const viaManifestJson = layoutDir !== undefined && extracted !== undefined && classified.top.includes('manifest.json') && readLayoutIndependently(layoutDir).roots.length === 0;
    if (viaManifestJson && extracted && layoutDir) {
      // A Docker 25 save whose index.json lists nothing: manifest.json is what names the images.
      const expected = readLayoutIndependently(layoutDir);
      const docker = compareWithDockerArchive(full, extracted, graph, checks, row);
      row.independent.push('(index.json lists no manifests: compared via manifest.json)');
      // A stored manifest whose config manifest.json names is that image's manifest, so it is referenced too.
      const storedManifestFor = (digest: string): boolean => {
        try {
          const json = JSON.parse(readFileSync(path.join(layoutDir, 'blobs', ...digest.split(':')), 'utf8')) as { config?: { digest?: string } };
          return json.config?.digest !== undefined && docker.referenced.has(json.config.digest);
        } catch {
          return false;
        }
      };
      checks.eq(graph.unreferenced.map((blob) => blob.digest).sort(), expected.blobFiles.filter((digest) => !docker.referenced.has(digest) && !storedManifestFor(digest)).sort(), 'unreferenced = blobs/ files neither manifest.json nor its images\' stored manifests name');
      independentMismatches = expected.mismatches.length + docker.mismatches;
      blobFiles = new Map([...layoutFiles(layoutDir, expected.blobFiles), ...docker.files]);
    } else if (classified.shape === 'dir-transport') {
      const dir = compareWithDir(full, graph, checks, row);
      independentMismatches = dir.mismatches;
      blobFiles = dir.files;
    } else if (layoutDir) {
      const expected = readLayoutIndependently(layoutDir);
      compareWithLayout(graph, expected, checks, row);
      independentMismatches = expected.mismatches.length;
      blobFiles = layoutFiles(layoutDir, expected.blobFiles);
      skopeoOciRoots(classified.shape === 'layout-dir' ? 'oci' : 'oci-archive', full, expected, checks, row);
    } else if (extracted && classified.top.includes('manifest.json')) {
      const docker = compareWithDockerArchive(full, extracted, graph, checks, row);
      independentMismatches = docker.mismatches;
      blobFiles = docker.files;
    } else if (extracted && classified.top.includes('repositories')) {
      blobFiles = compareWithV1Save(extracted, graph, checks, row);
      independentMismatches = 0;
    }
    if (classified.shape === 'image-archive') await compareTarListing(full, classified.role === 'negative', undefined, checks, row);
    await compareBlobBytes(source, blobFiles, checks, row);
  } finally {
    if (extracted) removeDir(extracted);
  }

  // verify: every present blob hashed.
  const mismatched = await countMismatches(source, graph);
  row.mismatches = mismatched.length;
  if (independentMismatches !== undefined) checks.eq(mismatched.length, independentMismatches, 'verify mismatches vs sha256 of the files');

  // What the README says.
  const absent = graph.nodes.filter((node) => !node.present).length;
  if (expectation.roots !== undefined) checks.eq(graph.roots.length, expectation.roots, `roots (${expectation.why})`);
  if (expectation.nodes !== undefined) checks.eq(graph.nodes.length, expectation.nodes, `nodes (${expectation.why})`);
  if (expectation.absent !== undefined) checks.eq(absent, expectation.absent, `absent nodes (${expectation.why})`);
  if (expectation.unreferenced !== undefined) checks.eq(graph.unreferenced.length, expectation.unreferenced, `unreferenced blobs (${expectation.why})`);
  if (expectation.mismatches !== undefined) checks.eq(mismatched.length, expectation.mismatches, `verify mismatches (${expectation.why})`);
  const names = new Set(graph.roots.flatMap((root) => root.names));
  for (const name of expectation.names ?? []) checks.ok(names.has(name), `no root is named "${name}" (names: ${show([...names])})`);
  const platforms = new Set(graph.nodes.map((node) => node.platform));
  for (const platform of expectation.platforms ?? []) checks.ok(platforms.has(platform), `no node has platform ${platform} (platforms: ${show([...platforms])})`);
  for (const [kind, count] of Object.entries(expectation.kinds ?? {})) checks.eq(graph.nodes.filter((node) => node.kind === kind).length, count, `${kind} nodes`);
  if (expectation.attestationsLinked !== undefined) {
    const linked = graph.nodes.filter((node) => node.kind === 'attestation-manifest' && node.attests && graph.nodes.find((image) => image.digest === node.attests)?.attestations?.includes(node.digest));
    checks.eq(linked.length, expectation.attestationsLinked, 'attestation manifests linked to their image (attests/attestations)');
  }
  if (expectation.referrers) checks.ok(graph.nodes.some((node) => (node.referrers?.length ?? 0) > 0), 'no node lists referrers (OCI 1.1 subject)');
}

describe('conformance: cancellation on corpus entries', function () {
  this.timeout(30_000);
  const cases = [
    'wagoodman__dive/.data/test-docker-image.tar',
    'aquasecurity__trivy/pkg/fanal/test/testdata/alpine-310.tar.gz',
    'regclient__regclient/testdata/testrepo',
  ];
  for (const relative of cases) {
    it(`an aborted signal ends ${path.basename(relative)} with a 'cancelled' ImageError`, async function () {
      if (!corpusPresent) this.skip();
      const controller = new AbortController();
      controller.abort();
      const started = Date.now();
      let source: ImageSource | undefined;
      try {
        source = await openSource(path.join(CORPUS_DIR, relative), { signal: controller.signal });
        await buildImageGraph(source, { signal: controller.signal });
        assert.fail('the walk finished despite the aborted signal');
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error;
        assert.ok(error instanceof ImageError, `expected an ImageError, got ${(error as Error)?.name}: ${(error as Error)?.message}`);
        assert.equal(error.code, 'cancelled', error.message);
      } finally {
        await source?.close();
      }
      assert.ok(Date.now() - started < OPEN_BUDGET_MS, 'cancellation should be prompt');
    });
  }
});

// ── the CLI, end to end, on a few corpus entries ───────────────────────────────────────────────

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

function newestSource(directory: string): number {
  let newest = 0;
  for (const name of readdirSync(directory)) {
    const full = path.join(directory, name);
    const stats = statSync(full);
    newest = Math.max(newest, stats.isDirectory() ? newestSource(full) : stats.mtimeMs);
  }
  return newest;
}

function cli(args: string[]): { status: number | null; stdout: Buffer; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CIE_DEBUG: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** One line on stderr, naming what went wrong, and no stack trace. */
function assertOneLineError(stderr: string, mentions?: string): void {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  assert.equal(lines.length, 1, `stderr should be one line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
  assert.match(lines[0], /^error: /);
  if (mentions) assert.ok(lines[0].includes(mentions), `"${lines[0]}" should mention ${mentions}`);
}

describe('conformance: CLI end to end on corpus entries', function () {
  this.timeout(180_000);
  const corpus = (relative: string) => path.join(CORPUS_DIR, relative);
  const IMAGE_1 = corpus('google__go-containerregistry/pkg/v1/tarball/testdata/test_image_1.tar');
  const TEST_INDEX = corpus('google__go-containerregistry/pkg/v1/layout/testdata/test_index');
  const HELLO = corpus('oras-project__oras-go/content/oci/testdata/hello-world.tar');
  const NGINX = corpus('snyk__snyk-docker-plugin/test/fixtures/docker-archives/docker-save/nginx.tar');
  const NOT_IMAGE = corpus('snyk__snyk-docker-plugin/test/fixtures/docker-oci-archives/unsupported-image.tar');

  before(function () {
    if (!corpusPresent) {
      console.log(`corpus not found at ${CORPUS_DIR}: CLI conformance tests skipped`);
      this.skip();
    }
    const stale = !existsSync(CLI) || statSync(CLI).mtimeMs < newestSource(path.join(REPO_ROOT, 'src'));
    if (stale) {
      const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, timeout: 170_000 });
      assert.equal(build.status, 0, `npm run build failed:\n${build.stderr?.toString()}`);
    }
  });

  it('tree --json on a legacy docker save agrees with skopeo (names, config, layers)', function () {
    const result = cli(['tree', IMAGE_1, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const tree = JSON.parse(result.stdout.toString('utf8'));
    assert.equal(tree.source.kind, 'docker-archive');
    assert.equal(tree.roots.length, 1);
    assert.equal(tree.roots[0].name, 'bazel/v1/tarball:test_image_1');
    assert.equal(tree.nodes.length, 3);
    if (!hasTool('skopeo')) return;
    const manifest = JSON.parse((skopeoRaw(`docker-archive:${IMAGE_1}`).raw as Buffer).toString('utf8'));
    const config = tree.nodes.find((node: { kind: string }) => node.kind === 'config');
    assert.equal(config.digest, manifest.config.digest);
    assert.deepEqual(
      tree.nodes.filter((node: { kind: string }) => node.kind === 'layer').map((node: { digest: string }) => node.digest),
      manifest.layers.map((layer: { digest: string }) => layer.digest),
    );
  });

  it('tree --json on an OCI layout lists index.json roots as jq reads them', function () {
    const result = cli(['tree', TEST_INDEX, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const tree = JSON.parse(result.stdout.toString('utf8'));
    assert.equal(tree.source.kind, 'oci-layout');
    assert.deepEqual(
      tree.roots.map((root: { digest: string }) => root.digest),
      jq(path.join(TEST_INDEX, 'index.json'), '[.manifests[].digest]'),
    );
    assert.deepEqual(tree.roots.map((root: { name: string }) => root.name), ['1', '2', '3', '4']);
  });

  it('tree --json on the partial hello-world export marks the 10 missing platform manifests present:false', function () {
    const result = cli(['tree', HELLO, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const tree = JSON.parse(result.stdout.toString('utf8'));
    const absent = tree.nodes.filter((node: { present: boolean }) => !node.present);
    assert.equal(absent.length, 10);
    const extracted = extractTar(HELLO);
    try {
      for (const node of absent) assert.equal(existsSync(path.join(extracted.dir, 'blobs', 'sha256', node.digest.slice(7))), false, `${node.digest} is in the archive`);
      const present = tree.nodes.filter((node: { present: boolean }) => node.present);
      for (const node of present) assert.ok(existsSync(path.join(extracted.dir, 'blobs', 'sha256', node.digest.slice(7))), `${node.digest} is not in the archive`);
    } finally {
      removeDir(extracted.dir);
    }
  });

  it('cat of a docker save config is byte-for-byte what skopeo inspect --config --raw reads', function () {
    if (!hasTool('skopeo')) this.skip();
    const expected = skopeoRaw(`docker-archive:${IMAGE_1}`, true).raw as Buffer;
    const result = cli(['cat', IMAGE_1, sha256(expected)]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(result.stdout.equals(expected), `cat gave ${result.stdout.length} bytes, skopeo ${expected.length}`);
  });

  it('cat of an OCI layout config is byte-for-byte the blob file', function () {
    const configDigest = jq(path.join(TEST_INDEX, 'blobs', 'sha256', (jq(path.join(TEST_INDEX, 'index.json'), '.manifests[0].digest') as string).slice(7)), '.config.digest') as string;
    const result = cli(['cat', TEST_INDEX, configDigest]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(result.stdout.equals(readFileSync(path.join(TEST_INDEX, 'blobs', 'sha256', configDigest.slice(7)))));
  });

  it('cat of a digest the partial export does not hold exits 4 with one line', function () {
    const tree = JSON.parse(cli(['tree', HELLO, '--json']).stdout.toString('utf8'));
    const absent = tree.nodes.find((node: { present: boolean }) => !node.present)?.digest as string;
    assert.match(absent ?? '', /^sha256:[a-f0-9]{64}$/);
    const result = cli(['cat', HELLO, absent]);
    assert.equal(result.status, 4, result.stderr);
    assertOneLineError(result.stderr, absent);
  });

  it('verify exits 0 on a sound archive and 1 on the hand-trimmed nginx save', function () {
    const good = cli(['verify', IMAGE_1]);
    assert.equal(good.status, 0, good.stdout.toString() + good.stderr);
    const bad = cli(['verify', NGINX, '--json']);
    assert.equal(bad.status, 1, bad.stderr);
    const report = JSON.parse(bad.stdout.toString('utf8'));
    assert.equal(report.ok, false);
    assert.equal(report.failed, 1);
    assert.equal(report.checked, 3);
  });

  it('a tar that is not an image exits 3 with a one-line message naming it', function () {
    for (const command of ['tree', 'verify']) {
      const result = cli([command, NOT_IMAGE]);
      assert.equal(result.status, 3, `${command}: ${result.stderr}`);
      assertOneLineError(result.stderr, 'unsupported-image.tar');
      assert.match(result.stderr, /not an image/);
    }
    const missing = cli(['tree', corpus('no/such/archive.tar')]);
    assert.equal(missing.status, 3, missing.stderr);
    assertOneLineError(missing.stderr, 'archive.tar');
  });

  it('a transport prefix that does not fit the archive exits 3 naming the mismatch', function () {
    const ociArchive = corpus('wagoodman__dive/.data/test-oci-gzip-image.tar');
    for (const [spec, problem] of [
      [`docker-archive:${ociArchive}`, /not a docker-archive/],
      [`oci-archive:${IMAGE_1}`, /not an oci-archive/],
      [`oci:${ociArchive}`, /oci: needs a layout directory/],
      [`docker-archive:${TEST_INDEX}`, /needs an archive file/],
      [`oci:${corpus('containers__skopeo/integration/fixtures/uncompressed-image-s2')}`, /not an OCI image layout/],
    ] as const) {
      const result = cli(['tree', spec]);
      assert.equal(result.status, 3, `${spec}: exit ${result.status}, ${result.stderr}${result.stdout.toString().slice(0, 200)}`);
      assertOneLineError(result.stderr);
      assert.match(result.stderr, problem);
    }
  });

  it('usage errors exit 2', function () {
    assert.equal(cli([]).status, 2);
    for (const args of [['tree'], ['frobnicate', IMAGE_1], ['tree', IMAGE_1, '--bogus'], ['cat', IMAGE_1, 'not-a-digest'], ['cat', IMAGE_1], ['tree', IMAGE_1, 'extra']]) {
      const result = cli(args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assertOneLineError(result.stderr);
    }
  });
});
