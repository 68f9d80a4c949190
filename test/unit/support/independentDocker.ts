/**
 * An independent reading of a legacy `docker save` (manifest.json + config + layer tars): skopeo's
 * docker-archive transport for the manifest and config it synthesizes, jq over the extracted
 * manifest.json and configs, and sha256 of the extracted layer files. No project code is used.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { jq, run, sha256, sha256File, skopeoRaw } from './tools';

export interface SkopeoImage {
  /** The docker-archive reference skopeo was given. */
  reference: string;
  manifest?: { config: { digest: string; size: number }; layers: Array<{ digest: string; size: number; mediaType: string }> };
  manifestError?: string;
  config?: Buffer;
  configError?: string;
}

export interface SavedImageOnDisk {
  config: string;
  repoTags: string[];
  layers: string[];
  /** Per layer: the digest the file should have (its blobs/ name, its diff_id when an uncompressed tar, else its sha256). */
  expectedLayerDigests: string[];
  /** Layer files whose bytes do not hash to the digest they are known by (hand-edited archives). */
  mismatchedLayers: string[];
  configDigest?: string;
  /** rootfs.diff_ids of the config, by jq. */
  diffIds: string[];
}

export interface ExpectedDockerArchive {
  images: SavedImageOnDisk[];
  skopeo: SkopeoImage[];
  problem?: string;
}

function magic(file: string): 'none' | 'gzip' | 'zstd' | 'other' {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(6);
    const read = readSync(fd, buffer, 0, 6, 0);
    if (read >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) return 'gzip';
    if (read >= 4 && buffer.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
    if (read >= 3 && (buffer.subarray(0, 3).toString('latin1') === 'BZh' || buffer[0] === 0xfd)) return 'other';
    return 'none';
  } finally {
    closeSync(fd);
  }
}

/** `extracted` is the archive unpacked by GNU tar; `archive` is the path skopeo reads. */
export function readDockerArchiveIndependently(archive: string, extracted: string): ExpectedDockerArchive {
  // skopeo 1.9 reads xz whole archives but not gzip/zstd ones: give it the plain tar.
  const plain = decompressedCopy(archive);
  try {
    return readWith(plain ?? archive, extracted);
  } finally {
    if (plain) rmSync(path.dirname(plain), { recursive: true, force: true });
  }
}

/** A decompressed copy of a compressed archive in a temporary directory, or undefined when it is a plain tar. */
export function decompressedCopy(archive: string): string | undefined {
  const kind = magic(archive);
  if (kind === 'none') return undefined;
  const fd = openSync(archive, 'r');
  const head = Buffer.alloc(6);
  readSync(fd, head, 0, 6, 0);
  closeSync(fd);
  const program = head[0] === 0x1f ? 'gzip' : head[0] === 0x28 ? 'zstd' : head[0] === 0xfd ? 'xz' : 'bzip2';
  const dir = mkdtempSync(path.join(tmpdir(), 'cie-plain-'));
  const out = path.join(dir, 'archive.tar');
  const result = run(program, ['-dc', archive]);
  writeFileSync(out, result.stdout);
  return out;
}

function readWith(archive: string, extracted: string): ExpectedDockerArchive {
  const manifestJson = jq(path.join(extracted, 'manifest.json'), '[.[] | {config: .Config, repoTags: (.RepoTags // []), layers: (.Layers // [])}]') as
    | Array<{ config: string; repoTags: string[]; layers: string[] }>
    | undefined;
  if (!manifestJson) return { images: [], skopeo: [], problem: 'jq cannot read manifest.json as a list of images' };
  const images: SavedImageOnDisk[] = manifestJson.map((item) => {
    const configFile = path.join(extracted, item.config);
    let configDigest: string | undefined;
    let diffIds: string[] = [];
    try {
      configDigest = sha256File(configFile);
      diffIds = (jq(configFile, '.rootfs.diff_ids // []') as string[] | undefined) ?? [];
    } catch {
      configDigest = undefined;
    }
    const expectedLayerDigests: string[] = [];
    const mismatchedLayers: string[] = [];
    item.layers.forEach((layer, index) => {
      const file = path.join(extracted, layer);
      let actual: string;
      try {
        statSync(file);
        actual = sha256File(file);
      } catch {
        expectedLayerDigests.push('(missing)');
        return;
      }
      const named = /(?:^|\/)blobs\/sha256\/([a-f0-9]{64})$/.exec(layer);
      const known = named ? `sha256:${named[1]}` : magic(file) === 'none' && diffIds[index] ? diffIds[index] : actual;
      expectedLayerDigests.push(known);
      if (known !== actual) mismatchedLayers.push(known);
    });
    return { config: item.config, repoTags: item.repoTags, layers: item.layers, expectedLayerDigests, mismatchedLayers, configDigest, diffIds };
  });
  const skopeo: SkopeoImage[] = images.map((_image, index) => {
    const reference = images.length === 1 ? `docker-archive:${archive}` : `docker-archive:${archive}:@${index}`;
    const image: SkopeoImage = { reference };
    const manifest = skopeoRaw(reference);
    if (manifest.ok && manifest.raw) image.manifest = JSON.parse(manifest.raw.toString('utf8'));
    else image.manifestError = manifest.error;
    const config = skopeoRaw(reference, true);
    if (config.ok && config.raw) image.config = config.raw;
    else image.configError = config.error;
    return image;
  });
  return { images, skopeo };
}

/** A pre-1.10 save (`repositories` + `<id>/json` + `<id>/layer.tar`): jq follows each tag's parent chain. */
export interface V1Image {
  names: string[];
  topId: string;
  /** sha256 of each existing `<id>/layer.tar`, base first. */
  layerDigests: string[];
  /** The extracted `<id>/layer.tar` files, in the same order. */
  layerFiles: string[];
}

export function readV1SaveIndependently(extracted: string): V1Image[] | undefined {
  const tags = jq(path.join(extracted, 'repositories'), '[to_entries[] | .key as $repo | (.value | to_entries[]) | {name: ($repo + ":" + .key), id: .value}]') as
    | Array<{ name: string; id: string }>
    | undefined;
  if (!tags) return undefined;
  const byId = new Map<string, string[]>();
  for (const { name, id } of tags) byId.set(id, [...(byId.get(id) ?? []), name]);
  return [...byId].map(([topId, names]) => {
    const chain: string[] = [];
    for (let id: string | null = topId; id && !chain.includes(id); ) {
      chain.push(id);
      id = (jq(path.join(extracted, id, 'json'), '.parent // null') as string | null | undefined) ?? null;
    }
    const layerDigests: string[] = [];
    const layerFiles: string[] = [];
    for (const id of chain.reverse()) {
      const file = path.join(extracted, id, 'layer.tar');
      try {
        if (statSync(file).isFile()) {
          layerDigests.push(sha256File(file));
          layerFiles.push(file);
        }
      } catch {
        // a v1 image without a layer.tar contributes no layer
      }
    }
    return { names, topId, layerDigests, layerFiles };
  });
}

export { sha256 };
