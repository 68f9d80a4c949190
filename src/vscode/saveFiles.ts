import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { OperationOptions } from '../core/cancellation';
import { throwIfCancelled } from '../core/cancellation';
import { openFile, type FileNode, type ImageLayers, type LayerView, type MergedFilesystem } from '../core/filesystem';
import { saveStream } from './saveStream';

/**
 * Writes a directory of an image to a folder the user chose. Only directories and regular files
 * (hard links as copies) are written, under names built from clean image paths joined below the
 * chosen folder and checked to stay inside it; symlinks, devices and FIFOs are skipped, so nothing
 * from an archive can point or write outside what the user picked.
 */
export async function saveDirectory(image: ImageLayers, view: LayerView | MergedFilesystem, directory: FileNode, target: string, options: OperationOptions): Promise<{ written: number; skipped: number }> {
  const base = path.resolve(target);
  const prefix = directory.path === '' ? '' : `${directory.path}/`;
  let written = 0;
  let skipped = 0;
  const stack: FileNode[] = [directory];
  while (stack.length > 0) {
    throwIfCancelled(options.signal, 'saving');
    const node = stack.pop() as FileNode;
    const relative = node.path.startsWith(prefix) ? node.path.slice(prefix.length) : node.path === directory.path ? '' : undefined;
    if (relative === undefined) continue;
    const destination = path.resolve(base, relative);
    if (destination !== base && !destination.startsWith(base + path.sep)) {
      skipped++;
      continue;
    }
    if (node.children) {
      await fs.mkdir(destination, { recursive: true });
      stack.push(...node.children.values());
    } else if (node.entry && (node.entry.type === 'file' || node.entry.type === 'hardlink' || node.entry.type === 'contiguous')) {
      const { file, data } = await openFile(image, view, node.path, { signal: options.signal });
      await saveStream(data, destination, file.entry.size, { signal: options.signal });
      written++;
      options.progress?.({ message: `${written} files`, done: written });
    } else skipped++;
  }
  return { written, skipped };
}
