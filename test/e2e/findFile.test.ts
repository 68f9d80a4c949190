import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { activeEditorText, commandPalette, editorTab, openImagesView, quickInput, screenshot, session, treeItem, until } from './workbench';

// Find File in Image…: VS Code's Find in Files does not search custom file systems, so a quick pick
// over every path of the merged filesystem and of each layer (with the layer said) stands in.
describe('UI: Find File in Image…', () => {
  let page: Page;

  before(async () => {
    page = await openImagesView({ open: [path.join(session().repoRoot, 'sample/sample-image.tar')] });
    await treeItem(page, 'sample-image.tar').waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await page?.context().close();
  });

  it('lists the paths of the filesystem and of each layer, and opens the one picked', async () => {
    await commandPalette(page, 'Find File in Image');
    await quickInput(page, 'sample-image.tar');
    await quickInput(page, 'docker.io/sample/hello:1.0');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await until(async () => (await input.getAttribute('placeholder'))?.startsWith('Find a file in sample-image.tar') === true, 'the file quick pick is open');
    await input.fill('greeting');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await until(async () => (await rows.count()) === 2, 'two matches: the merged file and the layer that adds it');
    const texts = (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, ' '));
    assert.ok(texts.some((text) => /app\/greeting\.txt ?filesystem/.test(text)), texts.join(' | '));
    assert.ok(texts.some((text) => /app\/greeting\.txt ?layer 2 · [0-9a-f]{12}/.test(text)), texts.join(' | '));
    await screenshot(page, 'find-file');
    await input.press('Enter');
    await editorTab(page, 'greeting.txt').waitFor();
    await until(async () => /Hello from the sample image!/.test(await activeEditorText(page)), 'the editor shows greeting.txt');
  });
});
