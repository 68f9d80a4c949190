import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ImageError } from '../core/errors';
import { humanSize } from '../core/format';
import { verifyBlob } from '../core/integrity';
import { ARCHIVE_FILTERS } from './archiveFilters';
import { toOperation } from './cancellation';
import { blobTitle } from './documentTitles';
import { fromImageUri, toImageUri } from './imageUri';
import { revealBlob } from './revealBlob';
import { saveStream } from './saveStream';
import { normaliseReference, type RegistryAccess } from './registryAccess';
import { findFileInImage } from './findFile';
import { saveDirectory } from './saveFiles';
import { FileItem, fileUri } from './tree/fileItem';
import { openFile } from '../core/filesystem';
import type { ImageFilesystems } from './imageFilesystems';
import type { Log } from './log';
import { mountWithProgress } from './mountWithProgress';
import { pullPlatform } from './pullPlatform';
import type { SourceManager } from './sourceManager';
import { IMAGES_VIEW_ID, type ImageTreeProvider } from './tree/imageTreeProvider';
import { opensAsDocument } from './tree/descriptorItem';
import { loadNextTagPage, type MoreTagsItem } from './tree/tagsItem';
import type { TreeNode } from './tree/treeNode';

/** Registers every command of the extension; each is a small function over the source manager. */
export function registerCommands(sources: SourceManager, log: Log, tree: ImageTreeProvider, view: vscode.TreeView<TreeNode>, filesystems: ImageFilesystems, registry: RegistryAccess): vscode.Disposable[] {
  const mountAll = async (uris: readonly vscode.Uri[] | undefined) => {
    for (const uri of uris ?? []) await mountWithProgress(sources, log, uri.fsPath);
  };
  const requireNode = (node: TreeNode | undefined): NonNullable<TreeNode['graphNode']> => {
    if (!node?.graphNode) throw new ImageError('usage', 'select an item in the Images view first');
    return node.graphNode;
  };
  const openNode = async (node: TreeNode | undefined, viewColumn?: vscode.ViewColumn) => {
    // A file row opens its file; a descriptor row, its blob document.
    let uri: vscode.Uri;
    if (node instanceof FileItem) uri = fileUri(node.mounted, node.context, node.file.path);
    else {
      const graphNode = requireNode(node);
      uri = toImageUri({ source: node!.mounted.spec, target: { type: 'blob', digest: graphNode.digest, title: blobTitle(graphNode) } });
    }
    await vscode.commands.executeCommand('vscode.open', uri, { viewColumn, preview: viewColumn === undefined });
  };
  const handlers: Record<string, (...args: never[]) => unknown> = {
    openArchive: async () => mountAll(await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Open Image Archive', filters: ARCHIVE_FILTERS, title: 'Open Image Archive' })),
    openLayout: async () => mountAll(await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: true, openLabel: 'Open OCI Layout', title: 'Open OCI Layout Folder' })),
    openRemote: async (given?: string) => {
      const reference = given ?? (await askForReference(registry));
      if (!reference) return;
      const normalised = normaliseReference(reference);
      if ('error' in normalised) return log.showError(`"${reference}" is not an image reference`, normalised.error);
      const mounted = await mountWithProgress(sources, log, normalised.spec, {
        onUnauthorized: async () => (await registry.signIn(normalised.registry)) && vscode.commands.executeCommand('containerImageExplorer.openRemote', reference),
      });
      if (mounted) await registry.remember(reference);
    },
    pullPlatform: (node?: TreeNode, platform?: string) => pullPlatform(sources, tree, view, node, platform),
    loadMoreTags: async (row?: MoreTagsItem) => {
      if (!row) return;
      await loadNextTagPage(row.mounted);
      tree.refresh(row.parent);
    },
    clearRegistryCache: async () => {
      const cache = registry.cache();
      const { files, bytes } = await cache.usage();
      await cache.clear();
      log.info(`Cleared the registry cache ${cache.directory} (${files} blobs, ${humanSize(bytes)})`);
      void vscode.window.showInformationMessage(`Cleared the registry cache: ${files} blobs, ${humanSize(bytes)}. Open images read again from their registry.`);
      return { directory: cache.directory, maxBytes: cache.maxBytes, files, bytes };
    },
    openInExplorer: async (uri?: vscode.Uri, selected?: vscode.Uri[]) => mountAll(selected?.length ? selected : uri ? [uri] : undefined),
    refresh: async () => {
      const { failed } = await withCancellableProgress('Refreshing images', (operation) => sources.refresh(operation));
      for (const { spec, error } of failed) void log.showError(`Cannot open ${spec} again; it was closed`, error);
    },
    reindexRow: (node?: TreeNode) => {
      if (node) tree.refresh(node);
    },
    collapseAll: () => vscode.commands.executeCommand(`workbench.actions.treeView.${IMAGES_VIEW_ID}.collapseAll`),
    closeSource: async (node?: TreeNode) => {
      if (node) await sources.close(node.mounted.spec);
    },
    openNode: (node?: TreeNode) => openNode(node),
    openNodeToSide: (node?: TreeNode) => openNode(node, vscode.ViewColumn.Beside),
    revealBlob: async (node?: TreeNode) => {
      const graphNode = requireNode(node);
      return revealBlob(node!.mounted, graphNode);
    },
    copyDigest: async (node?: TreeNode) => vscode.env.clipboard.writeText(requireNode(node).digest),
    copyReference: async (node?: TreeNode) => {
      const graphNode = requireNode(node);
      const root = node!.mounted.graph.roots.find((candidate) => candidate.names.length > 0);
      const repository = root ? root.names[0].replace(/:[^:/]+$/, '') : node!.mounted.label;
      await vscode.env.clipboard.writeText(`${repository}@${graphNode.digest}`);
    },
    verifyDigest: async (node?: TreeNode) => {
      const graphNode = requireNode(node);
      const check = await withCancellableProgress(`Verifying ${graphNode.digest.slice(0, 19)}…`, (operation) => verifyBlob(node!.mounted.source, graphNode.digest, graphNode.size, operation));
      if (check.ok) void vscode.window.showInformationMessage(`${graphNode.digest} verified (${humanSize(check.size ?? 0)}).`);
      else await log.showError(`Verification failed for ${graphNode.digest}`, check.problem);
    },
    verifySource: async (node?: TreeNode) => {
      if (!node) return;
      const present = node.mounted.graph.nodes.filter((candidate) => candidate.present);
      const failures = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Verifying ${node.mounted.label}`, cancellable: true }, async (progress, token) => {
        const failed: string[] = [];
        for (const [index, graphNode] of present.entries()) {
          if (token.isCancellationRequested) break;
          progress.report({ message: `${index + 1}/${present.length}`, increment: 100 / present.length });
          const operation = toOperation(token);
          try {
            const check = await verifyBlob(node.mounted.source, graphNode.digest, graphNode.size, operation);
            if (!check.ok) failed.push(`${graphNode.digest}: ${check.problem}`);
          } finally {
            operation.dispose();
          }
        }
        return failed;
      });
      if (failures.length === 0) void vscode.window.showInformationMessage(`${node.mounted.label}: all ${present.length} blobs verified.`);
      else await log.showError(`${node.mounted.label}: ${failures.length} blob(s) failed verification`, failures.join('\n'));
    },
    showLog: () => log.channel.show(),
    findFile: (node?: TreeNode) => findFileInImage(sources, filesystems, node ? { mounted: node.mounted, image: node.graphNode?.kind === 'manifest' ? node.graphNode : undefined } : undefined),
    openFormatted: async (uri?: vscode.Uri) => {
      const location = uri && fromImageUri(uri);
      if (!location || location.target.type !== 'blob') return;
      await vscode.commands.executeCommand('vscode.open', toImageUri({ ...location, target: { ...location.target, formatted: true, title: location.target.title.replace(/\.json$/, ' (formatted).json') } }), { viewColumn: vscode.ViewColumn.Beside });
    },
    saveAs: async (node?: TreeNode) => {
      if (node instanceof FileItem) return saveFileRow(node, filesystems);
      const graphNode = requireNode(node);
      const target = await vscode.window.showSaveDialog({ title: `Save ${graphNode.kind} ${graphNode.digest.slice(7, 19)}`, defaultUri: vscode.Uri.file(path.join(os.homedir(), blobTitle(graphNode).replace(/[\u2215/]/g, '-'))) });
      if (!target) return;
      await withCancellableProgress(`Saving ${path.basename(target.fsPath)}`, async (operation) => saveStream(await node!.mounted.source.open(graphNode.digest, undefined, operation), target.fsPath, graphNode.size, operation));
      void vscode.window.showInformationMessage(`Saved ${humanSize(graphNode.size)} to ${target.fsPath}.`);
    },
    revealDigest: async (spec?: string, digest?: string) => {
      if (!spec || !digest) return;
      const mounted = await sources.mount(spec);
      const row = await tree.findRow(mounted.spec, digest);
      // A layer is revealed closed: opening it indexes it (a download, for a registry).
      if (row) await view.reveal(row, { select: true, focus: true, expand: row.graphNode?.kind !== 'layer' });
      else void vscode.window.showInformationMessage(`${digest} is not shown in the Images view of ${mounted.label}.`);
    },
    openDigest: async (spec?: string, digest?: string) => {
      if (!spec || !digest) return;
      const mounted = await sources.mount(spec);
      const meaning = await mounted.catalog.meaning(digest);
      if (meaning.type === 'node' && opensAsDocument(meaning.node)) {
        await vscode.commands.executeCommand('vscode.open', toImageUri({ source: mounted.spec, target: { type: 'blob', digest, title: blobTitle(meaning.node) } }));
      } else if (meaning.type === 'unknown') {
        void vscode.window.showInformationMessage(`${digest} is not a blob of ${mounted.label}, nor a layer diff_id of its images.`);
      } else {
        const target = meaning.type === 'diff-id' ? meaning.layer.digest : digest;
        await vscode.commands.executeCommand('containerImageExplorer.revealDigest', mounted.spec, target);
      }
    },
  };
  return Object.entries(handlers).map(([name, handler]) =>
    vscode.commands.registerCommand(`containerImageExplorer.${name}`, async (...args: never[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        await log.showError(`Container Image Explorer: ${name} failed`, error);
        return undefined;
      }
    }),
  );
}

async function withCancellableProgress<T>(title: string, work: (operation: ReturnType<typeof toOperation>) => Promise<T>): Promise<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const operation = toOperation(token, progress);
    try {
      return await work(operation);
    } finally {
      operation.dispose();
    }
  });
}

/** Save As… on a file row writes the file; on a directory row, the directory into a chosen folder. */
async function saveFileRow(row: FileItem, filesystems: ImageFilesystems): Promise<void> {
  const { mounted, context, file } = row;
  const image = context.kind === 'layer' ? filesystems.layerImage(mounted, context.digest) : filesystems.imageLayers(mounted, context.digest);
  const name = file.path.slice(file.path.lastIndexOf('/') + 1) || 'root';
  if (file.children) {
    const folders = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: `Save ${name} Here`, title: `Save directory /${file.path}` });
    if (!folders?.[0]) return;
    const target = path.join(folders[0].fsPath, name);
    const result = await withCancellableProgress(`Saving /${file.path}`, (operation) => saveDirectory(image, context.view, file, target, operation));
    void vscode.window.showInformationMessage(`Saved ${result.written} files to ${target}${result.skipped ? `; skipped ${result.skipped} links, devices and other special files` : ''}.`);
    return;
  }
  const target = await vscode.window.showSaveDialog({ title: `Save /${file.path}`, defaultUri: vscode.Uri.file(path.join(os.homedir(), name)) });
  if (!target) return;
  await withCancellableProgress(`Saving ${name}`, async (operation) => {
    const { file: resolved, data } = await openFile(image, context.view, file.path, operation);
    await saveStream(data, target.fsPath, resolved.entry.size, operation);
  });
  void vscode.window.showInformationMessage(`Saved /${file.path} to ${target.fsPath}.`);
}

/** An input box with validation, offering recent references first. */
async function askForReference(registry: RegistryAccess): Promise<string | undefined> {
  const recent = registry.recent();
  if (recent.length > 0) {
    const typeNew = '$(edit) Type a reference…';
    const choice = await vscode.window.showQuickPick([typeNew, ...recent], { title: 'Open Remote Image', placeHolder: 'A recent reference, or type a new one' });
    if (choice === undefined) return undefined;
    if (choice !== typeNew) return choice;
  }
  return vscode.window.showInputBox({
    title: 'Open Remote Image',
    prompt: 'An image reference: alpine:3.20, ghcr.io/org/app@sha256:…, localhost:5000/x',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? undefined : (() => {
      const result = normaliseReference(value);
      return 'error' in result ? result.error : undefined;
    })()),
  });
}
