/**
 * Whiteouts, as OCI image-spec layer.md "Whiteouts" defines them: a file named `.wh.<name>`
 * removes `<name>` (and everything beneath it) from the layers below; a file named
 * `.wh..wh..opq` makes its directory opaque, removing the directory's children from the layers
 * below while keeping the directory itself. Neither is part of the filesystem. Other
 * `.wh..wh.` names are AUFS metadata (`.wh..wh.plnk`, `.wh..wh.aufs`), which Docker skips.
 */

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
const METADATA_PREFIX = '.wh..wh.';

export type EntryRole =
  /** A file, directory, link or device that belongs in the filesystem. */
  | { role: 'file' }
  /** `.wh.<name>`: `target` (a clean path) is removed from the layers below. */
  | { role: 'whiteout'; target: string }
  /** `.wh..wh..opq`: `directory`'s children from the layers below are removed ('' is the root). */
  | { role: 'opaque'; directory: string }
  /** AUFS bookkeeping, or a whiteout that names nothing (`.wh.`, `.wh..`): not part of the filesystem. */
  | { role: 'ignored'; reason: string };

const FILE: EntryRole = { role: 'file' };

/** What an entry at the clean path `path` is for. */
export function entryRole(path: string): EntryRole {
  if (!path.includes(WHITEOUT_PREFIX)) return FILE;
  const slash = path.lastIndexOf('/');
  const base = slash < 0 ? path : path.slice(slash + 1);
  const directory = slash < 0 ? '' : path.slice(0, slash);
  if (base === OPAQUE_MARKER) return { role: 'opaque', directory };
  // AUFS keeps hard link sources in /.wh..wh.plnk/ and such: the whole directory is metadata.
  if (base.startsWith(METADATA_PREFIX) || directory.startsWith(METADATA_PREFIX) || directory.includes(`/${METADATA_PREFIX}`)) return { role: 'ignored', reason: 'AUFS metadata' };
  if (!base.startsWith(WHITEOUT_PREFIX)) return FILE;
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') return { role: 'ignored', reason: `whiteout "${base}" names no file` };
  return { role: 'whiteout', target: directory === '' ? name : `${directory}/${name}` };
}
