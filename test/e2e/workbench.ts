// Helpers for UI tests: open the workbench with our extension, drive it like a person (activity
// bar, command palette, quick input, tree, hover) and take screenshots. Selectors are VS Code's
// own DOM (1.139); when an upgrade breaks one, fix it here, once.
import { mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { consoleText, isInteresting } from '../runner/browser';
import { writeWorkspaceSettings } from '../runner/codeServer';
import type { E2ESession } from '../runner/e2eSession';
import { extensionEnvironment } from '../runner/environment';

export function session(): E2ESession {
  const current = (globalThis as { cieE2ESession?: E2ESession }).cieE2ESession;
  if (!current) throw new Error('UI tests run under dist/test/runner/e2eRunner.js (npm run test:e2e), not plain mocha');
  return current;
}

/** Absolute path of a generated fixture (test/fixtures/generated, see its README.txt). */
export function fixture(name: string): string {
  return path.join(session().repoRoot, 'test/fixtures/generated', name);
}

export interface OpenOptions {
  /** Archives/layouts mounted on activation (CIE_OPEN_ON_START through extensionEnvironment). */
  open?: string[];
  /** Extra environment for the extension host. */
  env?: Record<string, string>;
  /** Workspace settings, written to .vscode/settings.json of a fresh workspace folder. */
  settings?: Record<string, unknown>;
}

let workspaceCount = 0;

/** Polls `condition` (every 100 ms, up to `timeoutMs`) for state Playwright has no waiter for. */
export async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A new browser context with the workbench loaded (our extension in development mode). */
export async function openWorkbench(options: OpenOptions = {}): Promise<Page> {
  const { server, browser, repoRoot } = session();
  const folder = path.join(server.runDir, `workspace-${++workspaceCount}`);
  mkdirSync(folder, { recursive: true });
  if (options.settings) writeWorkspaceSettings(folder, options.settings);
  const env = { ...options.env, ...(options.open ? { CIE_OPEN_ON_START: options.open.join(path.delimiter) } : {}) };
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  session().pages.add(page);
  page.on('close', () => session().pages.delete(page));
  page.on('console', (message) => {
    const text = consoleText(message);
    if (isInteresting(message) && (process.env.CIE_VERBOSE === '1' || text.startsWith('[ERR]'))) console.log(`      [page] ${text.split('\n')[0]}`);
  });
  // 'load' waits for every workbench script and can exceed 30 s on a busy 2-core machine.
  await page.goto(server.workbenchUrl({ folder, extensionEnvironment: extensionEnvironment(repoRoot, env) }), { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await activityBarItem(page).waitFor({ timeout: 120_000 });
  return page;
}

function activityBarItem(page: Page): Locator {
  return page.locator('.part.activitybar').getByRole('tab', { name: /Container Images/ });
}

/** Clicks our activity-bar entry (unless the view is already showing) and waits for the Images view. */
export async function showImagesView(page: Page): Promise<void> {
  const item = activityBarItem(page);
  if ((await item.getAttribute('aria-selected')) !== 'true') await item.click();
  // With a single view the pane header is hidden and the side bar title reads 'Container Images: Images'.
  await page.locator('.part.sidebar .composite.title', { hasText: 'Container Images' }).waitFor();
}

/** Runs a command by its palette title, e.g. 'Open Image Archive…' (prefix match as typed). */
export async function commandPalette(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`>${label}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
}

/** Types into the open quick input (input box, quick pick or the simple file dialog) and accepts. */
export async function quickInput(page: Page, value: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(value);
  await input.press('Enter');
}

/**
 * Answers VS Code's own (quick-input based) open dialog, which the web workbench shows for
 * showOpenDialog, with an absolute path. The dialog lists its start folder asynchronously and may
 * overwrite a path typed meanwhile, so the path is typed again until it sticks and the dialog
 * lists the target's folder (a row names one of its entries; the list is virtual, so the target
 * itself may be scrolled out of the DOM); only then does Enter accept it.
 */
export async function fileDialog(page: Page, file: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await until(async () => (await input.inputValue()).startsWith('/'), 'the file dialog shows its start folder');
  const siblings = new Set(readdirSync(path.dirname(file)));
  const rows = page.locator('.quick-input-list .monaco-list-row .label-name');
  await until(async () => {
    if ((await input.inputValue()) !== file) await input.fill(file);
    await page.waitForTimeout(500);
    const listed = await rows.allInnerTexts();
    return (await input.inputValue()) === file && listed.some((name) => siblings.has(name.trim()));
  }, `the file dialog lists the folder of ${file}`, 60_000);
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The first tree row in the side bar whose text contains `label` (a string), or whose label matches it (a RegExp). */
export function treeItem(page: Page, label: string | RegExp): Locator {
  const rows = page.locator('.part.sidebar').getByRole('treeitem');
  return (typeof label === 'string' ? rows.filter({ hasText: label }) : rows.filter({ has: page.locator('.label-name', { hasText: label }) })).first();
}

/** Labels of the visible side-bar tree rows, top to bottom (for assertions and failure messages). */
export async function treeItemLabels(page: Page): Promise<string[]> {
  return page.locator('.part.sidebar [role="treeitem"] .label-name').allInnerTexts();
}

/** Expands a tree row by label (no-op when expanded) and waits until it is expanded. */
export async function expandTreeItem(page: Page, label: string | RegExp): Promise<Locator> {
  const row = treeItem(page, label);
  await row.waitFor({ timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  await until(async () => (await row.getAttribute('aria-expanded')) === 'true', `tree row '${label}' is expanded`);
  return row;
}

/** Opens a tree row (its command, e.g. a file or blob editor) by clicking it. */
export async function openTreeItem(page: Page, label: string | RegExp): Promise<void> {
  const row = treeItem(page, label);
  await row.click();
}

/** Hovers the last editor span containing `text`; returns the hover widget's text once loaded. */
export async function hover(page: Page, text: string): Promise<string> {
  const target = page.locator('.monaco-editor .view-lines span', { hasText: text }).last();
  const widget = page.locator('.monaco-hover:not(.hidden)').first();
  // On a busy machine a hover can fail to appear (the editor was still laying out): move away and back.
  await until(async () => {
    await page.mouse.move(1, 1);
    await target.hover();
    return widget.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
  }, `a hover over '${text}' appears`, 30_000);
  // Async hover providers first show 'Loading...' in the same widget.
  let content = '';
  await until(async () => {
    content = (await widget.innerText().catch(() => '')).trim();
    return content !== '' && !/^Loading\.*$/.test(content);
  }, `the hover over '${text}' has loaded`);
  return content;
}

/** Saves test-results/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(session().resultsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  console.log(`      screenshot ${path.relative(session().repoRoot, file)}`);
  return file;
}

/** Clicks a button of the Images view's welcome content (shown while nothing is open). */
export async function welcomeButton(page: Page, label: string): Promise<void> {
  await page.locator('.part.sidebar .welcome-view-content').getByRole('button', { name: label }).click();
}

/** Right-clicks a tree row and picks `action` from VS Code's (HTML) context menu. */
export async function contextMenu(page: Page, rowLabel: string | RegExp, action: string): Promise<void> {
  await treeItem(page, rowLabel).click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor();
  // A menu ignores a click that comes right after it opened (guarding against right-click-drag),
  // so the click is repeated until the menu closes.
  const item = menu.getByRole('menuitem', { name: action, exact: true });
  await until(async () => {
    if (await menu.isVisible()) await item.click({ timeout: 2_000 }).catch(() => undefined);
    return menu.waitFor({ state: 'hidden', timeout: 1_000 }).then(() => true, () => false);
  }, `the context menu ran '${action}'`);
}

/** Labels of the context menu a tree row offers (the menu is closed again). */
export async function contextMenuLabels(page: Page, rowLabel: string | RegExp): Promise<string[]> {
  await treeItem(page, rowLabel).click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor();
  const labels = await menu.locator('.action-label').allInnerTexts();
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden' });
  return labels.map((label) => label.trim()).filter(Boolean);
}

/**
 * Waits for a notification whose text matches `text` and returns it: a toast, or (toasts of an
 * unfocused headless window may hide at once) the same notification in the notification center.
 */
export async function notification(page: Page, text: RegExp, timeoutMs = 30_000): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  const listed = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  let found: Locator | undefined;
  await until(async () => {
    if (await toast.isVisible()) found = toast;
    else if (await listed.isVisible()) found = listed;
    else if (!(await page.locator('.notifications-center.visible').isVisible())) await commandPalette(page, 'Notifications: Show Notifications');
    return found !== undefined;
  }, `a notification matching ${text}`, timeoutMs);
  return found!;
}

/** Clears every notification and closes the notification center (so the next one is the only one on screen). */
export async function clearNotifications(page: Page): Promise<void> {
  await commandPalette(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden' }).catch(() => undefined);
  if (await page.locator('.notifications-center.visible').isVisible()) await commandPalette(page, 'Notifications: Hide Notifications');
}

/** The tab of an open editor whose title contains `title`. */
export function editorTab(page: Page, title: string | RegExp): Locator {
  return page.locator('.editor-group-container .tab', { hasText: title }).first();
}

/** Text of the active editor's visible lines (non-breaking spaces as spaces). */
export async function activeEditorText(page: Page): Promise<string> {
  const lines = page.locator('.editor-group-container.active .editor-container .monaco-editor .view-lines').first();
  await lines.waitFor();
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Runs "Developer: Reload Window" (the workbench saves its state, then the page reloads) and waits
 * for the new workbench. A bare page reload would skip the save, so nothing would be restored.
 */
export async function reloadWindow(page: Page): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { timeout: 120_000 });
  await commandPalette(page, 'Developer: Reload Window');
  await navigated;
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await activityBarItem(page).waitFor({ timeout: 120_000 });
}

/** Drags the side bar's edge so it is `width` pixels wide (long tree labels fit in screenshots). */
export async function setSideBarWidth(page: Page, width: number): Promise<void> {
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (!sidebar) throw new Error('no side bar on screen');
  const edge = sidebar.x + sidebar.width;
  const middle = sidebar.y + sidebar.height / 2;
  await page.mouse.move(edge + 1, middle);
  await page.mouse.down();
  await page.mouse.move(sidebar.x + width, middle, { steps: 5 });
  await page.mouse.up();
  await until(async () => Math.abs(((await page.locator('.part.sidebar').boundingBox())?.width ?? 0) - width) < 20, `the side bar is ${width} px wide`, 5_000);
}

/** openWorkbench, then the Images view shown and, when asked, the side bar widened (for screenshots). */
export async function openImagesView(options: OpenOptions & { sideBarWidth?: number } = {}): Promise<Page> {
  const page = await openWorkbench(options);
  await showImagesView(page);
  if (options.sideBarWidth) await setSideBarWidth(page, options.sideBarWidth);
  return page;
}
