// Runs dist/test/integration/index.js inside a real VS Code (code-server's server + web workbench
// in headless chromium) and exits with the suite's result. Usage (after build + setup):
//   node dist/test/runner/codeServerRunner.js        env: CIE_TEST_GREP, CIE_TEST_TIMEOUT_MS, CIE_VERBOSE=1
// The result comes only through codeAutomationExit: the extension host exits 0 even when tests fail.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { consoleText, isInteresting, launchChromium } from './browser';
import { startCodeServer } from './codeServer';
import { extensionEnvironment } from './environment';
import { resolveToolchain } from './toolchain';

async function main(): Promise<number> {
  const started = Date.now();
  const toolchain = resolveToolchain();
  const testsIndex = path.join(toolchain.repoRoot, 'dist/test/integration/index.js');
  if (!existsSync(testsIndex)) throw new Error(`${testsIndex} is missing: run 'npm run build' first`);
  const timeoutMs = Number(process.env.CIE_TEST_TIMEOUT_MS ?? 300_000);
  const productJson = path.join(path.dirname(toolchain.serverMain), '../product.json');
  const packageJson = path.join(path.dirname(toolchain.serverMain), '../package.json');
  console.log(`[runner] VS Code ${JSON.parse(readFileSync(packageJson, 'utf8')).version} (${JSON.parse(readFileSync(productJson, 'utf8')).nameLong}) from ${path.dirname(path.dirname(toolchain.serverMain))}`);

  const server = await startCodeServer(toolchain);
  let exitCode = 1;
  const browser = await launchChromium(toolchain.chromium).catch(async (error) => { await server.stop(true); throw error; });
  try {
    const page = await browser.newPage();
    let finished = false;
    const result = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => { finished = true; resolve(code); });
    });
    // After the result the workbench tears down the extension host: only cancellation noise follows.
    page.on('console', (message) => { if (!finished && isInteresting(message)) console.log(consoleText(message)); });
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.log(`[runner] TIMEOUT: no result after ${timeoutMs} ms (CIE_TEST_TIMEOUT_MS). Server log tail:\n${server.logTail()}`);
        resolve(1);
      }, timeoutMs);
    });
    const url = server.workbenchUrl({ extensionTestsPath: testsIndex, extensionEnvironment: extensionEnvironment(toolchain.repoRoot) });
    console.log(`[runner] server ${server.origin} (run dir ${server.runDir}); opening the workbench`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    exitCode = await Promise.race([result, timeout]);
    clearTimeout(timer);
  } finally {
    await browser.close().catch(() => undefined);
    // Keep logs of a real failure for diagnosis; the deliberate self-test failure needs none.
    const keep = exitCode !== 0 && process.env.CIE_SELFTEST_FAIL !== '1';
    if (keep) console.log(`[runner] server log kept: ${server.logFile}`);
    await server.stop(keep);
  }
  console.log(`[runner] integration suite ${exitCode === 0 ? 'passed' : 'FAILED'} (exit ${exitCode}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[runner] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
