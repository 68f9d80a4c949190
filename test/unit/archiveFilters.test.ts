import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ARCHIVE_EXTENSIONS, ARCHIVE_FILTERS } from '../../src/vscode/archiveFilters';

const repoRoot = path.resolve(__dirname, '../..');
const contributes = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).contributes;

/** The regex of the Explorer menu's `resourceFilename =~ /…/` clause. */
function explorerRegex(): RegExp {
  const when: string = contributes.menus['explorer/context'].find((entry: { command: string }) => entry.command === 'containerImageExplorer.openInExplorer').when;
  const match = when.match(/resourceFilename =~ \/(.+?)\/ /);
  assert.ok(match, when);
  return new RegExp(match[1]);
}

// The names archives have: what docker save, skopeo and the compressors write.
const ARCHIVE_NAMES = ['app.tar', 'app.tar.gz', 'app.tgz', 'app.tar.zst', 'app.tar.zstd', 'app.tar.xz', 'app.txz'];

describe('archive file filters', () => {
  it('the Open Image Archive dialog offers every archive name (VS Code matches the last extension)', () => {
    for (const name of ARCHIVE_NAMES) assert.ok(ARCHIVE_FILTERS['Image archives'].includes(name.slice(name.lastIndexOf('.') + 1)), name);
    assert.deepEqual(ARCHIVE_FILTERS['All files'], ['*']);
  });

  it("the Explorer's Open in Container Image Explorer matches the same names and no others", () => {
    const regex = explorerRegex();
    for (const name of ARCHIVE_NAMES) assert.match(name, regex);
    for (const name of ['notes.txt', 'app.gz', 'app.zip', 'tar']) assert.doesNotMatch(name, regex);
    for (const extension of ARCHIVE_EXTENSIONS) assert.ok(ARCHIVE_NAMES.some((name) => name.endsWith(`.${extension}`)), extension);
  });
});
