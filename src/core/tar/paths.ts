/**
 * Archive paths as keys of a file tree. Tar stores whatever the writer gave it: "./etc/",
 * "/usr/bin", "a//b", "x/../y", even "../../etc/passwd". We resolve them the way an extracting
 * tar would, rooted at the image: a leading '/' or './' is dropped, '.' and empty segments
 * vanish, '..' removes the previous segment, and '..' at the root is an escape attempt (GNU tar
 * refuses such members; "Zip Slip"), reported as undefined so callers can refuse or flag it.
 */

export interface EntryPathCheck {
  /** The clean relative path ('' for the root), or undefined when the path climbs above the root. */
  path: string | undefined;
  /** The stored path started with '/'. */
  absolute: boolean;
  /** Some '..' segment would have left the root. */
  escapes: boolean;
  /** The stored path ended with '/' (a directory, by the old tar convention). */
  trailingSlash: boolean;
}

/** A path needs work if it has a leading '/' or '.', an empty, '.' or '..' segment, or a trailing '/'. */
function isClean(path: string): boolean {
  if (path === '') return true;
  const first = path.charCodeAt(0);
  if (first === 0x2f || first === 0x2e) return false;
  if (path.charCodeAt(path.length - 1) === 0x2f) return false;
  return path.indexOf('//') === -1 && path.indexOf('/.') === -1;
}

export function checkEntryPath(path: string): EntryPathCheck {
  const absolute = path.startsWith('/');
  const trailingSlash = path.endsWith('/');
  if (path.includes('\0')) return { path: undefined, absolute, escapes: false, trailingSlash };
  if (isClean(path)) return { path, absolute, escapes: false, trailingSlash };
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return { path: undefined, absolute, escapes: true, trailingSlash };
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  return { path: segments.join('/'), absolute, escapes: false, trailingSlash };
}

/**
 * The clean relative form of an entry path ("./a//b/" -> "a/b", "/" -> ""), or undefined when it
 * tries to escape the root ("../x", "a/../../x") or holds a NUL.
 */
export function normalizeEntryPath(path: string): string | undefined {
  if (isClean(path) && !path.includes('\0')) return path;
  // A directory's "name/" is the common unclean case: one slice, not a split and join.
  if (path.length > 1 && path.charCodeAt(path.length - 1) === 0x2f) {
    const withoutSlash = path.slice(0, -1);
    if (isClean(withoutSlash) && !withoutSlash.includes('\0')) return withoutSlash;
  }
  return checkEntryPath(path).path;
}

/**
 * Where a symlink at `entryPath` pointing to `linkname` leads inside the image: absolute targets
 * start at the image root, relative ones at the link's directory, and '..' at the root stays at
 * the root, as path resolution does inside a container's root (path_resolution(7)).
 * Undefined only when `entryPath` itself is unsafe.
 */
export function resolveLinkTarget(entryPath: string, linkname: string): string | undefined {
  const directory = normalizeEntryPath(entryPath);
  if (directory === undefined || linkname.includes('\0')) return undefined;
  const segments = linkname.startsWith('/') || directory === '' ? [] : directory.split('/').slice(0, -1);
  for (const segment of linkname.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}
