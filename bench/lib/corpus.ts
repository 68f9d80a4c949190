import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusLayer {
  digest: string;
  size: number;
  mediaType: string;
  diffId: string;
  path: string;
}

export interface CorpusImage {
  ociLayout: string;
  tag: string;
  manifestDigest: string;
  layers: CorpusLayer[];
  dockerArchive?: string;
  ociArchive?: string;
  docker25Archive?: string;
  lastFile?: string;
  rootfsOrigin?: string;
}

export interface Corpus {
  version: number;
  root: string;
  buildSeconds: number;
  sizes: Record<string, number>;
  images: { debian: CorpusImage; big: CorpusImage; bigZstd: CorpusImage; many: CorpusImage; manyZstd: CorpusImage };
  roles: {
    catArchiveBlob: { source: string; digest: string; size: number; member: string };
    treeArchive: string;
  };
}

export function defaultCorpusPath(): string {
  const cache = process.env.XDG_CACHE_HOME || join(process.env.HOME ?? '/root', '.cache');
  return join(process.env.CIE_BENCH_DIR ?? join(cache, 'container-image-explorer', 'bench'), 'corpus.json');
}

/** Reads corpus.json; when it is missing and `build` is set, runs scripts/bench-corpus.sh first. */
export function loadCorpus(path: string, repoDir: string, build: boolean): Corpus {
  if (!existsSync(path)) {
    const script = join(repoDir, 'scripts', 'bench-corpus.sh');
    if (!build) throw new Error(`no benchmark corpus at ${path}: run \`bash scripts/bench-corpus.sh\` first (about 5 minutes, ~6 GB)`);
    process.stderr.write(`bench: ${path} is missing; building it with ${script} (about 5 minutes, ~6 GB)\n`);
    const result = spawnSync('bash', [script], { stdio: 'inherit' });
    if (result.status !== 0 || !existsSync(path)) {
      throw new Error(`building the corpus failed (exit ${result.status}); run \`bash scripts/bench-corpus.sh\` and read its output`);
    }
  }
  const corpus = JSON.parse(readFileSync(path, 'utf8')) as Corpus;
  if (corpus.version !== 1) throw new Error(`${path}: unsupported corpus version ${corpus.version}; rebuild with --force`);
  return corpus;
}
