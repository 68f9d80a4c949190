import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { clearNotifications, contextMenu, expandTreeItem, fileDialog, notification, openImagesView, screenshot, session, treeItem, until } from './workbench';

const SAMPLE_CONFIG = 'sha256:65cb3ea37efdbc41b5a3a6ee6b507089ea1bd27ad150b2953d06ab4792fad04e';
const SAMPLE_LAYER = 'sha256:d5e99dc0fe90263e3e6a51e54e1a8f6b2b550d7525cab398dd24927e08a5fae4';

// Row context menu commands that need a dialog or a notification, driven like a person would.
describe('UI: Save As…, Verify Digest and Reveal Blob from the context menu', () => {
  let page: Page;
  let target: string;

  before(async () => {
    target = path.join(session().server.runDir, 'saved');
    mkdirSync(target, { recursive: true });
    // The file dialog is answered once it lists the folder, which needs an entry to show.
    writeFileSync(path.join(target, 'README.txt'), 'files saved by the UI test\n');
    page = await openImagesView({ open: [path.join(session().repoRoot, 'sample/sample-image.tar')] });
    await expandTreeItem(page, 'docker.io/sample/hello:1.0');
    await expandTreeItem(page, 'Layers');
  });

  after(async () => {
    await page?.context().close();
    rmSync(target, { recursive: true, force: true });
  });

  it('Save As… writes the exact bytes of the config blob to the chosen file', async () => {
    const file = path.join(target, 'config.json');
    await contextMenu(page, /^Config$/, 'Save As…');
    await fileDialog(page, file);
    await until(async () => existsSync(file) && createHash('sha256').update(readFileSync(file)).digest('hex') === SAMPLE_CONFIG.slice(7), `${file} holds the config blob`);
    await notification(page, /Saved 1\.29 kB to .*config\.json/);
    await clearNotifications(page);
  });

  it('Save As… on a layer file writes the file', async () => {
    const file = path.join(target, 'os-release');
    await expandTreeItem(page, 'COPY base/ / # README');
    await expandTreeItem(page, /^etc$/);
    await contextMenu(page, /^os-release$/, 'Save As…');
    await fileDialog(page, file);
    await until(async () => existsSync(file) && /PRETTY_NAME="Sample Linux 1\.0/.test(readFileSync(file, 'utf8')), `${file} holds os-release`);
    await clearNotifications(page);
  });

  it('Verify Digest hashes the layer and says it matches', async () => {
    await contextMenu(page, 'COPY base/ / # README', 'Verify Digest');
    const text = await (await notification(page, /verified/)).innerText();
    assert.match(text, new RegExp(`${SAMPLE_LAYER} verified \\(8\\.70 kB\\)`), text);
    await clearNotifications(page);
  });

  it('Reveal Blob says where the layer lies in the archive, with Copy Path', async () => {
    await contextMenu(page, 'COPY base/ / # README', 'Reveal Blob');
    const toast = await notification(page, /is stored in sample-image\.tar at bytes/);
    assert.match(await toast.innerText(), new RegExp(`${SAMPLE_LAYER} is stored in sample-image\\.tar at bytes \\d+–\\d+ \\(8\\.70 kB`));
    assert.ok(await toast.getByRole('button', { name: 'Copy Path' }).isVisible(), 'Copy Path is offered');
    await screenshot(page, 'reveal-blob');
    await clearNotifications(page);
    await treeItem(page, /^Config$/).waitFor();
  });
});
