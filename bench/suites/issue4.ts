import type { CorpusImage } from '../lib/corpus';
import type { Benchmark } from '../lib/types';
import { baselineCmd, cliCmd, quote, shell, type SuiteContext } from './context';

/** Issue 4: layer listings, a file read through a layer index, merged views. Skipped until the CLI has them. */
export function issue4(context: SuiteContext): Benchmark[] {
  const { big, bigZstd, many, manyZstd, debian } = context.corpus.images;
  const ls = (image: CorpusImage) => cliCmd(context, 'ls', image.ociLayout, image.layers[0].digest, '--json');
  const tarT = (decompress: string, image: CorpusImage) => shell(`${decompress} -dc ${quote(image.layers[0].path)} | tar -t`, [0, 2]);
  const gzipRows = (name: string, image: CorpusImage, what: string): Benchmark[] => [
    {
      name: `ls-gzip-${name}`,
      description: `ls --json of the ${what} gzip layer vs Node zlib inflate of it to nowhere`,
      metric: 'time',
      ours: ls(image),
      baseline: { label: 'node zlib inflate', cmd: baselineCmd(context, 'inflate', image.layers[0].path) },
    },
    {
      name: `ls-gzip-${name}-vs-pigz`,
      description: `ls --json of the ${what} gzip layer vs pigz -dc | tar t`,
      metric: 'time',
      ours: ls(image),
      baseline: { label: 'pigz -dc | tar t', cmd: tarT('pigz', image) },
    },
  ];
  const zstdRow = (name: string, image: CorpusImage, what: string): Benchmark => ({
    name: `ls-zstd-${name}`,
    description: `ls --json of the ${what} zstd layer vs zstd -dc | tar t`,
    metric: 'time',
    ours: ls(image),
    baseline: { label: 'zstd -dc | tar t', cmd: tarT('zstd', image) },
  });
  const lastFile = big.lastFile ?? '';
  return [
    ...gzipRows('big', big, 'big (1.7 GB)'),
    ...gzipRows('many', many, '200k-file'),
    zstdRow('big', bigZstd, 'big'),
    zstdRow('many', manyZstd, '200k-file'),
    {
      name: 'get-last-file-big-gzip',
      description: `get ${lastFile} (the last file of the big gzip layer) once its index exists vs decompressing from the start`,
      metric: 'time',
      prepare: ls(big),
      ours: cliCmd(context, 'get', big.ociLayout, big.layers[0].digest, `/${lastFile}`),
      baseline: { label: 'pigz -dc | tar xO --occurrence=1', cmd: shell(`pigz -dc ${quote(big.layers[0].path)} | tar -xOf - --occurrence=1 ${quote(lastFile)}`, [0, 2]) },
    },
    { name: 'merged-debian', description: 'ls --merged --json of the 3-layer Debian image (time and memory)', metric: 'time', ours: cliCmd(context, 'ls', debian.ociLayout, '--merged', '--json') },
    { name: 'merged-many', description: 'ls --merged --json of the 200k-file image (time and memory)', metric: 'time', ours: cliCmd(context, 'ls', many.ociLayout, '--merged', '--json') },
  ];
}
