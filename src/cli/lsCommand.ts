import { shortDigest } from '../core/digest';
import { ImageError } from '../core/errors';
import { loadLayerView, loadMergedFilesystem } from '../core/filesystem/imageFilesystem';
import { lookupPath } from '../core/filesystem/links';
import type { MergedFilesystem } from '../core/filesystem/mergedFilesystem';
import { IMPLIED_DIRECTORY_MODE, nodeType, type FileNode, type PathTree } from '../core/filesystem/pathTree';
import type { FileSystemView } from '../core/filesystem/view';
import { normalizeEntryPath } from '../core/tar/paths';
import type { CommandContext } from './command';
import { imageChoice, warnProblems, withImage, withLayer } from './imageSelection';
import { writeOut } from './output';

/**
 * `ls <source> <layer-digest> [path] [--json]`: the files of one layer (whiteout markers
 * included, as the layer's tar holds them); with `--toc`, its entries in archive order (see below).
 * `ls <source> --merged [--image <digest> | --platform os/arch[/variant]] [path] [--json]`: the
 * image's filesystem, its layers applied in order.
 *
 * `path` (a leading '/' is fine) limits the listing to that file or directory and everything
 * beneath it; symlinks on the way are followed, a final one only with a trailing '/'.
 *
 * `--json` prints an array, one object per entry, parents before children, names in order:
 *   { path, type, size, mode, uid, gid, mtime, linkname }
 * and, with --merged, also
 *   layer: digest of the layer the entry's header comes from,
 *   history: [{ layer: digest, change: 'added' | 'modified' | 'deleted' }], base layer first.
 * `path` has no leading '/' or './'; `type` is file, directory, symlink, hardlink,
 * character-device, block-device, fifo, contiguous or unknown; `mode` is the permission bits
 * as stored; `mtime` is seconds since the epoch; `linkname` is '' unless a link. Directories
 * no header names (implied by their children) show mode 0755, owner 0:0 and mtime 0.
 */
export async function lsCommand(context: CommandContext): Promise<number> {
  const { args, operation } = context;
  const json = args.flags.has('json');
  if (args.flags.has('merged')) {
    if (args.flags.has('toc')) throw new ImageError('usage', 'ls: --toc lists one layer (ls <source> <layer-digest> --toc), not the merged view');
    const [spec, path, extra] = args.positionals;
    if (spec === undefined) throw new ImageError('usage', 'ls needs <source> (and a layer digest, or --merged); see --help');
    if (extra !== undefined) throw new ImageError('usage', `ls: unexpected argument "${extra}"`);
    return withImage(spec, imageChoice(args, 'ls'), operation, async (image) => {
      const merged = await loadMergedFilesystem(image, operation);
      warnProblems(merged.problems, merged.layers.map((layer) => layer.digest));
      const nodes = selectNodes(merged, merged.tree, path, image.source.location);
      if (json) await writeJsonArray(nodes, (node) => mergedEntryJsonText(node, merged));
      else await writeLines(nodes, (node) => listingLine(node, `${layerLabel(merged, node.layer)}  `));
      return 0;
    });
  }
  const [spec, digest, path, extra] = args.positionals;
  if (spec === undefined || digest === undefined) throw new ImageError('usage', 'ls needs <source> <layer-digest> [path], or <source> --merged [path]; see --help');
  if (extra !== undefined) throw new ImageError('usage', `ls: unexpected argument "${extra}"`);
  if (args.flags.has('toc')) return listTableOfContents(spec, digest, path, context);
  return withLayer(spec, digest, imageChoice(args, 'ls'), operation, async (image, position) => {
    const view = await loadLayerView(image, position, operation);
    warnProblems([...new Array<string[]>(position).fill([]), [...view.problems]], image.layers.map((layer) => layer.digest));
    const nodes = selectNodes(view, view.tree, path, image.source.location);
    if (json) await writeJsonArray(nodes, (node) => entryJsonText(node));
    else await writeLines(nodes, (node) => listingLine(node, ''));
    return 0;
  });
}

/**
 * `ls <source> <layer-digest> [path] --toc`: the layer's table of contents as its index holds it:
 * every tar entry in archive order (duplicates and whiteout markers included, no implied
 * directories), `path` limiting it to that path and what is beneath it. JSON adds `offset`, where
 * the entry's data starts in the uncompressed tar. No tree is built, so this is the fast listing.
 */
async function listTableOfContents(spec: string, digest: string, path: string | undefined, context: CommandContext): Promise<number> {
  const { args, operation } = context;
  const prefix = path === undefined ? undefined : normalizeEntryPath(path);
  if (prefix === undefined && path !== undefined) throw new ImageError('usage', `ls: ${JSON.stringify(path)} climbs above the image root`);
  return withLayer(spec, digest, imageChoice(args, 'ls'), operation, async (image, position) => {
    const index = await image.reader.index(image.source, image.layers[position], operation);
    const nodes: FileNode[] = [];
    let unsafe = 0;
    for (const entry of index.entries) {
      const entryPath = normalizeEntryPath(entry.path);
      if (entryPath === undefined) unsafe++;
      else if (entryPath === '') continue; // the root's own header: left out, as ls leaves out the root
      else if (prefix === undefined || prefix === '' || entryPath === prefix || entryPath.startsWith(`${prefix}/`)) nodes.push({ path: entryPath, entry, layer: position, children: undefined });
    }
    if (unsafe > 0) process.stderr.write(`warning: layer ${shortDigest(digest)}: ${unsafe} entries climb above the image root and are left out\n`);
    if (args.flags.has('json')) await writeJsonArray(nodes, (node) => entryJsonText(node, `,"offset":${node.entry?.dataOffset ?? 0}`));
    else await writeLines(nodes, (node) => listingLine(node, ''));
    return 0;
  });
}

/** The node `path` names and everything beneath it (the whole tree, root left out, without a path). */
function selectNodes(view: FileSystemView, tree: PathTree, path: string | undefined, source: string): FileNode[] {
  const start = path === undefined ? tree.root : lookupPath(view, path, { followFinal: path.endsWith('/'), source });
  const nodes = [...tree.walk(start)];
  return start === tree.root ? nodes.slice(1) : nodes;
}

/**
 * The `ls --json` object of one entry (the shape documented above; stable: add fields, never
 * rename), with `more` (already JSON, starting with ',') before the '}'. Written out by hand: a
 * 200k-entry listing spent more time building and stringifying objects than parsing the layer
 * (test/unit/cliLsJson.test.ts checks it against JSON.stringify of the object).
 */
export function entryJsonText(node: FileNode, more = ''): string {
  const entry = node.entry;
  const number = (value: number | undefined, fallback: number) => (value === undefined ? fallback : Number.isFinite(value) ? value : 'null');
  const linkname = entry?.linkname ? JSON.stringify(entry.linkname) : '""';
  return `{"path":${JSON.stringify(node.path)},"type":"${nodeType(node)}","size":${number(entry?.size, 0)},"mode":${number(entry?.mode, IMPLIED_DIRECTORY_MODE)},"uid":${number(entry?.uid, 0)},"gid":${number(entry?.gid, 0)},"mtime":${number(entry?.mtime, 0)},"linkname":${linkname}${more}}`;
}

export function mergedEntryJsonText(node: FileNode, merged: MergedFilesystem): string {
  const history = merged.history(node.path).map((change) => ({ layer: merged.layers[change.layer].digest, change: change.change }));
  return entryJsonText(node, `,"layer":"${merged.layers[node.layer].digest}","history":${JSON.stringify(history)}`);
}

/** Output is flushed in pieces about this big: a 200k-entry listing never sits in memory as one string. */
const FLUSH_AT = 1024 * 1024;

/** Writes the text `piece` makes of each item, flushing as it goes. */
async function writePieces<T>(items: Iterable<T>, piece: (item: T, index: number) => string): Promise<void> {
  let pending = '';
  let index = 0;
  for (const item of items) {
    pending += piece(item, index++);
    if (pending.length >= FLUSH_AT) {
      await writeOut(pending);
      pending = '';
    }
  }
  if (pending !== '') await writeOut(pending);
}

async function writeLines<T>(items: Iterable<T>, line: (item: T) => string): Promise<void> {
  await writePieces(items, (item) => `${line(item)}\n`);
}

/**
 * A JSON array with one compact element per line (still one JSON document, and grep-able),
 * written as it is made.
 */
export async function writeJsonArray<T>(items: readonly T[], toJsonText: (item: T) => string): Promise<void> {
  if (items.length === 0) return writeOut('[]\n');
  await writePieces(items, (item, index) => `${index === 0 ? '[\n' : ',\n'}  ${toJsonText(item)}`);
  await writeOut('\n]\n');
}

function layerLabel(merged: MergedFilesystem, layer: number): string {
  return `#${layer} ${shortDigest(merged.layers[layer].digest)}`;
}

const TYPE_LETTERS: Record<string, string> = { directory: 'd', symlink: 'l', hardlink: 'h', 'character-device': 'c', 'block-device': 'b', fifo: 'p' };

/** One `ls -l`/`tar -tv` style line: permissions, owner, size, time, [layer,] path, link target. */
export function listingLine(node: FileNode, prefix: string): string {
  const entry = node.entry;
  const type = nodeType(node);
  const size = type === 'character-device' || type === 'block-device' ? `${entry?.devmajor ?? 0},${entry?.devminor ?? 0}` : String(entry?.size ?? 0);
  const owner = `${entry?.uname || entry?.uid || 0}/${entry?.gname || entry?.gid || 0}`;
  const link = type === 'symlink' ? ` -> ${entry?.linkname}` : type === 'hardlink' ? ` link to ${entry?.linkname}` : '';
  return `${TYPE_LETTERS[type] ?? '-'}${permissions(entry?.mode ?? IMPLIED_DIRECTORY_MODE)} ${owner.padEnd(13)} ${size.padStart(10)} ${formatTime(entry?.mtime ?? 0)}  ${prefix}${node.path}${link}`;
}

function permissions(mode: number): string {
  const bits = ['r', 'w', 'x', 'r', 'w', 'x', 'r', 'w', 'x'].map((letter, index) => ((mode >> (8 - index)) & 1 ? letter : '-'));
  if (mode & 0o4000) bits[2] = bits[2] === 'x' ? 's' : 'S';
  if (mode & 0o2000) bits[5] = bits[5] === 'x' ? 's' : 'S';
  if (mode & 0o1000) bits[8] = bits[8] === 'x' ? 't' : 'T';
  return bits.join('');
}

function formatTime(seconds: number): string {
  const date = new Date(Math.floor(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? '????-??-?? ??:??' : date.toISOString().slice(0, 16).replace('T', ' ');
}
