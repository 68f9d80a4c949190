import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Every `import … from 'vscode'`, `import('vscode')`, `require('vscode')` or `export … from 'vscode'`. */
const VSCODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]vscode['"]/;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.(ts|js|mjs|cjs)$/.test(name) ? [full] : [];
  });
}

/** Files under `directory` that import VS Code, with the offending line. */
export function findVscodeImports(directory: string): string[] {
  const offenders: string[] = [];
  for (const file of sourceFiles(directory)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (VSCODE_IMPORT.test(line)) offenders.push(`${path.relative(directory, file)}:${index + 1}: ${line.trim()}`);
      });
  }
  return offenders;
}

describe('architecture', () => {
  const core = path.resolve(__dirname, '../../src/core');

  it('src/core never imports vscode', () => {
    assert.ok(sourceFiles(core).length > 10, 'src/core should hold the core sources');
    assert.deepEqual(findVscodeImports(core), [], 'the core must stay VS Code-free; move this code to src/vscode');
  });

  it('the check catches every way of importing vscode', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'cie-arch-'));
    try {
      const samples = ["import * as vscode from 'vscode';", 'import type { Uri } from "vscode";', "const v = require('vscode');", "export { Uri } from 'vscode';", "const v = await import('vscode');", "import 'vscode';"];
      samples.forEach((sample, index) => writeFileSync(path.join(directory, `sample${index}.ts`), `// sample\n${sample}\n`));
      writeFileSync(path.join(directory, 'clean.ts'), "import * as fs from 'node:fs';\n// mentions vscode in a comment only\n");
      assert.equal(findVscodeImports(directory).length, samples.length);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
