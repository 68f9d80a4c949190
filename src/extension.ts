import * as path from 'node:path';
import * as vscode from 'vscode';
import { LayerStore } from './core/layers/layerStore';
import { ImageFilesystems } from './vscode/imageFilesystems';
import { RegistryAccess } from './vscode/registryAccess';
import { createApi, type ContainerImageExplorerApi } from './vscode/api';
import { registerAttestationCommands } from './vscode/attestationCommands';
import { registerCommands } from './vscode/commands';
import { DigestDefinitionProvider } from './vscode/digestDefinition';
import { DigestHoverProvider } from './vscode/digestHover';
import { DigestLinkProvider } from './vscode/digestLinks';
import { DropController } from './vscode/dropController';
import { ImageFileSystemProvider } from './vscode/fileSystemProvider';
import { Log } from './vscode/log';
import { mountWithProgress } from './vscode/mountWithProgress';
import { SourceManager } from './vscode/sourceManager';
import { IMAGES_VIEW_ID, ImageTreeProvider } from './vscode/tree/imageTreeProvider';

export type { ContainerImageExplorerApi } from './vscode/api';

/** Composition root: creates the model and registers each contribution; no logic of its own. */
export function activate(context: vscode.ExtensionContext): ContainerImageExplorerApi {
  const log = new Log();
  const registry = new RegistryAccess(context);
  const sources = new SourceManager(() => registry.openOptions());
  const layers = new LayerStore({ cacheDirectory: path.join(context.globalStorageUri.fsPath, 'layers'), onWarning: (message) => log.info(message) });
  const filesystems = new ImageFilesystems(layers, log);
  const tree = new ImageTreeProvider(sources, filesystems);
  const view = vscode.window.createTreeView(IMAGES_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false, canSelectMany: false, dragAndDropController: new DropController(sources, log) });
  context.subscriptions.push(
    log,
    sources,
    tree,
    view,
    ImageFileSystemProvider.register(sources, filesystems, log),
    DigestLinkProvider.register(sources),
    DigestHoverProvider.register(sources),
    DigestDefinitionProvider.register(sources),
    ...registerCommands(sources, log, tree, view, filesystems, registry),
    ...registerAttestationCommands(context.extensionUri, log, sources),
  );
  void openOnStartup(sources, log);
  return createApi(sources, tree);
}

/** Mounts what `containerImageExplorer.openOnStartup` (or CIE_OPEN_ON_START, used by `npm start`) lists. */
async function openOnStartup(sources: SourceManager, log: Log): Promise<void> {
  const configured = vscode.workspace.getConfiguration('containerImageExplorer').get<string[]>('openOnStartup', []);
  const fromEnvironment = (process.env.CIE_OPEN_ON_START ?? '').split(path.delimiter).filter(Boolean);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.scheme === 'file' ? vscode.workspace.workspaceFolders[0].uri.fsPath : process.cwd();
  for (const spec of [...configured, ...fromEnvironment]) {
    const resolved = /^(docker-archive|oci-archive|oci):/.test(spec) || path.isAbsolute(spec) ? spec : path.resolve(base, spec);
    await mountWithProgress(sources, log, resolved);
  }
}

export function deactivate(): void {}
