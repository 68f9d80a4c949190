// Entry point that VS Code's extension host loads as `extensionTestsPath` (code-server runner and
// @vscode/test-electron alike): runs every bundled dist/test/integration/**/*.test.js with mocha 11.
// mocha stays CommonJS and external to the bundle (12 is ESM-only; see TESTING-IN-VSCODE.md).
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import * as vscode from 'vscode';

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findTests(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  }).sort();
}

export function run(): Promise<void> {
  // The runners look for this line; it proves which VS Code ran the suite.
  console.log(`VS Code ${vscode.version} (${vscode.env.appName}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}), extension host Node ${process.version}`);
  // The workbench forwards console.log's first argument and the rest joined by spaces, so format
  // here or the spec reporter's '%s (%dms)' templates reach the runner unfilled.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  if (process.env.CIE_TEST_GREP) mocha.grep(process.env.CIE_TEST_GREP);
  for (const file of findTests(__dirname)) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
