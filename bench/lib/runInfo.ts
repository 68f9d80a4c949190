import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { Options } from './args';
import { rssMethod } from './measure';
import type { RunInfo } from './report';

function output(argv: string[], cwd?: string): string {
  const result = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

export function runInfo(options: Options, repoDir: string, argv: string[]): RunInfo {
  const commit = output(['git', 'rev-parse', '--short', 'HEAD'], repoDir) || 'unknown';
  const dirty = output(['git', 'status', '--porcelain', '--untracked-files=no'], repoDir) ? ' (work tree modified)' : '';
  return {
    date: new Date().toISOString(),
    name: options.name,
    command: ['npm run bench --', ...argv].join(' ').replace(/ --$/, ''),
    reps: options.reps,
    node: `${output([options.node, '--version']) || 'unknown'} (${options.node}) runs the CLI and the Node baselines; the harness runs on ${process.version}; the CLI runs as its executable (dist/cli.js, shebang \`env -S node --max-semi-space-size=8\`) with that Node first on PATH`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    commit: commit + dirty,
    cliVersion: existsSync(options.cli) ? output([options.node, options.cli, '--version']) || 'unknown' : 'not built',
    rssMethod,
    corpus: options.corpus,
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
  };
}
