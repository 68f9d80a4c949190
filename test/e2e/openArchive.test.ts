import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { commandPalette, expandTreeItem, fileDialog, hover, fixture, openTreeItem, openImagesView, screenshot, treeItem, treeItemLabels } from './workbench';

// The user's path: command palette -> Open Image Archive… -> type the path in VS Code's own file
// dialog -> the archive appears in the Images view -> open its config in an editor.
describe('UI: Open Image Archive… from the command palette', () => {
  let page: Page;

  before(async () => {
    // Wrapped lines keep the one-line config's digests on screen for the hover step.
    page = await openImagesView({ settings: { 'editor.wordWrap': 'on' }, sideBarWidth: 440 });
  });

  after(async () => {
    await page?.context().close();
  });

  it('mounts the archive typed into the file dialog', async () => {
    await commandPalette(page, 'Open Image Archive');
    await fileDialog(page, fixture('docker-archive.tar'));
    await treeItem(page, 'docker-archive.tar').waitFor({ timeout: 30_000 });
    await screenshot(page, 'open-archive-mounted');
  });

  it('opens the image config in an editor', async () => {
    const labels = await treeItemLabels(page);
    const image = labels.find((label) => label !== 'docker-archive.tar');
    assert.ok(image, `an image row under the archive, rows: ${labels.join(' | ')}`);
    await expandTreeItem(page, image);
    await openTreeItem(page, 'Config');
    await page.locator('.editor-group-container .tab', { hasText: /config/i }).first().waitFor();
    await screenshot(page, 'open-archive-config');
  });

  it('explains a layer diff_id on hover in the config', async () => {
    const text = await hover(page, 'sha256:');
    assert.match(text, /diff_id|layer/i, `hover text: ${text}`);
    await screenshot(page, 'open-archive-hover');
  });
});
