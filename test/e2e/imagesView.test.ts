import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { expandTreeItem, fixture, openWorkbench, screenshot, session, showImagesView, treeItem } from './workbench';

// Add a step: another it() using the helpers in ./workbench (commandPalette, quickInput,
// expandTreeItem, openTreeItem, hover) followed by screenshot(page, '<suite>-<step>').
describe('UI: the Images view', () => {
  let page: Page;
  let archive: string;

  before(async () => {
    const sample = path.join(session().repoRoot, 'sample/sample-image.tar');
    archive = existsSync(sample) ? sample : fixture('docker-archive.tar');
    page = await openWorkbench({ open: [archive] });
  });

  after(async () => {
    await page?.context().close();
  });

  it('opens from the activity bar with the archive mounted', async () => {
    await showImagesView(page);
    await treeItem(page, path.basename(archive)).waitFor({ timeout: 30_000 });
    await screenshot(page, 'images-view');
  });

  it('expands the archive row', async () => {
    await expandTreeItem(page, path.basename(archive));
    await screenshot(page, 'images-view-expanded');
  });
});
