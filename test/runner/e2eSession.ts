// What the e2e runner hands to the UI suites (through globalThis.cieE2ESession).
import type { Browser, Page } from 'playwright-core';
import type { CodeServer } from './codeServer';

export interface E2ESession {
  server: CodeServer;
  browser: Browser;
  repoRoot: string;
  /** test-results/e2e: screenshots land here. */
  resultsDir: string;
  /** Workbench pages the suites opened; each is screenshotted when a test fails. */
  pages: Set<Page>;
}
