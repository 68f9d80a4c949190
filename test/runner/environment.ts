// The environment the extension host (our extension and the in-editor tests) sees, sent through the
// workbench payload's `extensionEnvironment`: the server's own environment does not reach tests
// reliably, the payload does.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * CIE_REPO_ROOT, CIE_FIXTURES (test/fixtures/generated), CIE_CORPUS (../shared/corpus, when present)
 * plus every CIE_* variable of the runner's own environment (CIE_TEST_GREP, CIE_SELFTEST_FAIL, ...).
 */
export function extensionEnvironment(repoRoot: string, extra: Record<string, string> = {}): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('CIE_') && value !== undefined) environment[name] = value;
  }
  environment.CIE_REPO_ROOT = repoRoot;
  environment.CIE_FIXTURES ??= path.join(repoRoot, 'test/fixtures/generated');
  const corpus = path.resolve(repoRoot, '../shared/corpus');
  if (environment.CIE_CORPUS === undefined && existsSync(corpus)) environment.CIE_CORPUS = corpus;
  return { ...environment, ...extra };
}
