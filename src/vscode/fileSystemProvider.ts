import * as vscode from 'vscode';
import { isUnread } from '../core/model/imageGraph';
import { describeError, isImageError } from '../core/errors';
import { lookupPath, openFile, resolveFile, type FileNode, type FileSystemView } from '../core/filesystem';
import { readBlob } from '../core/sources/readBlob';
import { readAttestationPart } from './attestationDocuments';
import { fromImageUri, IMAGE_SCHEME, type ImageLocation } from './imageUri';
import type { ImageFilesystems } from './imageFilesystems';
import type { Log } from './log';
import type { MountedSource, SourceManager } from './sourceManager';
import { DerivedDocuments } from './derivedDocuments';

/** Blobs are immutable (content-addressed), so blob files report a fixed time. */
const IMMUTABLE_TIME = 0;

/**
 * The read-only file system behind `container-image:` URIs. It mounts a URI's source on demand
 * (waiting for a mount already under way), which is what restores editors after a window reload.
 * `stat` and `readDirectory` answer from indexes, never by reading file contents.
 */
export class ImageFileSystemProvider implements vscode.FileSystemProvider {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  private readonly derived = new DerivedDocuments();
  readonly onDidChangeFile = this.changeEmitter.event;

  constructor(
    private readonly sources: SourceManager,
    private readonly filesystems: ImageFilesystems,
    private readonly log: Log,
  ) {}

  static register(sources: SourceManager, filesystems: ImageFilesystems, log: Log): vscode.Disposable {
    return vscode.workspace.registerFileSystemProvider(IMAGE_SCHEME, new ImageFileSystemProvider(sources, filesystems, log), { isReadonly: true, isCaseSensitive: true });
  }

  private async resolve(uri: vscode.Uri): Promise<{ location: ImageLocation; mounted: MountedSource }> {
    const location = fromImageUri(uri);
    if (!location) throw vscode.FileSystemError.FileNotFound(`${uri.toString()} is not a Container Image Explorer address`);
    try {
      return { location, mounted: await this.sources.mount(location.source) };
    } catch (error) {
      this.log.error(`Cannot open ${location.source} for ${uri.toString()}`, error);
      throw vscode.FileSystemError.FileNotFound(describeError(error));
    }
  }

  /** The layer's or image's view and the clean path inside it. */
  private async view(location: ImageLocation, mounted: MountedSource): Promise<{ view: FileSystemView; path: string }> {
    const { target } = location;
    if (target.type === 'blob' || target.type === 'attestation') throw vscode.FileSystemError.FileNotADirectory(target.digest);
    try {
      const view = target.type === 'layer' ? await this.filesystems.layerView(mounted, target.layerDigest) : await this.filesystems.mergedView(mounted, target.imageDigest);
      return { view, path: target.path };
    } catch (error) {
      this.log.error(`Cannot index ${target.type === 'layer' ? target.layerDigest : target.imageDigest} of ${mounted.spec}`, error);
      throw isImageError(error, 'missing-blob') ? vscode.FileSystemError.FileNotFound(describeError(error)) : vscode.FileSystemError.Unavailable(describeError(error));
    }
  }

  private lookup(view: FileSystemView, path: string, mounted: MountedSource, followFinal: boolean): FileNode {
    try {
      return lookupPath(view, path, { followFinal, source: mounted.spec });
    } catch (error) {
      throw vscode.FileSystemError.FileNotFound(describeError(error));
    }
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { location, mounted } = await this.resolve(uri);
    if (location.target.type === 'blob') {
      const stat = await mounted.source.stat(location.target.digest);
      if (!stat) throw vscode.FileSystemError.FileNotFound(`${location.target.digest} is not in ${mounted.label}`);
      // A formatted view's size is only known after formatting (kept for the readFile that follows).
      const size = location.target.formatted ? (await this.readFile(uri)).length : stat.size;
      return { type: vscode.FileType.File, size, ctime: IMMUTABLE_TIME, mtime: IMMUTABLE_TIME, permissions: vscode.FilePermission.Readonly };
    }
    if (location.target.type === 'attestation') {
      const size = (await this.readFile(uri)).length;
      return { type: vscode.FileType.File, size, ctime: IMMUTABLE_TIME, mtime: IMMUTABLE_TIME, permissions: vscode.FilePermission.Readonly };
    }
    const { view, path } = await this.view(location, mounted);
    const node = this.lookup(view, path, mounted, false);
    let target = node;
    if (node.entry?.type === 'symlink') {
      try {
        target = lookupPath(view, path, { followFinal: true, source: mounted.spec });
      } catch {
        // A dangling link is still a link: show it as an empty file.
      }
    }
    const stat = statOf(node, target);
    if (target.entry?.type === 'hardlink') {
      try {
        stat.size = resolveFile(view, path, { source: mounted.spec }).entry.size;
      } catch {
        // A hard link whose target is missing reads as empty.
      }
    }
    return stat;
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const { location, mounted } = await this.resolve(uri);
    const { view, path } = await this.view(location, mounted);
    const node = this.lookup(view, path, mounted, true);
    if (!node.children) throw vscode.FileSystemError.FileNotADirectory(uri);
    return [...node.children.values()].map((child) => [child.path.slice(child.path.lastIndexOf('/') + 1), fileTypeOf(child)]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { location, mounted } = await this.resolve(uri);
    const limit = vscode.workspace.getConfiguration('containerImageExplorer').get<number>('maxDocumentSize', 50 * 1024 * 1024);
    const { target } = location;
    if (target.type === 'blob') {
      try {
        // Reading a registry image's unread manifest is looking at it: the graph learns what it
        // references (links and hovers in the document then know its config and layers).
        const node = mounted.nodes.get(target.digest);
        if (node && isUnread(mounted.graph, node)) await mounted.expand([target.digest]);
        if (!target.formatted) return await readBlob(mounted.source, target.digest, limit);
        return await this.derived.get(uri.toString(), async () => formatJson(await readBlob(mounted.source, target.digest, limit)));
      } catch (error) {
        this.log.error(`Cannot read ${target.digest} from ${mounted.spec}`, error);
        if (isImageError(error, 'missing-blob')) throw vscode.FileSystemError.FileNotFound(describeError(error));
        throw vscode.FileSystemError.Unavailable(describeError(error));
      }
    }
    if (target.type === 'attestation') {
      try {
        return await this.derived.get(uri.toString(), () => readAttestationPart(mounted, target.digest, target.part, limit));
      } catch (error) {
        this.log.error(`Cannot read attestation ${target.digest} (${target.part}) from ${mounted.spec}`, error);
        if (isImageError(error, 'missing-blob')) throw vscode.FileSystemError.FileNotFound(describeError(error));
        throw vscode.FileSystemError.Unavailable(describeError(error));
      }
    }
    const { view, path } = await this.view(location, mounted);
    let file;
    try {
      file = resolveFile(view, path, { source: mounted.spec });
    } catch (error) {
      throw vscode.FileSystemError.FileNotFound(describeError(error));
    }
    if (file.entry.size > limit) {
      throw vscode.FileSystemError.Unavailable(`${path} is ${file.entry.size} bytes, more than containerImageExplorer.maxDocumentSize (${limit}); use Save As… instead`);
    }
    const image = target.type === 'layer' ? this.filesystems.layerImage(mounted, target.layerDigest) : this.filesystems.imageLayers(mounted, target.imageDigest);
    try {
      const { data } = await openFile(image, view, path);
      const chunks: Buffer[] = [];
      for await (const chunk of data) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (error) {
      this.log.error(`Cannot read ${path} from ${mounted.spec}`, error);
      throw vscode.FileSystemError.Unavailable(describeError(error));
    }
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(oldUri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(oldUri);
  }
}

export function fileTypeOf(node: FileNode): vscode.FileType {
  if (node.children) return vscode.FileType.Directory;
  if (node.entry?.type === 'symlink') return vscode.FileType.SymbolicLink | vscode.FileType.File;
  return vscode.FileType.File;
}

function statOf(node: FileNode, target: FileNode): vscode.FileStat {
  const link = node.entry?.type === 'symlink' ? vscode.FileType.SymbolicLink : 0;
  const type = (target.children ? vscode.FileType.Directory : vscode.FileType.File) | link;
  const mtime = Math.round((target.entry?.mtime ?? 0) * 1000);
  return { type, size: target.children ? 0 : (target.entry?.size ?? 0), ctime: mtime, mtime, permissions: vscode.FilePermission.Readonly };
}

/** Pretty-prints JSON (two spaces, key order kept); bytes that are not JSON are returned as they are. */
export function formatJson(bytes: Uint8Array): Uint8Array {
  try {
    return Buffer.from(`${JSON.stringify(JSON.parse(Buffer.from(bytes).toString('utf8')), null, 2)}\n`);
  } catch {
    return bytes;
  }
}
