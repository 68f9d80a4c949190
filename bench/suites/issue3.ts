import { statSync } from 'node:fs';
import { join } from 'node:path';
import { findMember, walkTar, type TarMember } from '../lib/tar';
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
  // The tiny objects of the fixed-cost runs: the config member of the archive, the manifest of the layout.
  const configMember = findConfigMember(archiveBlob.source);
  const manifestPath = join(big.ociLayout, 'blobs', 'sha256', big.manifestDigest.slice('sha256:'.length));
  const ddRange = (range: { dataOffset: number; size: number }) => ({
    argv: ['dd', `if=${archiveBlob.source}`, 'iflag=skip_bytes,count_bytes', `skip=${range.dataOffset}`, `count=${range.size}`, 'bs=128K', 'status=none'],
  });
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
      baseline: { label: 'dd skip/count bs=128K (same byte range)', cmd: ddRange(member) },
      fixedCost: { ours: cliCmd(context, 'cat', archiveBlob.source, `sha256:${configMember.name.replace(/\.json$/, '')}`), baseline: ddRange(configMember), bytes: configMember.size },
      target: { minSustainedRatio: 0.8 },
    },
    {
      name: 'cat-layout-blob',
      description: `cat of the ${gb(layoutBlob.size)} gzip layer blob of an OCI layout to /dev/null vs cat FILE`,
      metric: 'throughput',
      bytes: layoutBlob.size,
      ours: cliCmd(context, 'cat', big.ociLayout, layoutBlob.digest),
      baseline: { label: 'cat FILE', cmd: { argv: ['cat', layoutBlob.path] } },
      fixedCost: { ours: cliCmd(context, 'cat', big.ociLayout, big.manifestDigest), baseline: { argv: ['cat', manifestPath] }, bytes: statSync(manifestPath).size },
      target: { minSustainedRatio: 0.8 },
    },
    skopeoVs('tree-json-big-docker-archive', archive, `docker-archive:${archive}`),
    skopeoVs('tree-json-big-oci', big.ociLayout, `oci:${big.ociLayout}:${big.tag}`),
    skopeoVs('tree-json-debian-docker-archive', debian.dockerArchive ?? '', `docker-archive:${debian.dockerArchive}`),
    skopeoVs('tree-json-debian-oci', debian.ociLayout, `oci:${debian.ociLayout}:${debian.tag}`),
  ];
}

/** The `<hex>.json` config member skopeo writes into a docker-archive. */
function findConfigMember(archive: string): TarMember {
  for (const entry of walkTar(archive)) if (/^[0-9a-f]{64}\.json$/.test(entry.name)) return entry;
  throw new Error(`${archive} has no <hex>.json config member; rebuild the corpus with --force`);
}

function gb(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 1e9).toFixed(2)} GB`;
}
