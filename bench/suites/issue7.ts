import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skopeoPush, startProxy, startRegistry, type Proxy } from '../../test/unit/support/registryServer';
import type { Benchmark, Counters } from '../lib/types';
import { quote, shell, type SuiteContext } from './context';

/** The default checkpoint span (src/core/layers/checkpoint.ts): a remote file read should cost less than two. */
const SPAN = 4 * 1024 * 1024;

/**
 * Issue 7: registry references. A docker-registry on 127.0.0.1 (started by the first row that
 * needs it, storage in a temporary directory, killed when the bench exits) behind a counting
 * proxy in this process, holding the test fixtures' two-platform image and the corpus's big
 * image. The CLI reads it with its caches in a directory of this run; counters are the proxy's
 * requests and response bytes for each measured command.
 */
export function issue7(context: SuiteContext): Benchmark[] {
  const { big } = context.corpus.images;
  const work = join(tmpdir(), `cie-bench-issue7-${process.pid}`);
  const hostFile = join(work, 'registry-host');
  const twoPlatform = join(context.benchDir, '..', '..', 'test', 'fixtures', 'generated', 'multi-platform-layout');
  let proxy: Proxy | undefined;
  let started: Promise<void> | undefined;

  const setup = (): Promise<void> => {
    started ??= (async () => {
      if (!existsSync(twoPlatform)) throw new Error(`${twoPlatform} is missing: run bash scripts/make-fixtures.sh`);
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      process.once('exit', () => rmSync(work, { recursive: true, force: true }));
      const registry = await startRegistry();
      registry.release();
      process.stderr.write('(pushing the two-platform image and the big image to the local registry) ');
      await skopeoPush(`oci:${twoPlatform}:1.0`, `${registry.host}/multi:1.0`);
      await skopeoPush(`oci:${big.ociLayout}:${big.tag}`, `${registry.host}/big:${big.tag}`, { all: false });
      proxy = await startProxy(registry.port);
      proxy.unref();
      writeFileSync(hostFile, proxy.host);
    })();
    return started;
  };
  const counters: Counters = {
    reset: () => proxy?.reset(),
    read: () => ({ requests: proxy?.requests.length ?? 0, bytes: proxy?.requests.reduce((sum, request) => sum + request.bytes, 0) ?? 0 }),
  };
  /** A command against the registry, with the CLI's registry and layer caches under `cache`. */
  const remote = (cache: string, script: string) => shell(`HOST=$(cat ${quote(hostFile)}); export XDG_CACHE_HOME=${quote(join(work, cache))}; ${script}`);
  const cli = `${quote(context.node)} ${quote(context.cli)}`;
  const multi = 'docker://$HOST/multi:1.0';
  const bigReference = `docker://$HOST/big:${big.tag}`;
  const layer = big.layers[0].digest;
  const lastFile = big.lastFile ?? '';
  return [
    {
      name: 'remote-tree-two-platform-cold',
      description: 'tree of a two-platform image from the local registry, empty cache, vs skopeo inspect --raw plus skopeo inspect --config',
      metric: 'time',
      setup,
      counters,
      ours: remote('cold', `rm -rf "$XDG_CACHE_HOME"; ${cli} tree ${multi}`),
      baseline: { label: 'skopeo inspect --raw + --config', cmd: remote('skopeo', `skopeo inspect --tls-verify=false --raw ${multi} && skopeo inspect --tls-verify=false --config ${multi}`) },
    },
    {
      name: 'remote-tree-two-platform-reopen',
      description: 'tree of the same image again, its documents in the disk cache: one HEAD for the tag',
      metric: 'time',
      setup,
      counters,
      prepare: remote('warm', `${cli} tree ${multi}`),
      ours: remote('warm', `${cli} tree ${multi}`),
      target: { maxCounters: { requests: 1 } },
    },
    {
      name: 'remote-get-file-big-gzip',
      description: `get ${lastFile} from the ${Math.round(big.layers[0].size / 1e9 * 10) / 10} GB remote gzip layer once its index exists (one Range request) vs the same get from the local OCI layout`,
      metric: 'time',
      setup,
      counters,
      // Streams the layer once through the proxy: its index and checkpoints are kept, the blob is not.
      prepare: remote('big', `${cli} ls ${bigReference} ${layer} --json`),
      ours: remote('big', `${cli} get ${bigReference} ${layer} /${quote(lastFile)}`),
      baseline: { label: 'local layout get', cmd: remote('big', `${cli} get ${quote(big.ociLayout)} ${layer} /${quote(lastFile)}`) },
      target: { maxMs: 200, maxCounters: { bytes: 2 * SPAN } },
    },
  ];
}
