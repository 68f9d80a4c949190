import * as assert from 'node:assert/strict';
import type { TreeRow } from '../../src/vscode/api';

/** The first row (depth first, `depth` levels down) that matches. */
export async function findRow(rows: TreeRow[], predicate: (row: TreeRow) => boolean, depth = 4): Promise<TreeRow | undefined> {
  for (const row of rows) {
    if (predicate(row)) return row;
    if (depth > 0 && row.collapsible) {
      const found = await findRow(await row.children(), predicate, depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Walks labels one level at a time (a label may be a RegExp); fails naming the level where a label is missing. */
export async function rowAt(rows: TreeRow[], ...labels: Array<string | RegExp>): Promise<TreeRow> {
  let level = rows;
  let row: TreeRow | undefined;
  for (const label of labels) {
    row = level.find((candidate) => (typeof label === 'string' ? candidate.label === label : label.test(candidate.label)));
    assert.ok(row, `no row ${label} among ${JSON.stringify(level.map((candidate) => candidate.label))}`);
    level = await row.children();
  }
  return row!;
}

/** Milliseconds an async step takes, and the longest the extension host's event loop stalled meanwhile. */
export async function timed<T>(step: () => Promise<T>): Promise<{ value: T; elapsed: number; longestStall: number }> {
  let longestStall = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - last - 10);
    last = now;
  }, 10);
  const started = performance.now();
  try {
    const value = await step();
    const elapsed = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { value, elapsed, longestStall };
  } finally {
    clearInterval(ticker);
  }
}
