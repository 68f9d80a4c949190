/**
 * The third-party conformance corpus (../shared/corpus, read-only, never copied into the repo):
 * its README's "### `path`" headings, the section each sits in, and what is really on disk.
 */
import { existsSync, openSync, readFileSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { listTar } from './tools';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/corpus');

export interface CorpusEntry {
  /** As written in the heading, without a trailing slash. */
  path: string;
  /** `1`, `2`, `3a`, … `6c`, `7`. */
  section: string;
  sectionTitle: string;
  /** The heading says "(directory, N files)" or the path ends in '/'. */
  directory: boolean;
  producedBy: string;
  exercises: string;
  found: string;
  /** The whole description, for "does the README call it negative". */
  text: string;
}

const SECTION = /^## (\d+[a-z]?)\. (.*)$/;
const HEADING = /^### `([^`]+)`(.*)$/;

/** Every "### `path`" heading of the README, with its section and its bullet fields. */
export function parseCorpusReadme(text: string): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  let section = '';
  let sectionTitle = '';
  let current: CorpusEntry | undefined;
  for (const line of text.split('\n')) {
    const sectionMatch = SECTION.exec(line);
    if (sectionMatch) {
      [, section, sectionTitle] = sectionMatch;
      current = undefined;
      continue;
    }
    if (line.startsWith('## ')) {
      // "## Entries", "## Repositories and licences": not an entry section.
      section = '';
      current = undefined;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      if (section === '') continue;
      const raw = heading[1];
      current = {
        path: raw.replace(/\/+$/, ''),
        section,
        sectionTitle,
        directory: raw.endsWith('/') || /\(directory\b/.test(heading[2]),
        producedBy: '',
        exercises: '',
        found: '',
        text: '',
      };
      entries.push(current);
      continue;
    }
    if (!current) continue;
    current.text += `${line}\n`;
    const field = /^\* (Produced by|Exercises|Found \(own inspection\)): (.*)$/.exec(line);
    if (field?.[1] === 'Produced by') current.producedBy = field[2];
    else if (field?.[1] === 'Exercises') current.exercises = field[2];
    else if (field) current.found = field[2];
  }
  return entries;
}

export function readCorpusEntries(corpusDir = CORPUS_DIR): CorpusEntry[] {
  return parseCorpusReadme(readFileSync(path.join(corpusDir, 'README.md'), 'utf8'));
}

/** The sections the conformance run covers (section 7, raw JSON, only for its directories). */
export const IMAGE_SECTIONS = new Set(['1', '2', '3a', '3b', '3c', '4', '5', '6a', '6b', '6c']);

export function isCovered(entry: CorpusEntry): boolean {
  return IMAGE_SECTIONS.has(entry.section) || (entry.section === '7' && entry.directory);
}

/** What the bytes on disk are, decided by content (magic bytes, files present), never by name. */
export type EntryShape =
  | 'layout-dir' // a directory with index.json
  | 'dir-transport' // containers/image `dir:` (manifest.json + blobs named by hex), no index.json
  | 'json-dir' // a directory of JSON documents that is neither
  | 'image-archive' // a tar (maybe compressed) with manifest.json, index.json or repositories at its top
  | 'bare-tar' // a tar (maybe compressed) with none of those: a layer, a rootfs, a tar-format test
  | 'json' // a JSON document (or an empty file named .json)
  | 'other-file' // anything else
  | 'absent';

/** The role the conformance table gives an entry. */
export type EntryRole = 'image-source' | 'bare-layer' | 'raw-json' | 'negative';

export interface Classified {
  shape: EntryShape;
  role: EntryRole;
  compression: 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2';
  /** Top-level names of an archive (from GNU tar) or a directory. */
  top: string[];
  /** Number of entries GNU tar lists (archives only). */
  tarEntries?: number;
  /** GNU tar could not list the archive to its end. */
  tarError?: string;
}

function head(file: string, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

export function compressionOf(bytes: Buffer): Classified['compression'] {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
  if (bytes.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (bytes.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  return 'none';
}

function isTarHeader(block: Buffer): boolean {
  if (block.length < 512) return false;
  if (block.subarray(257, 262).toString('latin1') === 'ustar') return true;
  const stored = parseInt(block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/g, '').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let index = 0; index < 512; index++) sum += index >= 148 && index < 156 ? 32 : block[index];
  return sum === stored;
}

const IMAGE_MARKERS = ['manifest.json', 'index.json', 'repositories'];

export function classifyEntry(entry: CorpusEntry, corpusDir = CORPUS_DIR): Classified {
  const full = path.join(corpusDir, entry.path);
  const negative = entry.section === '6c';
  const role = (natural: EntryRole): EntryRole => (negative ? 'negative' : natural);
  if (!existsSync(full)) return { shape: 'absent', role: role('image-source'), compression: 'none', top: [] };
  if (statSync(full).isDirectory()) {
    const top = readdirSync(full).sort();
    if (top.includes('index.json')) return { shape: 'layout-dir', role: role('image-source'), compression: 'none', top };
    if (top.includes('manifest.json')) return { shape: 'dir-transport', role: role('image-source'), compression: 'none', top };
    return { shape: 'json-dir', role: role('raw-json'), compression: 'none', top };
  }
  const bytes = head(full, 1024);
  const compression = compressionOf(bytes);
  if (compression !== 'none' || isTarHeader(bytes)) {
    const listing = listTar(full);
    const top = [...new Set(listing.entries.map((item) => item.path.replace(/^(\.\/)+/, '').split('/')[0]).filter((name) => name !== '' && name !== '.'))].sort();
    const isImage = IMAGE_MARKERS.some((marker) => listing.entries.some((item) => item.path.replace(/^(\.\/)+/, '') === marker));
    return {
      shape: isImage ? 'image-archive' : 'bare-tar',
      role: role(isImage ? 'image-source' : 'bare-layer'),
      compression,
      top,
      tarEntries: listing.entries.length,
      tarError: listing.error,
    };
  }
  const text = bytes.toString('utf8').trimStart();
  if (bytes.length === 0 || text.startsWith('{') || text.startsWith('[')) return { shape: 'json', role: role('raw-json'), compression, top: [] };
  return { shape: 'other-file', role: role('raw-json'), compression, top: [] };
}
