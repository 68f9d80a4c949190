/**
 * Path lookup inside an image, following links the way the kernel does inside a container's
 * root (path_resolution(7)): a symlink anywhere in a path is replaced by its target, an absolute
 * target starts again at the image root, `..` at the root stays at the root, so nothing resolves
 * outside the image. At most 40 links are followed (Linux's MAXSYMLINKS); cycles and longer
 * chains are 'link-loop' errors, links to nothing 'missing-blob' errors that say which link.
 * A hard link reads the data of the file it names (see FileSystemView.hardLinkTarget).
 */
import { ImageError } from '../errors';
import { normalizeEntryPath } from '../tar/paths';
import { parentPath, type FileNode } from './pathTree';
import type { FileSystemView, LinkedFile } from './view';

/** Linux's MAXSYMLINKS: the most links one lookup follows. */
export const MAX_LINKS = 40;

export interface LookupOptions {
  /** Follow a symlink that is the last component too (like stat/open), not only those on the way (like lstat). */
  followFinal: boolean;
  maxLinks?: number;
  /** The image location, named in errors. */
  source?: string;
}

/** Follows links on the way; for errors, the chain so far. */
class Walk {
  readonly followed: string[] = [];
  /** Each link followed, with what remained of the path then: the same pair again is a cycle. */
  private readonly states = new Set<string>();

  constructor(
    private readonly view: FileSystemView,
    private readonly requested: string,
    private readonly options: LookupOptions,
  ) {}

  /** `rest`: the segments still to walk after the link (a link can be passed twice, as in "up/up"). */
  follow(link: string, target: string, rest = ''): void {
    const step = `${link} -> ${target}`;
    const state = `${link}\0${rest}`;
    const cycle = this.states.has(state);
    this.states.add(state);
    this.followed.push(step);
    if (cycle || this.followed.length > (this.options.maxLinks ?? MAX_LINKS)) {
      const chain = this.followed.slice(0, 6).join(', ') + (this.followed.length > 6 ? ', …' : '');
      const what = cycle ? 'the links form a cycle' : `more than ${this.options.maxLinks ?? MAX_LINKS} links followed in one lookup`;
      throw new ImageError('link-loop', `cannot resolve in ${this.view.description}: ${what} (${chain})`, this.context());
    }
  }

  missing(path: string, reason = 'is not there'): ImageError {
    const last = this.followed[this.followed.length - 1];
    const via = last === undefined ? '' : ` (dangling link: ${last})`;
    // The error names the requested path already; repeat the path only when it is another one.
    const what = last === undefined && path === normalizeEntryPath(this.requested) ? '' : `${path === '' ? '/' : path} `;
    return new ImageError('missing-blob', `${what}${reason} in ${this.view.description}${via}`, this.context());
  }

  private context(): { source?: string; subject: string } {
    return { source: this.options.source, subject: this.requested };
  }
}

/** The node `path` names, following symlinks on the way (and the last one with `followFinal`). */
export function lookupPath(view: FileSystemView, path: string, options: LookupOptions): FileNode {
  return lookup(view, path, options, new Walk(view, path, options));
}

function lookup(view: FileSystemView, path: string, options: LookupOptions, walk: Walk): FileNode {
  const root = view.get('') as FileNode;
  // Segments still to walk, the next one last (targets are pushed in front of what remains).
  const pending = path.split('/').reverse();
  let directory = root;
  let node = root;
  while (pending.length > 0) {
    const segment = pending.pop() as string;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      directory = view.get(parentPath(directory.path)) ?? root;
      node = directory;
      continue;
    }
    const childPath = directory.path === '' ? segment : `${directory.path}/${segment}`;
    const child = view.get(childPath);
    if (child === undefined) throw walk.missing(childPath);
    // "a/link/" and "a/link/." follow the link even without followFinal, as POSIX says.
    const last = pending.length === 0;
    if (child.entry?.type === 'symlink' && (!last || options.followFinal)) {
      const target = child.entry.linkname;
      walk.follow(childPath, target, pending.join('/'));
      if (target === '') throw walk.missing(childPath, 'is a symbolic link with an empty target, which leads nowhere');
      if (target.startsWith('/')) directory = root;
      pending.push(...target.split('/').reverse());
      node = directory;
      continue;
    }
    if (!last && child.children === undefined) throw walk.missing(childPath + '/' + pending.reverse().join('/'), `is not there: ${childPath} is a ${child.entry?.type ?? 'file'}, not a directory,`);
    node = child;
    if (child.children !== undefined) directory = child;
  }
  return node;
}

/**
 * The data behind `path`: symlinks followed (final one included), hard links followed to the
 * file they share data with. Throws unless that is a regular file.
 */
export function resolveFile(view: FileSystemView, path: string, options: Omit<LookupOptions, 'followFinal'> = {}): LinkedFile {
  const lookupOptions = { ...options, followFinal: true };
  const walk = new Walk(view, path, lookupOptions);
  let node = lookup(view, path, lookupOptions, walk);
  let file: LinkedFile | undefined = node.entry === undefined ? undefined : { path: node.path, entry: node.entry, layer: node.layer };
  while (file?.entry.type === 'hardlink' || file?.entry.type === 'symlink') {
    if (file.entry.type === 'symlink') {
      // A hard link to a symlink is that symlink, read where the hard link is.
      walk.follow(file.path, file.entry.linkname);
      const target = file.entry.linkname;
      node = lookup(view, target.startsWith('/') ? target : `${parentPath(node.path)}/${target}`, lookupOptions, walk);
      file = node.entry === undefined ? undefined : { path: node.path, entry: node.entry, layer: node.layer };
      continue;
    }
    const targetPath = normalizeEntryPath(file.entry.linkname);
    walk.follow(file.path, file.entry.linkname);
    const linked = targetPath === undefined ? undefined : view.hardLinkTarget(file.layer, targetPath);
    if (linked === undefined) throw walk.missing(targetPath ?? file.entry.linkname, `(the target of hard link ${file.path}) is not there`);
    file = linked;
  }
  if (file === undefined || (file.entry.type !== 'file' && file.entry.type !== 'contiguous')) {
    const type = file?.entry.type ?? 'directory';
    throw new ImageError('usage', `${node.path === '' ? '/' : node.path} in ${view.description} is a ${type}; only regular files have content to read`, { source: options.source, subject: path });
  }
  return file;
}
