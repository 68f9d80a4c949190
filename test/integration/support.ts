import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ContainerImageExplorerApi } from '../../src/vscode/api';

/** dist/test/integration/x.js -> the repository root. */
export const repoRoot = path.resolve(__dirname, '../../..');
export const sample = path.join(repoRoot, 'sample', 'sample-image.tar');

/** The extension's API, activating it if needed. */
export async function api(): Promise<ContainerImageExplorerApi> {
  const extension = vscode.extensions.all.find((candidate) => candidate.packageJSON?.name === 'container-image-explorer');
  assert.ok(extension, 'the extension is installed in this VS Code');
  return (await extension.activate()) as ContainerImageExplorerApi;
}
