import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { writeBigLayerLayout } from '../support/gzipLayerLayout';
import { cpuDuring, findProcessByEnvironment } from './processCpu';
import { expandTreeItem, notification, openTreeItem, openImagesView, screenshot, session, treeItem, until } from './workbench';

// Expanding a big layer indexes it with progress; Cancel in the notification stops the work: the
// extension host goes (nearly) idle at once, the row offers to index again, and that works.
describe('UI: cancelling the indexing of a big layer', () => {
  let page: Page;
  let layout: string;
  let extensionHost: number | undefined;
  const marker = randomUUID();

  before(async () => {
    layout = path.join(session().server.runDir, 'big-layer-layout');
    // 24 × 64 MiB of hex text: about 6 s of indexing on an idle 2-core machine.
    writeBigLayerLayout(layout, 24);
    page = await openImagesView({ open: [layout], env: { CIE_E2E_MARKER: marker }, sideBarWidth: 440 });
    await until(async () => {
      extensionHost = findProcessByEnvironment('CIE_E2E_MARKER', marker);
      return extensionHost !== undefined;
    }, 'the extension host of this window runs');
  });

  after(async () => {
    await page?.context().close();
    rmSync(layout, { recursive: true, force: true });
  });

  it('shows a cancellable notification while the layer is indexed, and Cancel stops the work', async () => {
    await expandTreeItem(page, 'big-layer-layout');
    await expandTreeItem(page, /^big$/);
    await expandTreeItem(page, 'Layers');
    await expandTreeItem(page, 'COPY data.txt hello.txt');
    const toast = await notification(page, /Indexing layer [0-9a-f]{12} in big-layer-layout/);
    const busy = await cpuDuring(extensionHost!, 1000);
    await screenshot(page, 'cancel-indexing-progress');
    await toast.getByRole('button', { name: 'Cancel' }).click();
    await treeItem(page, 'Indexing cancelled').waitFor({ timeout: 10_000 });
    const idle = await cpuDuring(extensionHost!, 2000);
    console.log(`      extension host CPU: ${busy.toFixed(2)} s in 1 s while indexing, ${idle.toFixed(2)} s in 2 s after Cancel`);
    assert.ok(busy >= 0.3, `the extension host was busy indexing (${busy} s CPU in 1 s)`);
    assert.ok(idle <= 0.3, `the extension host stopped working after Cancel (${idle} s CPU in 2 s)`);
    await screenshot(page, 'cancel-indexing-cancelled');
  });

  it('indexes again when the cancelled row is selected', async () => {
    await openTreeItem(page, 'Indexing cancelled');
    await treeItem(page, /^hello\.txt$/).waitFor({ timeout: 120_000 });
    await treeItem(page, /^data\.txt$/).waitFor();
  });
});
