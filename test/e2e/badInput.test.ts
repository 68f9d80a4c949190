import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  clearNotifications, commandPalette, contextMenu, editorTab, expandTreeItem, fileDialog, fixture, notification, openTreeItem, openImagesView, screenshot, treeItem, until,
} from './workbench';

// Bad archives through the real UI: each gives a notification that names the file and the problem,
// and the extension keeps working: a good archive opens and expands afterwards.
describe('UI: bad input gives notifications that name the problem; the extension keeps working', () => {
  let page: Page;

  const openArchive = async (name: string) => {
    await commandPalette(page, 'Open Image Archive');
    await fileDialog(page, fixture(name));
  };

  before(async () => {
    page = await openImagesView({ sideBarWidth: 440 });
  });

  after(async () => {
    await page?.context().close();
  });

  it('a tar that is not an image', async () => {
    await openArchive('not-an-image.tar');
    const toast = await notification(page, /not-an-image\.tar/);
    const text = await toast.innerText();
    assert.match(text, /Cannot open not-an-image\.tar/, text);
    assert.match(text, /not an image: it has no manifest\.json, index\.json or repositories/, text);
    assert.match(text, /Show Log/, 'the notification offers the log');
    await screenshot(page, 'bad-input-not-an-image');
    await clearNotifications(page);
  });

  it('a truncated archive', async () => {
    await openArchive('truncated.tar');
    const text = await (await notification(page, /truncated\.tar/)).innerText();
    assert.match(text, /Cannot open truncated\.tar/, text);
    assert.match(text, /the archive ends at offset 1014528, .*1014016 bytes are missing/s, text);
    await screenshot(page, 'bad-input-truncated');
    await clearNotifications(page);
  });

  it('a corrupt layer, found when the layer is expanded', async () => {
    await openArchive('corrupt-layer.tar');
    await expandTreeItem(page, 'corrupt-layer.tar');
    await expandTreeItem(page, /^1\.0$/);
    await expandTreeItem(page, 'Layers');
    await expandTreeItem(page, '4ba2e773178f');
    const text = await (await notification(page, /Indexing layer 4ba2e773178f/)).innerText();
    assert.match(text, /Indexing layer 4ba2e773178f in corrupt-layer\.tar failed/, text);
    assert.match(text, /sha256:4ba2e773178fc61e4513a0978bcb6394330bba978ae920a3c5dc45dd97b60cab: .*(bad checksum|corrupt|invalid)/s, text);
    await treeItem(page, 'Cannot read this layer').waitFor();
    // VS Code removes the finished "Opening corrupt-layer.tar" progress a moment later.
    await until(async () => !(await page.locator('.notifications-center .notification-list-item', { hasText: 'Opening corrupt-layer.tar' }).isVisible()), 'the finished Opening notification is gone');
    await screenshot(page, 'bad-input-corrupt-layer');
    await clearNotifications(page);
  });

  it('Verify Digest on the damaged layer says its bytes do not match', async () => {
    await contextMenu(page, '4ba2e773178f', 'Verify Digest');
    const text = await (await notification(page, /Verification failed/)).innerText();
    assert.match(text, /Verification failed for sha256:4ba2e773178fc61e4513a0978bcb6394330bba978ae920a3c5dc45dd97b60cab: .*(digest|hash)/is, text);
    await clearNotifications(page);
  });

  it('keeps working: a good archive opens and its layer expands', async () => {
    // The damaged archive holds the same image rows: collapsed, they leave the DOM.
    await page.locator('.part.sidebar .title-actions').getByRole('button', { name: 'Collapse All' }).click();
    await openArchive('docker-archive.tar');
    await expandTreeItem(page, 'docker-archive.tar');
    await expandTreeItem(page, 'docker.io/fixture/app:1.0');
    await expandTreeItem(page, 'Layers');
    await expandTreeItem(page, 'COPY rootfs /');
    await treeItem(page, /^etc$/).waitFor();
    await screenshot(page, 'bad-input-then-good-archive');
  });

  it("opens a binary layer file with VS Code's binary handling", async () => {
    await expandTreeItem(page, /^bin$/);
    await openTreeItem(page, /^busybox$/);
    await editorTab(page, 'busybox').waitFor();
    await page.locator('.editor-group-container', { hasText: /binary or uses an unsupported text encoding/ }).waitFor();
    await screenshot(page, 'binary-layer-file');
  });
});
