import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { skopeoPush } from '../unit/support/registryServer';
import { useRegistry } from '../unit/support/useRegistry';
import { commandPalette, expandTreeItem, fixture, openWorkbench, quickInput, screenshot, showImagesView, treeItem, treeItemLabels, until } from './workbench';

const PASSWORD = 'e2e correct horse';

/** Open Remote Image… from the palette: past the recent-references pick (when there is one) to the input box. */
async function openRemoteImage(page: Page, reference: string): Promise<void> {
  await commandPalette(page, 'Open Remote Image');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await until(async () => /recent reference|image reference/i.test(`${await input.getAttribute('placeholder')} ${await page.locator('.quick-input-widget').innerText()}`), 'the quick input asks for a reference');
  if (/recent reference/i.test((await input.getAttribute('placeholder')) ?? '')) await quickInput(page, 'Type a reference');
  await until(async () => !/recent reference/i.test((await input.getAttribute('placeholder')) ?? ''), 'the input box replaces the recent references');
  await quickInput(page, reference);
}

/** A fresh workbench showing the Images view for the suite; closed after it. */
function useImagesView(): { page: Page } {
  const view = {} as { page: Page };
  before(async () => {
    view.page = await openWorkbench();
    await showImagesView(view.page);
  });
  after(async () => {
    await view.page?.context().close();
  });
  return view;
}

// The user's path to a registry image: palette -> Open Remote Image… -> type a reference -> the
// index appears; a platform expands to its config and layers; Tags lists the repository's tags;
// Pull Platform… picks another platform. The registry is Debian's docker-registry on 127.0.0.1.
describe('UI: Open Remote Image… from a real registry', () => {
  const at = useRegistry({
    prefix: 'cie-e2e-remote-',
    populate: async ({ host }) => {
      await skopeoPush(`oci:${fixture('multi-platform-layout')}:1.0`, `${host}/multi:1.0`);
      await skopeoPush(`oci:${fixture('oci-layout')}:1.0`, `${host}/multi:0.9`);
    },
  });
  const view = useImagesView();

  it('mounts the typed reference and expands one platform', async () => {
    const { page } = view;
    const reference = `${at.registry.host}/multi:1.0`;
    await openRemoteImage(page, reference);
    // The source row, then the index row: both named by the reference.
    const rows = page.locator('.part.sidebar').getByRole('treeitem').filter({ hasText: reference });
    await until(async () => (await rows.count()) === 2, 'the source and its index are shown', 60_000);
    await rows.nth(1).locator('.monaco-tl-twistie').click();
    await treeItem(page, 'linux/amd64').waitFor({ timeout: 30_000 });
    await expandTreeItem(page, 'linux/amd64');
    await treeItem(page, 'Layers').waitFor({ timeout: 30_000 });
    const labels = await treeItemLabels(page);
    assert.ok(labels.includes('Config') && labels.includes('linux/arm64/v8'), labels.join(' | '));
    await screenshot(page, 'open-remote-platform');
  });

  it('lists the tags under Tags', async () => {
    const { page } = view;
    await expandTreeItem(page, 'Tags');
    await treeItem(page, '0.9').waitFor({ timeout: 30_000 });
    await screenshot(page, 'open-remote-tags');
  });

  it('Pull Platform… reveals the chosen platform', async () => {
    const { page } = view;
    await commandPalette(page, 'Pull Platform');
    await quickInput(page, 'linux/arm64/v8');
    await until(async () => (await treeItem(page, 'linux/arm64/v8').getAttribute('aria-expanded')) === 'true', 'the arm64 image is revealed, expanded');
    await screenshot(page, 'open-remote-pull-platform');
  });
});

describe('UI: Sign In… after a registry answers 401', () => {
  const at = useRegistry({
    prefix: 'cie-e2e-basic-',
    auth: () => ({ type: 'htpasswd', users: { alice: PASSWORD } }),
    populate: ({ host }) => skopeoPush(`oci:${fixture('oci-layout')}:1.0`, `${host}/private:1.0`, { creds: `alice:${PASSWORD}` }),
  });
  const view = useImagesView();

  it('offers Sign In…, keeps the typed credentials and opens the image', async () => {
    const { page } = view;
    const reference = `${at.registry.host}/private:1.0`;
    await openRemoteImage(page, reference);
    const toast = page.locator('.notification-list-item', { hasText: 'Cannot open' }).first();
    // In the headless workbench the error may go straight to the notification centre, not a toast.
    await toast.waitFor({ timeout: 20_000 }).catch(async () => {
      await commandPalette(page, 'Notifications: Show Notifications');
      await toast.waitFor({ timeout: 20_000 });
    });
    const text = await toast.innerText();
    assert.match(text, /asks for a user name and password/);
    assert.equal(text.split(reference).length - 1, 1, `the reference is named once: ${text}`);
    await screenshot(page, 'open-remote-unauthorized');
    await toast.getByRole('button', { name: 'Sign In…' }).click();
    await quickInput(page, 'alice');
    await quickInput(page, PASSWORD);
    await treeItem(page, reference).waitFor({ timeout: 60_000 });
    await screenshot(page, 'open-remote-signed-in');
  });
});
