import * as vscode from 'vscode';
import { describeError, isImageError } from '../core/errors';
import { readBlob } from '../core/sources/readBlob';
import { fromImageUri, IMAGE_SCHEME, type ImageLocation } from './imageUri';
import type { Log } from './log';
import type { MountedSource, SourceManager } from './sourceManager';

/** Blobs are immutable (content-addressed), so every file reports the same times. */
const IMMUTABLE_TIME = 0;

/**
 * The read-only file system behind `container-image:` URIs. It mounts a URI's source on demand
 * (waiting for a mount already under way), which is what restores editors after a window reload.
 * `stat` answers from the index, never by reading content.
 */
export class ImageFileSystemProvider implements vscode.FileSystemProvider {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changeEmitter.event;

  constructor(
    private readonly sources: SourceManager,
    private readonly log: Log,
  ) {}

  static register(sources: SourceManager, log: Log): vscode.Disposable {
    return vscode.workspace.registerFileSystemProvider(IMAGE_SCHEME, new ImageFileSystemProvider(sources, log), { isReadonly: true, isCaseSensitive: true });
  }

  private async resolve(uri: vscode.Uri): Promise<{ location: ImageLocation; mounted: MountedSource }> {
    const location = fromImageUri(uri);
    if (!location) throw vscode.FileSystemError.FileNotFound(`${uri.toString()} is not a Container Image Explorer address`);
    try {
      return { location, mounted: await this.sources.mount(location.source) };
    } catch (error) {
      this.log.error(`Cannot open ${location.source} for ${uri.toString()}`, error);
      throw vscode.FileSystemError.FileNotFound(`${describeError(error)}`);
    }
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { location, mounted } = await this.resolve(uri);
    if (location.target.type !== 'blob') throw vscode.FileSystemError.FileNotFound(`${uri.path}: layer files are not readable in this version`);
    const stat = await mounted.source.stat(location.target.digest);
    if (!stat) throw vscode.FileSystemError.FileNotFound(`${location.target.digest} is not in ${mounted.label}`);
    // A formatted view's size is only known after formatting; it is small JSON, so format it.
    const size = location.target.formatted ? (await this.readFile(uri)).length : stat.size;
    return { type: vscode.FileType.File, size, ctime: IMMUTABLE_TIME, mtime: IMMUTABLE_TIME, permissions: vscode.FilePermission.Readonly };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { location, mounted } = await this.resolve(uri);
    if (location.target.type !== 'blob') throw vscode.FileSystemError.FileNotFound(`${uri.path}: layer files are not readable in this version`);
    const limit = vscode.workspace.getConfiguration('containerImageExplorer').get<number>('maxDocumentSize', 50 * 1024 * 1024);
    try {
      const bytes = await readBlob(mounted.source, location.target.digest, limit);
      return location.target.formatted ? formatJson(bytes) : bytes;
    } catch (error) {
      this.log.error(`Cannot read ${location.target.digest} from ${mounted.spec}`, error);
      if (isImageError(error, 'missing-blob')) throw vscode.FileSystemError.FileNotFound(describeError(error));
      throw vscode.FileSystemError.Unavailable(describeError(error));
    }
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    throw vscode.FileSystemError.FileNotADirectory(uri);
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

/** Pretty-prints JSON (two spaces, key order kept); bytes that are not JSON are returned as they are. */
export function formatJson(bytes: Uint8Array): Uint8Array {
  try {
    return Buffer.from(`${JSON.stringify(JSON.parse(Buffer.from(bytes).toString('utf8')), null, 2)}\n`);
  } catch {
    return bytes;
  }
}
