// Runs the UI tests (dist/test/e2e/**/*.test.js) with mocha in Node against one VS Code server and
// one headless chromium, shared with the suites through globalThis (each suite is its own bundle,
// so a module-level singleton would not be shared). Env: CIE_TEST_GREP, CIE_VERBOSE=1, CIE_HEADED=1.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { launchChromium } from './browser';
import { startCodeServer } from './codeServer';
import type { E2ESession } from './e2eSession';
import { resolveToolchain } from './toolchain';

function findTests(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  }).sort();
}

/** A picture of every open workbench after a failed test: usually the fastest diagnosis. */
function screenshotFailures(session: E2ESession): Mocha.Func {
  return async function (this: Mocha.Context) {
    if (this.currentTest?.state !== 'failed') return;
    let index = 0;
    for (const page of session.pages) {
      const file = path.join(session.resultsDir, `FAILED-${this.currentTest.fullTitle().replace(/[^\w.-]+/g, '-').slice(0, 100)}-${++index}.png`);
      await page.screenshot({ path: file }).then(() => console.log(`      failure screenshot ${file}`), () => undefined);
    }
  };
}

async function main(): Promise<number> {
  const started = Date.now();
  const toolchain = resolveToolchain();
  const tests = findTests(path.join(toolchain.repoRoot, 'dist/test/e2e'));
  if (tests.length === 0) throw new Error('no dist/test/e2e/**/*.test.js: run `npm run build` first');
  const resultsDir = path.join(toolchain.repoRoot, 'test-results', 'e2e');
  mkdirSync(resultsDir, { recursive: true });
  const server = await startCodeServer(toolchain);
  let failures = 1;
  try {
    const browser = await launchChromium(toolchain.chromium);
    try {
      const session: E2ESession = { server, browser, repoRoot: toolchain.repoRoot, resultsDir, pages: new Set() };
      (globalThis as { cieE2ESession?: E2ESession }).cieE2ESession = session;
      console.log(`[e2e] server ${server.origin}, ${tests.length} suite file(s), screenshots in ${resultsDir}`);
      const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 240_000, rootHooks: { afterEach: screenshotFailures(session) } });
      if (process.env.CIE_TEST_GREP) mocha.grep(process.env.CIE_TEST_GREP);
      for (const file of tests) mocha.addFile(file);
      failures = await new Promise<number>((resolve) => mocha.run(resolve));
    } finally {
      await browser.close().catch(() => undefined);
    }
  } finally {
    if (failures !== 0) console.log(`[e2e] server log kept: ${server.logFile}`);
    await server.stop(failures !== 0);
  }
  console.log(`[e2e] UI tests ${failures === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[e2e] ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
