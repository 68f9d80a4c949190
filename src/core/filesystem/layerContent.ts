/**
 * One layer's entries sorted into what applying the layer does (image-spec layer.md "Applying
 * Changesets"): files to add or replace, whiteouts and opaque markers that act on the layers
 * below. Paths are cleaned the way an extracting tar would. Entries stay in archive order, a
 * path given twice included: applying them in order lets the last header win, as extraction does.
 */
import { normalizeEntryPath } from '../tar/paths';
import type { TarEntry } from '../tar/tarEntry';
import { parentPath } from './pathTree';
import { entryRole } from './whiteout';

export interface LayerContent {
  /** Clean paths ('' is the root directory's own header) of `entries`, position for position. */
  paths: string[];
  /** Files, directories, links and devices, in archive order. */
  entries: TarEntry[];
  /** Clean paths that `.wh.<name>` entries remove from the layers below. */
  whiteouts: string[];
  /** Directories ('' is the root) whose children from the layers below `.wh..wh..opq` removes. */
  opaques: string[];
  /** Entries left out, and why (unsafe paths, contradictions), for people to read. */
  problems: string[];
}

/** Problems listed per layer; more are counted, not kept (a hostile layer could have millions). */
const MAX_PROBLEMS = 100;

/**
 * Sorts a layer's entries. With `keepMarkers`, whiteout and opaque markers stay files (what the
 * layer's tar holds, for a view of the layer alone) and nothing acts on layers below.
 */
export function readLayerContent(entries: readonly TarEntry[], options: { keepMarkers?: boolean } = {}): LayerContent {
  const content: LayerContent = { paths: [], entries: [], whiteouts: [], opaques: [], problems: [] };
  let dropped = 0;
  const problem = (text: string) => {
    if (content.problems.length < MAX_PROBLEMS) content.problems.push(text);
    else dropped++;
  };
  for (const entry of entries) {
    const path = normalizeEntryPath(entry.path);
    if (path === undefined) {
      problem(`${JSON.stringify(entry.path)} climbs above the image root and is left out`);
      continue;
    }
    const role = options.keepMarkers ? 'file' : entryRole(path);
    if (role === 'file' || role.role === 'file') {
      content.paths.push(path);
      content.entries.push(entry);
    } else if (role.role === 'whiteout') content.whiteouts.push(role.target);
    else if (role.role === 'opaque') content.opaques.push(role.directory);
  }
  dropNonDirectoriesWithChildren(content, problem);
  if (dropped > 0) content.problems.push(`… and ${dropped} more problems`);
  return content;
}

/**
 * A layer that has both `a` (a file) and `a/b` contradicts itself: extraction would fail or
 * depend on order. Entries beneath a path imply a directory there (as overlay filesystems see
 * it), so the non-directory header is the one left out.
 */
function dropNonDirectoriesWithChildren(content: LayerContent, problem: (text: string) => void): void {
  // Every directory the layer has something in: parents of entries and whiteouts, opaque directories.
  const directories = new Set<string>();
  const addAncestors = (start: string) => {
    for (let directory = start; directory !== '' && !directories.has(directory); directory = parentPath(directory)) directories.add(directory);
  };
  for (const path of content.paths) addAncestors(parentPath(path));
  for (const target of content.whiteouts) addAncestors(parentPath(target));
  for (const directory of content.opaques) addAncestors(directory);
  const reported = new Set<string>();
  let kept = 0;
  for (let index = 0; index < content.paths.length; index++) {
    const path = content.paths[index];
    const entry = content.entries[index];
    if (entry.type !== 'directory' && directories.has(path)) {
      if (!reported.has(path)) problem(`${path} is a ${entry.type} but the layer also has entries beneath it; it is read as a directory`);
      reported.add(path);
      continue;
    }
    content.paths[kept] = path;
    content.entries[kept++] = entry;
  }
  content.paths.length = kept;
  content.entries.length = kept;
}
