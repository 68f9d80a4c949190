// Bundles the extension, the CLI, the in-editor test suites and the benchmarks with esbuild.
// `vscode` stays external (the host provides it); mocha and playwright-core stay external so the
// test runners load them from node_modules as they expect.
import * as esbuild from 'esbuild';
import { chmodSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

function findFiles(dir, pattern) {
  let found = [];
  let names = [];
  try { names = readdirSync(dir); } catch { return found; }
  for (const name of names) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found = found.concat(findFiles(full, pattern));
    else if (pattern.test(name)) found.push(full);
  }
  return found;
}

const CLI_SHEBANG = '#!/usr/bin/env -S node --max-semi-space-size=8';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron'],
  logLevel: 'warning',
};

const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  // dist/cli.js is a small launcher that turns on Node's compile cache, then loads dist/cli-main.js.
  // The shebang caps V8's young generation at 8 MB per semi-space: the default lets it grow to tens
  // of MB while a big layer is listed, which measured 290-380 MB peak RSS instead of 160-205 MB.
  { ...common, entryPoints: { cli: 'src/cliEntry.ts' }, outdir: 'dist', banner: { js: CLI_SHEBANG }, external: [...common.external, './cli-main.js'] },
  { ...common, entryPoints: { 'cli-main': 'src/cli.ts' }, outdir: 'dist' },
];
if (!production) {
  for (const folder of ['integration', 'e2e', 'runner']) {
    const testEntries = {};
    for (const file of findFiles(`test/${folder}`, /\.ts$/)) testEntries[file.replace(/^test\//, '').replace(/\.ts$/, '')] = file;
    if (Object.keys(testEntries).length > 0) builds.push({ ...common, entryPoints: testEntries, outdir: 'dist/test' });
  }
  const benchEntries = {};
  for (const file of findFiles('bench', /\.ts$/)) benchEntries[file.replace(/^bench\//, '').replace(/\.ts$/, '')] = file;
  if (Object.keys(benchEntries).length > 0) builds.push({ ...common, entryPoints: benchEntries, outdir: 'dist/bench' });
}

if (!watch) rmSync('dist', { recursive: true, force: true });
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  // Every bundle is built even when another fails (a broken test file must not cost the CLI).
  const results = await Promise.allSettled(builds.map((options) => esbuild.build(options)));
  if (results.some((result) => result.status === 'rejected')) process.exit(1);
  chmodSync('dist/cli.js', 0o755); // the package's bin, run through its shebang
}
