// Runs the same integration suite (dist/test/integration/index.js) in desktop VS Code through
// @vscode/test-electron, for machines that can download VS Code or have it installed
// (CIE_VSCODE_EXECUTABLE=/path/to/code). Offline (like our CI) the download fails: use
// `npm test`, which runs the suite in code-server instead.
import { existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { extensionEnvironment } from './environment';
import { findRepoRoot } from './toolchain';

async function main(): Promise<number> {
  const repoRoot = findRepoRoot();
  const extensionTestsPath = path.join(repoRoot, 'dist/test/integration/index.js');
  if (!existsSync(extensionTestsPath)) throw new Error(`${extensionTestsPath} is missing: run 'npm run build' first`);
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'cie-electron-'));
  try {
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      extensionTestsEnv: extensionEnvironment(repoRoot),
      vscodeExecutablePath: process.env.CIE_VSCODE_EXECUTABLE,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--no-sandbox'],
    });
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/download|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo|fetch failed|socket/i.test(message)) {
      console.error(`[electron] could not download VS Code (${message}).\n` +
        '[electron] This machine has no access to VS Code downloads; set CIE_VSCODE_EXECUTABLE to a local VS Code, ' +
        "or run the suite in code-server with 'npm test' / 'node dist/test/runner/codeServerRunner.js'.");
    } else {
      console.error(`[electron] ${message}`);
    }
    return 1;
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`[electron] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
