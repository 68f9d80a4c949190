import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { DropController } from '../../src/vscode/dropController';
import type { Log } from '../../src/vscode/log';
import { SourceManager } from '../../src/vscode/sourceManager';
import { sample } from './support';

// The Images view's drop handler, given what VS Code hands it when files are dropped: a
// DataTransfer with a text/uri-list (from the Explorer or the desktop).
describe('drag and drop onto the Images view', function () {
  this.timeout(60_000);

  it('opens dropped archives and ignores URIs that are not local files', async function () {
    if (!existsSync(sample)) this.skip();
    const sources = new SourceManager();
    // Not a second Log: a log output channel is keyed by its name, and disposing a second one
    // closes the extension's own. This one records what would be logged.
    const logged: string[] = [];
    const log = { info: (message: string) => logged.push(message), error: (message: string) => logged.push(message), showError: async (message: string) => void logged.push(message) } as unknown as Log;
    try {
      const transfer = new vscode.DataTransfer();
      transfer.set('text/uri-list', new vscode.DataTransferItem(`# dropped\r\n${vscode.Uri.file(sample).toString()}\r\nhttps://example.com/image.tar\r\n`));
      await new DropController(sources, log).handleDrop(undefined, transfer);
      assert.deepEqual(sources.list().map((mounted) => mounted.spec), [sample]);
      assert.ok(logged.some((line) => /Ignored a dropped https: URI/.test(line)), logged.join('\n'));
    } finally {
      sources.dispose();
    }
  });
});
