import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import { DirectoryTree } from './directoryTree';
import { DirTransportSource } from './dirTransportSource';
import { DockerArchiveSource } from './dockerArchiveSource';
import { readManifestJson, type SavedImage } from './dockerSaveManifest';
import type { FileTree } from './fileTree';
import type { ImageSource, SourceRoot } from './imageSource';
import { convertV1Save } from './legacyV1Save';
import { blobPath, listLayoutBlobs, OciLayoutSource } from './ociLayoutSource';
import { openArchiveTree } from './openArchiveTree';
import { parseImageDocument } from '../model/manifest';
import { ReadLimits } from './limits';
import { looksLikeRegistryReference } from './registryReferenceSpec';
import type { RegistrySourceOptions } from './registrySource';

/** Transport prefixes, as skopeo spells them, that force how a path is read. */
export const SOURCE_PREFIXES = ['docker-archive', 'oci', 'oci-archive'] as const;
export type SourcePrefix = (typeof SOURCE_PREFIXES)[number];

export function splitSourcePrefix(spec: string): { prefix?: SourcePrefix; location: string } {
  const match = /^(docker-archive|oci-archive|oci):(.*)$/.exec(spec);
  if (!match) return { location: spec };
  return { prefix: match[1] as SourcePrefix, location: match[2] };
}

export interface OpenSourceOptions extends OperationOptions {
  /** Cache, insecure hosts and credentials for registry references; default: from the environment. */
  registry?: RegistrySourceOptions;
}

/**
 * Opens a path as an image source: an OCI layout directory, or an archive (docker save of any
 * generation, oci-archive), optionally gzip/zstd-compressed. What it is is decided by content,
 * unless a prefix (`docker-archive:`, `oci:`, `oci-archive:`) forces the kind. `docker://REF`, or
 * a spec that is no existing path and parses as an image reference, opens a registry image.
 */
export async function openSource(spec: string, options: OpenSourceOptions = {}): Promise<ImageSource> {
  if (spec.startsWith('docker://')) return registrySources().openRegistryReference(spec, options.registry, options);
  const { prefix, location: given } = splitSourcePrefix(spec);
  const location = path.resolve(given);
  let stats;
  try {
    stats = await fs.stat(location);
  } catch {
    if (!prefix && looksLikeRegistryReference(given)) return registrySources().openRegistryReference(given, options.registry, options, true);
    throw new ImageError('not-found', 'no such file or directory', { source: given });
  }
  if (stats.isDirectory()) {
    if (prefix && prefix !== 'oci') throw new ImageError('not-an-image', `is a directory, but ${prefix}: needs an archive file`, { source: given });
    return openLayoutDirectory(location, prefix === 'oci');
  }
  if (prefix === 'oci') throw new ImageError('not-an-image', 'is a file, but oci: needs a layout directory (use oci-archive: for a tar)', { source: given });
  const { tree, compression } = await openArchiveTree(location, options);
  try {
    return await classifyArchive(location, tree, compression === 'none' ? '' : `, ${compression}-compressed`, prefix, options);
  } catch (error) {
    await tree.close().catch(() => undefined);
    throw error;
  }
}

async function openLayoutDirectory(location: string, ociOnly = false): Promise<ImageSource> {
  const tree = new DirectoryTree(location);
  if ((await tree.size('index.json')) !== undefined) return new OciLayoutSource('oci-layout', location, 'OCI image layout', tree);
  // `oci:` forces the kind: a dir: directory or an extracted docker save is not read under it.
  if (!ociOnly && (await DirTransportSource.looksLikeOne(tree))) return new DirTransportSource(location, tree);
  if (!ociOnly && (await tree.size('manifest.json')) !== undefined) {
    return DockerArchiveSource.create(location, tree, 'docker save (extracted directory)', await readManifestJson(tree, location));
  }
  const names = (await tree.list('')).slice(0, 8).join(', ');
  throw new ImageError('not-an-image', `is a directory but not an OCI image layout: it has no index.json (it holds: ${names || 'nothing'})`, { source: location });
}

async function classifyArchive(location: string, tree: FileTree, suffix: string, prefix: SourcePrefix | undefined, options: OperationOptions): Promise<ImageSource> {
  const has = async (name: string) => (await tree.size(name)) !== undefined;
  const hasIndex = await has('index.json');
  const hasManifestJson = await has('manifest.json');
  if (prefix === 'docker-archive' && hasIndex && !hasManifestJson) {
    throw new ImageError('not-an-image', 'is not a docker-archive: it has no manifest.json (it is an oci-archive; open it with oci-archive: or without a prefix)', { source: location });
  }
  if (hasIndex && (prefix === 'oci-archive' || !hasManifestJson)) {
    return new OciLayoutSource('oci-archive', location, `oci-archive${suffix}`, tree);
  }
  if (prefix === 'oci-archive') throw new ImageError('not-an-image', 'is not an oci-archive: it has no index.json', { source: location });
  if (hasIndex && hasManifestJson) {
    // Docker 25+ and containerd write an OCI layout plus the classic manifest.json.
    const saved = await readManifestJson(tree, location);
    const layoutSource = new OciLayoutSource('docker-archive', location, '', tree);
    if ((await layoutSource.roots()).length === 0 && saved.length > 0) {
      // An index.json with no manifests (`"manifests": null`, seen in ggcr's hello-world-v25.tar):
      // manifest.json still describes the images: use the stored manifests whose config they name,
      // else read them the legacy way with synthesised manifests.
      const stored = await storedManifestRoots(tree, location, saved);
      if (stored) return new OciLayoutSource('docker-archive', location, `docker save (Docker 25+, empty index.json; images from manifest.json)${suffix}`, tree, undefined, stored);
      return DockerArchiveSource.create(location, tree, `docker save (Docker 25+, empty index.json; read via manifest.json)${suffix}`, saved, options);
    }
    const tagsByConfig = new Map(saved.map((image) => ['path' in image.config ? image.config.path : '', image.names] as const));
    const extraNames = async (root: SourceRoot) => repoTagsForRoot(tree, location, root, tagsByConfig);
    return new OciLayoutSource('docker-archive', location, `docker save (OCI layout inside, Docker 25+/containerd)${suffix}`, tree, extraNames);
  }
  if (hasManifestJson) return DockerArchiveSource.create(location, tree, `docker save${suffix}`, await readManifestJson(tree, location), options);
  if (await has('repositories')) return DockerArchiveSource.create(location, tree, `docker save (pre-1.10, no manifest.json)${suffix}`, await convertV1Save(tree, location, options), options);
  const top = (await tree.list('')).slice(0, 6).join(', ');
  throw new ImageError('not-an-image', `is a tar archive but not an image: it has no manifest.json, index.json or repositories (it holds: ${top || 'no files'})`, { source: location });
}

/** Docker 25 names images in manifest.json by config path; match them to index.json's manifests. */
async function repoTagsForRoot(tree: FileTree, location: string, root: SourceRoot, tagsByConfig: Map<string, string[]>): Promise<string[]> {
  if (root.names.length > 0 || !/^sha256:[a-f0-9]{64}$/.test(root.descriptor.digest)) return [];
  const manifestPath = `blobs/sha256/${root.descriptor.digest.slice(7)}`;
  if ((await tree.size(manifestPath)) === undefined) return [];
  try {
    const document = parseImageDocument(await tree.read(manifestPath, ReadLimits.manifest), root.descriptor.mediaType, { source: location, subject: root.descriptor.digest });
    if (document.type !== 'manifest') return [];
    return tagsByConfig.get(`blobs/sha256/${document.config.digest.slice(7)}`) ?? [];
  } catch {
    return [];
  }
}

/** For each manifest.json image, the stored manifest blob whose config is the image's config; undefined unless every image has one. */
async function storedManifestRoots(tree: FileTree, location: string, saved: SavedImage[]): Promise<SourceRoot[] | undefined> {
  const byConfig = new Map<string, SourceRoot>();
  for (const digest of await listLayoutBlobs(tree)) {
    const path = blobPath(digest, location);
    const size = await tree.size(path);
    if (size === undefined || size > 64 * 1024) continue;
    try {
      const document = parseImageDocument(await tree.read(path, ReadLimits.manifest), undefined, { source: location, subject: digest });
      if (document.type === 'manifest') byConfig.set(blobPath(document.config.digest, location), { names: [], descriptor: { mediaType: document.mediaType, digest, size } });
    } catch {
      // Not a manifest: configs, layers and other JSON are skipped.
    }
  }
  const roots: SourceRoot[] = [];
  for (const image of saved) {
    const root = 'path' in image.config ? byConfig.get(image.config.path) : undefined;
    if (!root) return undefined;
    roots.push({ names: image.names, descriptor: root.descriptor });
  }
  return roots;
}

/** The registry client (http, tls, credential helpers) is loaded only when a reference is opened. */
function registrySources(): typeof import('./registrySource') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require('./registrySource') as typeof import('./registrySource');
}
