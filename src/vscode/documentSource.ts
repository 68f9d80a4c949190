import * as path from 'node:path';
import type * as vscode from 'vscode';
import { splitSourcePrefix } from '../core/sources/openSource';
import { fromImageUri } from './imageUri';
import type { MountedSource, SourceManager } from './sourceManager';

/**
 * The mounted source a document belongs to: the one in a `container-image:` URI (mounting it if
 * needed), or a mounted layout directory that contains a plain file (its index.json or a blob).
 */
export async function sourceOfDocument(sources: SourceManager, uri: vscode.Uri): Promise<MountedSource | undefined> {
  const location = fromImageUri(uri);
  if (location) return sources.mount(location.source).catch(() => undefined);
  if (uri.scheme !== 'file') return undefined;
  return sources.list().find((mounted) => {
    const directory = splitSourcePrefix(mounted.spec).location;
    return (mounted.source.kind === 'oci-layout' || mounted.source.kind === 'dir') && (uri.fsPath === directory || uri.fsPath.startsWith(directory + path.sep));
  });
}
