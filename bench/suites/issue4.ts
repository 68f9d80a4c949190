import type { CorpusImage } from '../lib/corpus';
import type { Benchmark } from '../lib/types';
import { baselineCmd, cliCmd, quote, shell, type SuiteContext } from './context';

/**
 * Issue 4: layer listings, a file read through a layer index, merged views. Listings run with
 * --no-index-cache so every repetition decompresses and parses the whole layer (a cold listing).
 */
export function issue4(context: SuiteContext): Benchmark[] {
  const { big, bigZstd, many, manyZstd, debian } = context.corpus.images;
  // The listing a layer index is: its table of contents in archive order (ls --toc), what `tar t` prints.
  const toc = (image: CorpusImage) => cliCmd(context, 'ls', '--no-index-cache', image.ociLayout, image.layers[0].digest, '--toc', '--json');
  // The sorted tree view (parents first, names in order, implied directories): reported beside it.
  const tree = (image: CorpusImage) => cliCmd(context, 'ls', '--no-index-cache', image.ociLayout, image.layers[0].digest, '--json');
  const LISTING_RSS_MB = 200;
  const tarT = (decompress: string, image: CorpusImage) => shell(`${decompress} -dc ${quote(image.layers[0].path)} | tar -t`, [0, 2]);
  const inflate = (image: CorpusImage) => ({ label: 'node zlib inflate', cmd: baselineCmd(context, 'inflate', image.layers[0].path) });
  const gzipRows = (name: string, image: CorpusImage, what: string): Benchmark[] => [
    {
      name: `ls-gzip-${name}`,
      description: `ls --toc --json of the ${what} gzip layer vs Node zlib inflate of it to nowhere`,
      metric: 'time',
      ours: toc(image),
      baseline: inflate(image),
      target: { maxRatio: 1.3, maxRssMb: LISTING_RSS_MB },
    },
    { name: `ls-gzip-${name}-vs-pigz`, description: `ls --toc --json of the ${what} gzip layer vs pigz -dc | tar t`, metric: 'time', ours: toc(image), baseline: { label: 'pigz -dc | tar t', cmd: tarT('pigz', image) } },
    { name: `ls-gzip-${name}-tree`, description: `ls --json (sorted tree view) of the ${what} gzip layer vs Node zlib inflate`, metric: 'time', ours: tree(image), baseline: inflate(image) },
  ];
  const zstdRows = (name: string, image: CorpusImage, what: string): Benchmark[] => [
    {
      name: `ls-zstd-${name}`,
      description: `ls --toc --json of the ${what} zstd layer vs zstd -dc | tar t`,
      metric: 'time',
      ours: toc(image),
      baseline: { label: 'zstd -dc | tar t', cmd: tarT('zstd', image) },
      target: { maxRatio: 1.5, maxRssMb: LISTING_RSS_MB },
    },
    { name: `ls-zstd-${name}-tree`, description: `ls --json (sorted tree view) of the ${what} zstd layer vs zstd -dc | tar t`, metric: 'time', ours: tree(image), baseline: { label: 'zstd -dc | tar t', cmd: tarT('zstd', image) } },
  ];
  const MERGED = { maxMs: 2000, maxRssMb: 300 };
  // Cold: every layer decompressed and indexed in the run; warm: the indexes come from the disk cache.
  const mergedRows = (name: string, image: CorpusImage, what: string): Benchmark[] => [
    { name: `merged-${name}-cold`, description: `ls --merged --json of ${what}, layers indexed in the run (--no-index-cache)`, metric: 'time', ours: cliCmd(context, 'ls', '--no-index-cache', image.ociLayout, '--merged', '--json'), target: MERGED },
    { name: `merged-${name}-warm`, description: `ls --merged --json of ${what}, layer indexes from the disk cache`, metric: 'time', ours: cliCmd(context, 'ls', image.ociLayout, '--merged', '--json'), target: MERGED },
  ];
  const lastFile = big.lastFile ?? '';
  return [
    ...gzipRows('big', big, 'big (1.7 GB)'),
    ...gzipRows('many', many, '200k-file'),
    ...zstdRows('big', bigZstd, 'big'),
    ...zstdRows('many', manyZstd, '200k-file'),
    {
      name: 'get-last-file-big-gzip',
      description: `get ${lastFile} (the last file of the big gzip layer) once its index exists vs decompressing from the start`,
      metric: 'time',
      // Builds the on-disk index (with checkpoints) that get then uses.
      prepare: cliCmd(context, 'ls', big.ociLayout, big.layers[0].digest, '--toc'),
      ours: cliCmd(context, 'get', big.ociLayout, big.layers[0].digest, `/${lastFile}`),
      target: { maxMs: 100 },
      baseline: { label: 'pigz -dc | tar xO --occurrence=1', cmd: shell(`pigz -dc ${quote(big.layers[0].path)} | tar -xOf - --occurrence=1 ${quote(lastFile)}`, [0, 2]) },
    },
    ...mergedRows('debian', debian, 'the 3-layer Debian image'),
    ...mergedRows('many', many, 'the 200k-file image'),
  ];
}
