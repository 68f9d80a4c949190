import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

// publisher.name from package.json
const EXTENSION_ID = 'container-image-explorer.container-image-explorer';

describe('smoke: the extension in a real VS Code', () => {
  it('is installed as a development extension and activates', async () => {
    console.log(`VS Code ${vscode.version}`);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is among ${vscode.extensions.all.length} extensions`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const name of ['openArchive', 'openLayout', 'openRemote']) {
      assert.ok(commands.includes(`containerImageExplorer.${name}`), `command containerImageExplorer.${name}`);
    }
  });
});
