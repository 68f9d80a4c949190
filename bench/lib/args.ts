import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCorpusPath } from './corpus';

export interface Options {
  reps: number;
  only: string[];
  corpus: string;
  buildCorpus: boolean;
  cli: string;
  name: string;
  write: boolean;
  list: boolean;
  baselinesOnly: boolean;
  /** The Node that runs the CLI and the Node-based baselines. */
  node: string;
}

const USAGE = `usage: npm run bench -- [--reps N] [--only NAME[,NAME...]] [--name LABEL] [--corpus corpus.json]
                        [--cli dist/cli.js] [--node PATH] [--no-build-corpus] [--no-write] [--list] [--baselines-only]
  --node   the Node that runs the CLI and the Node baselines (default: $CIE_BENCH_NODE, else the Node 24
           that scripts/setup.sh installs, else the Node running the bench)
  --only   runs the benchmarks whose name starts with one of the given prefixes (e.g. tree,cat)
  --baselines-only   measures only the baselines (checks the harness before the CLI has a command)
  --name   label of the results files bench/results/<date>-<label>.{md,json} (default: the --only list or "all")
`;

export function parseOptions(argv: string[], benchDir: string): Options {
  const options: Options = {
    reps: 5,
    only: [],
    corpus: defaultCorpusPath(),
    buildCorpus: true,
    cli: join(benchDir, '..', 'cli.js'),
    name: '',
    write: true,
    list: false,
    baselinesOnly: false,
    node: defaultNode(benchDir),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    switch (flag) {
      case '--reps':
        options.reps = Number(value());
        if (!Number.isInteger(options.reps) || options.reps < 1) throw new Error(`--reps must be a positive integer\n${USAGE}`);
        break;
      case '--only':
        options.only.push(...value().split(',').map((s) => s.trim()).filter(Boolean));
        break;
      case '--corpus':
        options.corpus = value();
        break;
      case '--cli':
        options.cli = value();
        break;
      case '--node':
        options.node = value();
        break;
      case '--name':
        options.name = value();
        break;
      case '--no-build-corpus':
        options.buildCorpus = false;
        break;
      case '--no-write':
        options.write = false;
        break;
      case '--baselines-only':
        options.baselinesOnly = true;
        break;
      case '--list':
        options.list = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  if (!options.name) options.name = options.only.length > 0 ? options.only.join('+') : 'all';
  return options;
}

/**
 * $CIE_BENCH_NODE, else the pinned Node 24 of scripts/setup.sh (the current LTS, which users run and
 * which has the compile cache the CLI turns on), else this process's Node.
 */
function defaultNode(benchDir: string): string {
  if (process.env.CIE_BENCH_NODE) return process.env.CIE_BENCH_NODE;
  try {
    const paths = execFileSync('bash', [join(benchDir, '..', '..', 'scripts', 'lib', 'paths.sh')], { encoding: 'utf8' });
    const node24 = /^CIE_NODE24_BIN=(.+)$/m.exec(paths)?.[1];
    if (node24 && existsSync(node24)) return node24;
  } catch {
    // No setup here: fall back to this Node.
  }
  return process.execPath;
}
