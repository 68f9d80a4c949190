/**
 * Opt-in measurements (CIE_LAYER_BENCH=1) on the bench corpus that bench/ builds
 * (${XDG_CACHE_HOME:-~/.cache}/container-image-explorer/bench/corpus.json) and, if set,
 * CIE_BENCH_GZIP_LAYER (a bare .tar.gz file, e.g. made with GNU tar + pigz):
 * - the indexing pass against Node's plain createGunzip() piped to nowhere (and with 256 KiB
 *   chunks, as decompress.ts uses), wall and CPU time, medians of interleaved rounds;
 * - reading the last file of a large layer once its index exists (warm store, and a new store
 *   that loads the index file) against decoding from the start;
 * - index file size and load time.
 *   CIE_LAYER_BENCH=1 npx mocha --no-config --require tsx/cjs --timeout 0 test/unit/layerBench.test.ts
 * (CIE_LAYER_BENCH_ONLY=name,… picks layers; CIE_LAYER_BENCH_ROUNDS sets the rounds, default 5).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { createDecompressor } from '../../src/core/compression/decompress';
import { LayerStore } from '../../src/core/layers/layerStore';
import type { Descriptor } from '../../src/core/model/descriptor';
import type { ImageSource } from '../../src/core/sources/imageSource';
import { openSource } from '../../src/core/sources/openSource';
import { FileBlobSource, readAll, temporaryDirectory } from './layerTestHelpers';

const ENABLED = process.env.CIE_LAYER_BENCH === '1';
const CORPUS_JSON = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'container-image-explorer', 'bench', 'corpus.json');
const ROUNDS = Number(process.env.CIE_LAYER_BENCH_ROUNDS ?? 5);
/** Comma-separated names to measure (manyFilesLayer, bigGzipLayer, bigZstdLayer, manyZstdLayer, CIE_BENCH_GZIP_LAYER); default all. */
const ONLY = process.env.CIE_LAYER_BENCH_ONLY?.split(',');
const wanted = (name: string) => ONLY === undefined || ONLY.includes(name);

interface Role {
  digest: string;
  size: number;
  mediaType: string;
  source: string;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function timed(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await run();
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - start) / 1e6, cpu: (used.user + used.system) / 1000 };
}

async function toNowhere(source: ImageSource, digest: string, transform: NodeJS.ReadWriteStream): Promise<void> {
  await pipeline(await source.open(digest), transform, new Writable({ write: (_chunk, _encoding, callback) => callback() }));
}

async function openRole(role: Role | undefined, file?: string): Promise<{ source: ImageSource; layer: Descriptor } | undefined> {
  if (role !== undefined && existsSync(role.source)) return { source: await openSource(role.source), layer: { mediaType: role.mediaType, digest: role.digest, size: role.size } };
  if (file !== undefined && existsSync(file)) {
    const source = new FileBlobSource(file);
    return { source, layer: source.descriptor() };
  }
  return undefined;
}

async function passAgainstGunzip(name: string, opened: { source: ImageSource; layer: Descriptor }): Promise<void> {
  const runs: Record<string, Array<{ wall: number; cpu: number }>> = { createGunzip: [], createGunzip256k: [], index: [] };
  let info = {};
  for (let round = 0; round < ROUNDS; round++) {
    runs.createGunzip.push(await timed(() => toNowhere(opened.source, opened.layer.digest, zlib.createGunzip())));
    runs.index.push(
      await timed(async () => {
        const stored = await new LayerStore().load(opened.source, opened.layer);
        info = { entries: stored.index.entries.length, compressed: stored.index.compressedSize, uncompressed: stored.index.uncompressedSize, checkpoints: stored.checkpoints.length };
      }),
    );
    runs.createGunzip256k.push(await timed(() => toNowhere(opened.source, opened.layer.digest, zlib.createGunzip({ chunkSize: 256 * 1024 }))));
  }
  const medians = Object.fromEntries(Object.entries(runs).map(([key, values]) => [key, { wall: Math.round(median(values.map((value) => value.wall))), cpu: Math.round(median(values.map((value) => value.cpu))) }]));
  const ratio = (base: string, kind: 'wall' | 'cpu') => +(medians.index[kind] / medians[base][kind]).toFixed(2);
  console.log(`      ${name}: ${JSON.stringify({ ...info, rounds: ROUNDS, medians, indexVsCreateGunzip: { wall: ratio('createGunzip', 'wall'), cpu: ratio('createGunzip', 'cpu') }, indexVsCreateGunzip256k: { wall: ratio('createGunzip256k', 'wall'), cpu: ratio('createGunzip256k', 'cpu') } })}`);
}

async function readLastFile(name: string, opened: { source: ImageSource; layer: Descriptor }, fromStart: boolean): Promise<void> {
  const cacheDir = temporaryDirectory('cie-layer-bench-');
  try {
    const indexing = await timed(() => new LayerStore({ cacheDirectory: cacheDir }).load(opened.source, opened.layer));
    const store = new LayerStore({ cacheDirectory: cacheDir });
    const stored = await store.load(opened.source, opened.layer);
    const last = stored.index.entries.filter((entry) => entry.type === 'file').at(-1);
    if (last === undefined) return;
    const warm: number[] = [];
    const cold: number[] = [];
    const load: number[] = [];
    for (let round = 0; round < Math.max(ROUNDS, 11); round++) {
      warm.push((await timed(async () => readAll(await store.readEntry(opened.source, opened.layer, last)))).wall);
      const fresh = new LayerStore({ cacheDirectory: cacheDir });
      load.push((await timed(() => fresh.load(opened.source, opened.layer))).wall);
      cold.push((await timed(async () => readAll(await new LayerStore({ cacheDirectory: cacheDir }).readEntry(opened.source, opened.layer, last)))).wall);
    }
    const file = path.join(cacheDir, readdirSync(cacheDir)[0]);
    const result: Record<string, unknown> = {
      compression: stored.index.compression,
      uncompressed: stored.index.uncompressedSize,
      lastFile: last.path,
      dataOffset: last.dataOffset,
      checkpoints: stored.checkpoints.length,
      windowBytes: stored.checkpoints.reduce((sum, checkpoint) => sum + (checkpoint.window?.length ?? 0), 0),
      indexFileBytes: statSync(file).size,
      indexingMs: Math.round(indexing.wall),
      indexFileLoadMedianMs: +median(load).toFixed(1),
      readLastWarmMedianMs: +median(warm).toFixed(1),
      readLastColdMedianMs: +median(cold).toFixed(1),
    };
    if (fromStart) {
      const end = last.dataOffset + last.size;
      const baseline: number[] = [];
      for (let round = 0; round < 3; round++) {
        baseline.push(
          (
            await timed(async () => {
              const input = await opened.source.open(opened.layer.digest);
              const decoder = createDecompressor(stored.index.compression, name);
              let seen = 0;
              for await (const chunk of input.pipe(decoder)) {
                seen += (chunk as Buffer).length;
                if (seen >= end) break;
              }
              input.destroy();
            })
          ).wall,
        );
      }
      result.decodeFromStartMedianMs = Math.round(median(baseline));
    }
    console.log(`      ${name}: ${JSON.stringify(result)}`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

describe('layers: measurements (CIE_LAYER_BENCH=1)', function () {
  this.timeout(0);
  let roles: Record<string, Role> = {};
  before(function () {
    if (!ENABLED) this.skip();
    if (existsSync(CORPUS_JSON)) roles = (JSON.parse(readFileSync(CORPUS_JSON, 'utf8')) as { roles: Record<string, Role> }).roles;
  });

  it('indexing pass against createGunzip() to nowhere: 200k small files, and a big layer', async function () {
    let ran = false;
    for (const [name, role, file] of [['manyFilesLayer', roles.manyFilesLayer], ['bigGzipLayer', roles.bigGzipLayer], ['CIE_BENCH_GZIP_LAYER', undefined, process.env.CIE_BENCH_GZIP_LAYER]] as const) {
      const opened = wanted(name) ? await openRole(role, file) : undefined;
      if (opened === undefined) continue;
      ran = true;
      await passAgainstGunzip(name, opened);
      await opened.source.close();
    }
    if (!ran) this.skip();
  });

  it('reading the last file of a large layer once indexed', async function () {
    let ran = false;
    for (const [name, role, file] of [['CIE_BENCH_GZIP_LAYER', undefined, process.env.CIE_BENCH_GZIP_LAYER], ['bigGzipLayer', roles.bigGzipLayer], ['manyFilesLayer', roles.manyFilesLayer], ['bigZstdLayer', roles.bigZstdLayer], ['manyZstdLayer', roles.manyZstdLayer]] as const) {
      const opened = wanted(name) ? await openRole(role, file) : undefined;
      if (opened === undefined) continue;
      ran = true;
      await readLastFile(name, opened, true);
      await opened.source.close();
    }
    if (!ran) this.skip();
  });
});
