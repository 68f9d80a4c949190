import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { ALPINE_ATTESTATIONS, writeAttestedLayout, type AttestedLayout } from '../unit/support/attestedLayouts';
import { hover, openWorkbench, screenshot, session, showImagesView, treeItem, treeItemLabels, until } from './workbench';

/** The side-bar row whose label (not description) starts with `label`: `linux/amd64` must not match a row described as linux/amd64. */
function rowLabelled(page: Page, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.locator('.part.sidebar [role="treeitem"]').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escaped}`) }) }).first();
}

async function expandRow(page: Page, label: string): Promise<Locator> {
  const row = rowLabelled(page, label);
  await row.waitFor({ timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  await until(async () => (await row.getAttribute('aria-expanded')) === 'true', `tree row '${label}' is expanded`);
  return row;
}

// A person's path through an image's supply-chain metadata: expand the SBOM in the tree down to
// its packages, open its summary view, filter the packages table, then the provenance's summary.
describe('UI: attestations of a multi-platform image', function () {
  let page: Page;
  let scratch: string;
  let layout: AttestedLayout;

  before(async function () {
    const corpus = process.env.CIE_CORPUS ?? path.resolve(session().repoRoot, '../shared/corpus');
    if (!existsSync(path.join(corpus, ALPINE_ATTESTATIONS))) {
      console.log(`corpus not found at ${corpus}: attestation UI tests skipped`);
      this.skip();
    }
    scratch = mkdtempSync(path.join(tmpdir(), 'cie-e2e-attested-'));
    layout = writeAttestedLayout(corpus, path.join(scratch, 'attested-layout'));
    page = await openWorkbench({ open: [layout.directory] });
    await showImagesView(page);
  });

  after(async () => {
    await page?.context().close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** The summary page inside VS Code's webview iframes. */
  const summaryFrame = (): FrameLocator => page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');

  it('expands an SBOM to its packages', async () => {
    await treeItem(page, 'attested-layout').waitFor({ timeout: 60_000 });
    await expandRow(page, 'example.com/app:1');
    await expandRow(page, 'linux/amd64');
    await expandRow(page, 'Attestations');
    await expandRow(page, 'SBOM (SPDX 2.3)');
    await treeItem(page, 'alpine-baselayout').waitFor({ timeout: 30_000 });
    const labels = await treeItemLabels(page);
    for (const label of ['Subjects', 'Packages', 'Licences', 'musl']) assert.ok(labels.includes(label), `${label} in ${labels.join(' | ')}`);
    await screenshot(page, 'attestations-sbom-packages');
  });

  it('opens the SBOM summary view and filters its packages', async () => {
    const row = rowLabelled(page, 'SBOM (SPDX 2.3)');
    await row.hover();
    await row.locator('.action-label[aria-label="Show Summary"]').click();
    await page.locator('.editor-group-container .tab', { hasText: /^SBOM \(SPDX 2\.3\)/ }).first().waitFor({ timeout: 30_000 });
    const frame = summaryFrame();
    await frame.locator('h1', { hasText: `SBOM (SPDX 2.3) · ${layout.packageCount} packages` }).waitFor({ timeout: 30_000 });
    await frame.locator('#shown', { hasText: `${layout.packageCount} of ${layout.packageCount} packages` }).waitFor();
    await screenshot(page, 'attestations-sbom-summary');
    await frame.locator('#filter').fill('musl');
    await until(async () => /^[1-9] of 21 packages$/.test(await frame.locator('#shown').innerText()), 'the filter narrows the table');
    const names = await frame.locator('#packages tbody tr td:first-child').allInnerTexts();
    assert.ok(names.length > 0 && names.every((name) => /musl/.test(name) || name.length > 0), names.join(', '));
    assert.ok(names.includes('musl'), names.join(', '));
    await screenshot(page, 'attestations-sbom-summary-filtered');
  });

  it('opens the provenance summary: builder and the base image among the materials', async () => {
    const row = rowLabelled(page, 'Provenance (SLSA v0.2)');
    await row.hover();
    await row.locator('.action-label[aria-label="Show Summary"]').click();
    await page.locator('.editor-group-container .tab', { hasText: /^Provenance \(SLSA v0\.2\)/ }).first().waitFor({ timeout: 30_000 });
    const frame = summaryFrame();
    await frame.locator('td', { hasText: 'https://mobyproject.org/buildkit@v1' }).first().waitFor({ timeout: 30_000 });
    await frame.locator('a.digest', { hasText: layout.base.slice(0, 19) }).waitFor();
    await screenshot(page, 'attestations-provenance-summary');
  });

  it('the summary page’s links: a material reveals its image in the tree, the embedded Dockerfile opens', async () => {
    const frame = summaryFrame();
    await frame.locator('a.digest', { hasText: layout.base.slice(0, 19) }).click();
    const base = rowLabelled(page, 'example.com/base:1');
    await until(async () => (await base.getAttribute('aria-selected')) === 'true', 'the base image row is selected');
    await summaryFrame().locator('a.source', { hasText: 'Dockerfile' }).click();
    await page.locator('.editor-group-container .tab', { hasText: /^Dockerfile/ }).first().waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: 'FROM scratch' }).first().waitFor();
    await screenshot(page, 'attestations-provenance-links');
  });

  it('opens a DSSE-signed provenance decoded, with a hover on its subject digest', async () => {
    // The tree only renders visible rows: fold amd64 away first.
    const amd64 = rowLabelled(page, 'linux/amd64');
    if ((await amd64.getAttribute('aria-expanded')) === 'true') await amd64.locator('.monaco-tl-twistie').click();
    await expandRow(page, 'linux/arm64');
    await expandRow(page, 'Attestations');
    const row = page.locator('.part.sidebar [role="treeitem"]').filter({ hasText: 'signed (DSSE)' }).first();
    await row.click();
    await page.locator('.editor-group-container .tab', { hasText: /^provenance [0-9a-f]{8}\.jsonc/ }).first().waitFor({ timeout: 30_000 });
    // The subject list closes the statement (keys are in the corpus file's sorted order): go to the end.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    const text = await hover(page, layout.images['linux/arm64'].slice(7, 30));
    assert.match(text, /Image.*linux\/arm64/s, text);
    await screenshot(page, 'attestations-decoded-dsse-hover');
  });

  it('after a window reload, the summary view comes back (re-read from its source) with its filter', async () => {
    await page.reload({ waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    const tab = page.locator('.editor-group-container .tab', { hasText: /^SBOM \(SPDX 2\.3\)/ }).first();
    await tab.waitFor({ timeout: 60_000 });
    await tab.click();
    const frame = summaryFrame();
    await frame.locator('h1', { hasText: `SBOM (SPDX 2.3) · ${layout.packageCount} packages` }).waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('#filter').inputValue(), 'musl');
    await frame.locator('#shown', { hasText: /^2 of 21 packages$/ }).waitFor();
    await screenshot(page, 'attestations-summary-restored');
  });
});
