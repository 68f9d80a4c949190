/**
 * One layer's entries sorted into what applying the layer does (image-spec layer.md "Applying
 * Changesets"): files to add or replace, whiteouts and opaque markers that act on the layers
 * below. Paths are cleaned the way an extracting tar would; a path given twice keeps its last
 * header, as extraction overwrites.
 */
import { normalizeEntryPath } from '../tar/paths';
import type { TarEntry } from '../tar/tarEntry';
import { parentPath } from './pathTree';
import { entryRole, type EntryRole } from './whiteout';

const FILE_ROLE: EntryRole = { role: 'file' };

export interface LayerContent {
  /** Files, directories, links and devices by clean path ('' is the root directory's own header). */
  files: Map<string, TarEntry>;
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
  const content: LayerContent = { files: new Map(), whiteouts: [], opaques: [], problems: [] };
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
    const role = options.keepMarkers ? FILE_ROLE : entryRole(path);
    if (role.role === 'file') {
      // Map.set keeps the first position and takes the last header: the last one wins.
      content.files.set(path, entry);
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
  const checked = new Set<string>();
  const check = (path: string) => {
    for (let ancestor = parentPath(path); ancestor !== '' && !checked.has(ancestor); ancestor = parentPath(ancestor)) {
      checked.add(ancestor);
      const entry = content.files.get(ancestor);
      if (entry === undefined) continue;
      if (entry.type === 'directory') break;
      content.files.delete(ancestor);
      problem(`${ancestor} is a ${entry.type} but the layer also has entries beneath it; it is read as a directory`);
    }
  };
  for (const path of content.files.keys()) check(path);
  for (const target of content.whiteouts) check(target);
  for (const directory of content.opaques) check(`${directory}/.`);
}
