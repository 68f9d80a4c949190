import { findMember } from '../lib/tar';
import type { Benchmark } from '../lib/types';
import { baselineCmd, cliCmd, type SuiteContext } from './context';

/** Issue 3: tree and cat on large sources. */
export function issue3(context: SuiteContext): Benchmark[] {
  const { big, debian } = context.corpus.images;
  const archive = context.corpus.roles.treeArchive;
  const archiveBlob = context.corpus.roles.catArchiveBlob;
  const layoutBlob = big.layers[0];
  const member = findMember(archiveBlob.source, archiveBlob.member);
  if (!member) throw new Error(`${archiveBlob.member} is not in ${archiveBlob.source}; rebuild the corpus with --force`);
  const skopeoVs = (name: string, source: string, transport: string): Benchmark => ({
    name,
    description: `tree --json vs skopeo inspect --raw ${transport}`,
    metric: 'time',
    ours: cliCmd(context, 'tree', source, '--json'),
    baseline: { label: `skopeo inspect --raw (${transport.split(':')[0]})`, cmd: { argv: ['skopeo', 'inspect', '--raw', transport] } },
  });
  return [
    {
      name: 'tree-docker-archive',
      description: `tree on the ${gb(context.corpus.sizes['big-docker-archive.tar'])} docker-archive vs a Node header-only tar walk`,
      metric: 'time',
      ours: cliCmd(context, 'tree', archive),
      baseline: { label: 'node tar header walk', cmd: baselineCmd(context, 'tarWalk', archive) },
      target: { maxRatio: 1.5, maxRssMb: 150 },
    },
    {
      name: 'cat-archive-blob',
      description: `cat of the ${gb(member.size)} layer member of the docker-archive to /dev/null vs dd of the same byte range`,
      metric: 'throughput',
      bytes: member.size,
      ours: cliCmd(context, 'cat', archiveBlob.source, archiveBlob.digest),
      baseline: {
        label: 'dd skip/count (same byte range)',
        cmd: { argv: ['dd', `if=${archiveBlob.source}`, 'iflag=skip_bytes,count_bytes', `skip=${member.dataOffset}`, `count=${member.size}`, 'bs=1M', 'status=none'] },
      },
      target: { minRatio: 0.8 },
    },
    {
      name: 'cat-layout-blob',
      description: `cat of the ${gb(layoutBlob.size)} gzip layer blob of an OCI layout to /dev/null vs cat FILE`,
      metric: 'throughput',
      bytes: layoutBlob.size,
      ours: cliCmd(context, 'cat', big.ociLayout, layoutBlob.digest),
      baseline: { label: 'cat FILE', cmd: { argv: ['cat', layoutBlob.path] } },
      target: { minRatio: 0.8 },
    },
    skopeoVs('tree-json-big-docker-archive', archive, `docker-archive:${archive}`),
    skopeoVs('tree-json-big-oci', big.ociLayout, `oci:${big.ociLayout}:${big.tag}`),
    skopeoVs('tree-json-debian-docker-archive', debian.dockerArchive ?? '', `docker-archive:${debian.dockerArchive}`),
    skopeoVs('tree-json-debian-oci', debian.ociLayout, `oci:${debian.ociLayout}:${debian.tag}`),
  ];
}

function gb(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 1e9).toFixed(2)} GB`;
}
