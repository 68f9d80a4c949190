// Benchmarks of the CLI against same-run baselines. Usage: npm run bench -- --help
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from './lib/args';
import { loadCorpus } from './lib/corpus';
import { markdown, targetText, textTable } from './lib/report';
import { runBenchmark, type Memo } from './lib/runner';
import { runInfo } from './lib/runInfo';
import type { Benchmark, Row } from './lib/types';
import type { SuiteContext } from './suites/context';
import { issue3 } from './suites/issue3';
import { issue4 } from './suites/issue4';
import { issue7 } from './suites/issue7';

const benchDir = __dirname; // dist/bench
const repoDir = join(benchDir, '..', '..');

function selected(benchmarks: Benchmark[], only: string[]): Benchmark[] {
  if (only.length === 0) return benchmarks;
  return benchmarks.filter((bench) => only.some((prefix) => bench.name.startsWith(prefix)));
}

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv, benchDir);
  const corpus = loadCorpus(options.corpus, repoDir, options.buildCorpus);
  const context: SuiteContext = { corpus, cli: options.cli, benchDir, node: options.node };
  const benchmarks = selected([...issue3(context), ...issue4(context), ...issue7(context)], options.only);
  if (options.list) {
    for (const bench of benchmarks) process.stdout.write(`${bench.name}  [${targetText(bench.target)}]  ${bench.description}\n`);
    return 0;
  }
  if (benchmarks.length === 0) throw new Error(`no benchmark matches --only ${options.only.join(',')} (see --list)`);
  if (!existsSync(options.cli)) process.stderr.write(`bench: ${options.cli} does not exist (run npm run build); every CLI row will fail\n`);
  const info = runInfo(options, repoDir, argv);
  process.stderr.write(`bench: ${benchmarks.length} benchmarks, ${options.reps} reps each, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const memo: Memo = new Map();
  const rows: Row[] = [];
  for (const bench of benchmarks) {
    const started = Date.now();
    process.stderr.write(`bench: ${bench.name} ... `);
    const row = await runBenchmark(bench, options.reps, memo, options.baselinesOnly);
    rows.push(row);
    const verdict = row.status !== 'ok' ? row.status : row.pass === undefined ? 'done' : row.pass ? 'pass' : 'FAIL';
    process.stderr.write(`${verdict} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  process.stdout.write(`\n${textTable(rows)}\n`);
  if (options.write) {
    const dir = join(repoDir, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `${info.date.slice(0, 16).replace(/:/g, '')}-${options.name.replace(/[^\w+.-]/g, '_')}`);
    writeFileSync(`${base}.md`, markdown(info, rows));
    writeFileSync(`${base}.json`, `${JSON.stringify({ ...info, loadAverageAtEnd: loadavg(), rows }, null, 2)}\n`);
    process.stdout.write(`\nwrote ${base}.md and .json\n`);
  }
  return rows.some((row) => row.status === 'error') ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
