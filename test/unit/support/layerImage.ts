/**
 * An OCI layout holding one image with one gzip layer made of the given files (GNU tar, gzip),
 * built by hand for the registry tests that need a layer of a chosen size and shape.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export interface LayerImageLayout {
  layout: string;
  layerDigest: string;
  layerSize: number;
}

/** Writes `files` (path → bytes) under a `rootfs` folder, tars them in the order given, and makes the layout `<directory>/<name>` tagged `tag`. */
export function buildLayerImage(directory: string, name: string, files: ReadonlyArray<[string, Buffer]>, tag = '1.0'): LayerImageLayout {
  const layout = path.join(directory, name);
  const rootfs = path.join(directory, `${name}-rootfs`);
  const blobs = path.join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  for (const [file, bytes] of files) {
    mkdirSync(path.dirname(path.join(rootfs, file)), { recursive: true });
    writeFileSync(path.join(rootfs, file), bytes);
  }
  const tarred = spawnSync('tar', ['--format=posix', '--owner=0', '--group=0', '--mtime=@1700000000', '-C', rootfs, '-cf', '-', ...files.map(([file]) => file)], { maxBuffer: 2 ** 31 - 1 });
  if (tarred.status !== 0) throw new Error(`tar failed: ${tarred.stderr.toString()}`);
  const tar = tarred.stdout;
  const layer = gzipSync(tar, { level: 1 });
  const put = (bytes: Buffer | string) => {
    const digest = sha256(bytes);
    writeFileSync(path.join(blobs, digest.slice(7)), bytes);
    return { digest, size: Buffer.byteLength(bytes) };
  };
  const layerBlob = put(layer);
  const config = put(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(tar)] }, history: [{ created_by: `COPY ${files.length} files /` }] }));
  const manifest = put(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layerBlob }] }));
  writeFileSync(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }] }));
  return { layout, layerDigest: layerBlob.digest, layerSize: layerBlob.size };
}
