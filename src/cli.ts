import { parseArgs } from './cli/args';
import type { Command } from './cli/command';
import { ExitCode, exitCodeFor } from './cli/exitCodes';
import { ImageError } from './core/errors';

const HELP = `container-image-explorer: look inside container images from the command line.

Usage:
  container-image-explorer tree <source> [--json]      entry points and every descriptor reachable from them
  container-image-explorer cat <source> <digest>        the exact bytes of a blob, to stdout
  container-image-explorer verify <source> [--json]     hash every blob the source holds; exit 1 on a mismatch
  container-image-explorer attestations <source> [--image <digest> | --platform os/arch[/variant]] [--json]
                                                        SBOMs, provenance and signatures attached to the images
  container-image-explorer ls <source> <layer-digest> [path] [--json] [--toc]
                                                        the files of one layer (whiteout markers included);
                                                        --toc: its tar entries in archive order, with data offsets
  container-image-explorer ls <source> --merged [--image <digest> | --platform os/arch[/variant]] [path] [--json]
                                                        the image's filesystem, layers applied, with each entry's layer and history
  container-image-explorer get <source> <layer-digest> <path>
  container-image-explorer get <source> --merged [--image <digest> | --platform os/arch[/variant]] <path>
                                                        a file's bytes to stdout (links followed inside the image)
  container-image-explorer changes <source> [--image <digest> | --platform os/arch[/variant]] [--json]
                                                        what each layer added, modified and deleted, with sizes
  container-image-explorer tags <repository> [--json]  the tags of a registry repository

A <source> is a docker save archive (any Docker version, optionally gzip/zstd-compressed),
an oci-archive tar or an OCI layout directory. A prefix forces the kind:
docker-archive:PATH, oci-archive:PATH, oci:DIR.
A <source> that is no existing path and parses as an image reference (alpine:3.20,
ghcr.io/org/app@sha256:…, localhost:5000/x, optionally docker://…) is read from its registry:
only what is shown is fetched, and kept in \${XDG_CACHE_HOME:-~/.cache}/container-image-explorer/registry
(at most $CIE_REGISTRY_CACHE_SIZE, default 2G, least recently used first out; a layer over 64 MiB is
not kept whole: its layer index is, and files are read from it with HTTP Range requests).
Credentials come from ~/.docker/config.json (or $DOCKER_CONFIG) and podman's auth.json.
Plain HTTP is used only for localhost and hosts given with --insecure-registry HOST[,HOST…]
(or CIE_INSECURE_REGISTRIES).

Layer indexes (file lists and gzip/zstd checkpoints) are kept in
\${XDG_CACHE_HOME:-~/.cache}/container-image-explorer/layers (or $CIE_CACHE_DIR), so a second ls or get
of a layer does not decompress it again; --no-index-cache neither reads nor writes them.

Exit codes: 0 ok, 1 verification failed, 2 usage, 3 the source cannot be read,
4 the blob or path is not in the source, 5 network, 130 cancelled, 70 internal error.
`;

/*
 * Each command's code is required when that command runs, so a command loads only its own modules
 * and the Node built-ins they use (`tree` on an archive never loads http, tls or child_process):
 * start-up is most of a short command's time.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- required when run, see above */
const COMMANDS: Record<string, () => Command> = {
  tree: () => (require('./cli/treeCommand') as typeof import('./cli/treeCommand')).treeCommand,
  cat: () => (require('./cli/catCommand') as typeof import('./cli/catCommand')).catCommand,
  verify: () => (require('./cli/verifyCommand') as typeof import('./cli/verifyCommand')).verifyCommand,
  attestations: () => (require('./cli/attestationsCommand') as typeof import('./cli/attestationsCommand')).attestationsCommand,
  ls: () => (require('./cli/lsCommand') as typeof import('./cli/lsCommand')).lsCommand,
  get: () => (require('./cli/getCommand') as typeof import('./cli/getCommand')).getCommand,
  changes: () => (require('./cli/changesCommand') as typeof import('./cli/changesCommand')).changesCommand,
  tags: () => (require('./cli/tagsCommand') as typeof import('./cli/tagsCommand')).tagsCommand,
};
/* eslint-enable @typescript-eslint/no-require-imports */
const VALUED = new Set<string>(['image', 'platform', 'insecure-registry']);
const KNOWN = new Set(['json', 'help', 'version', 'merged', 'no-index-cache', 'toc']);

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    const args = parseArgs(argv, VALUED, KNOWN);
    const [name, ...rest] = args.positionals;
    if (args.flags.has('version')) {
      process.stdout.write(`${process.env.CIE_VERSION ?? '0.1.0'}\n`);
      return ExitCode.ok;
    }
    if (name === undefined || name === 'help' || args.flags.has('help')) {
      process.stdout.write(HELP);
      return name === undefined && !args.flags.has('help') ? ExitCode.usage : ExitCode.ok;
    }
    const insecure = args.flags.get('insecure-registry');
    // Every command's openSource reads the allow-list from the environment.
    if (typeof insecure === 'string') process.env.CIE_INSECURE_REGISTRIES = [process.env.CIE_INSECURE_REGISTRIES, insecure].filter(Boolean).join(',');
    if (args.flags.has('no-index-cache')) process.env.CIE_LAYER_INDEX_CACHE = 'off';
    const loadCommand = COMMANDS[name];
    if (!loadCommand) throw new ImageError('usage', `unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return await loadCommand()({ args: { positionals: rest, flags: args.flags }, operation: { signal: controller.signal } });
  } catch (error) {
    if (error instanceof ImageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return exitCodeFor(error.code);
    }
    // Anything else is our bug: one line for the user, the stack only when asked for.
    process.stderr.write(`internal error: ${(error as Error)?.message ?? String(error)}\n`);
    if (process.env.CIE_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
    return ExitCode.internal;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = ExitCode.internal;
    },
  );
}
