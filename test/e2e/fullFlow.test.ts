import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  activeEditorText, contextMenu, contextMenuLabels, editorTab, expandTreeItem, fileDialog, hover, openTreeItem, openImagesView, reloadWindow,
  screenshot, session, showImagesView, treeItem, until, welcomeButton,
} from './workbench';

// What a new user does: the welcome view's button -> VS Code's file dialog -> the archive in the
// Images view -> the image manifest (context menu Open) -> a hovered layer digest -> a layer's
// file in an editor; then a window reload brings that editor back from its URI alone.
describe('UI: the whole flow, from the welcome view to a layer file', () => {
  let page: Page;
  const archive = () => path.join(session().repoRoot, 'sample/sample-image.tar');

  before(async () => {
    // Wrapped lines keep the one-line manifest's digests on screen for the hover.
    page = await openImagesView({ settings: { 'editor.wordWrap': 'on' }, sideBarWidth: 440 });
  });

  after(async () => {
    await page?.context().close();
  });

  it('opens the archive with the welcome view button', async () => {
    await page.locator('.part.sidebar .welcome-view-content').waitFor({ timeout: 30_000 });
    await screenshot(page, 'flow-1-welcome');
    await welcomeButton(page, 'Open Image Archive…');
    await fileDialog(page, archive());
    await treeItem(page, 'docker.io/sample/hello:1.0').waitFor({ timeout: 30_000 });
    await screenshot(page, 'flow-2-mounted');
  });

  it('opens the image manifest from the context menu and explains a layer digest on hover', async () => {
    const menu = await contextMenuLabels(page, 'docker.io/sample/hello:1.0');
    for (const action of ['Open', 'Open to the Side', 'Find File in Image…', 'Copy Digest', 'Copy Reference', 'Verify Digest', 'Reveal Blob', 'Save As…']) {
      assert.ok(menu.includes(action), `the image row's menu offers ${action}: ${menu.join(', ')}`);
    }
    await contextMenu(page, 'docker.io/sample/hello:1.0', 'Open');
    await editorTab(page, /^manifest [0-9a-f]{8}/).waitFor();
    assert.match(await activeEditorText(page), /"schemaVersion":\s*2/);
    const text = await hover(page, 'sha256:d5e99dc0fe90');
    assert.match(text, /Layer/, `hover: ${text}`);
    assert.match(text, /8\.70 kB/, `hover says the size: ${text}`);
    assert.match(text, /application\/vnd\.docker\.image\.rootfs\.diff\.tar/, `hover says the media type: ${text}`);
    await screenshot(page, 'flow-3-hover');
    await page.keyboard.press('Escape');
  });

  it('expands a layer and opens one of its files', async () => {
    await expandTreeItem(page, 'docker.io/sample/hello:1.0');
    await expandTreeItem(page, 'Layers');
    await expandTreeItem(page, 'COPY base/ / # README');
    await expandTreeItem(page, /^etc$/);
    assert.deepEqual(await contextMenuLabels(page, /^os-release$/), ['Open', 'Open to the Side', 'Save As…']);
    await openTreeItem(page, /^os-release$/);
    await editorTab(page, 'os-release').waitFor();
    await until(async () => /PRETTY_NAME="Sample Linux 1\.0/.test(await activeEditorText(page)), 'the editor shows os-release');
    await screenshot(page, 'flow-4-layer-file');
  });

  it('shows the same file after a window reload (the URI re-mounts the archive)', async () => {
    await reloadWindow(page);
    await editorTab(page, 'os-release').waitFor({ timeout: 60_000 });
    await editorTab(page, 'os-release').click();
    await until(async () => /PRETTY_NAME="Sample Linux 1\.0/.test(await activeEditorText(page)), 'the restored editor shows os-release');
    await showImagesView(page);
    await treeItem(page, 'sample-image.tar').waitFor({ timeout: 30_000 });
    await screenshot(page, 'flow-5-after-reload');
  });
});
