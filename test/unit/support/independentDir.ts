/**
 * An independent reading of a containers/image `dir:` directory (what `skopeo copy … dir:PATH`
 * writes): manifest.json is the manifest itself, blobs are files named by their sha256 hex. jq reads
 * the manifest, the file system says what is present, sha256 of the files what they hold.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { jq, sha256, sha256File, skopeoRaw } from './tools';

export interface ExpectedDir {
  /** sha256 of manifest.json: the root's digest. */
  root: string;
  config?: string;
  /** Base first (schema 1 fsLayers reversed). */
  layers: string[];
  present: Map<string, boolean>;
  /** Blob files (hex-named) that the manifest does not reference. */
  unreferenced: string[];
  /** Blob files whose sha256 differs from their name. */
  mismatches: string[];
  files: Map<string, string>;
  skopeo?: { digest?: string; error?: string };
}

export function readDirIndependently(directory: string): ExpectedDir | undefined {
  const manifestFile = path.join(directory, 'manifest.json');
  const shape = jq(manifestFile, '{config: .config.digest, layers: [.layers[]?.digest], fsLayers: [.fsLayers[]?.blobSum]}') as
    | { config: string | null; layers: string[]; fsLayers: string[] }
    | undefined;
  if (!shape) return undefined;
  const layers = shape.fsLayers.length > 0 ? [...shape.fsLayers].reverse() : shape.layers;
  const referenced = [...(shape.config ? [shape.config] : []), ...layers];
  const fileOf = (digest: string) => path.join(directory, digest.replace(/^sha256:/, ''));
  const present = new Map(referenced.map((digest) => [digest, existsSync(fileOf(digest)) && statSync(fileOf(digest)).isFile()]));
  const hexFiles = readdirSync(directory).filter((name) => /^[a-f0-9]{64}$/.test(name));
  const files = new Map(hexFiles.map((hex) => [`sha256:${hex}`, path.join(directory, hex)]));
  const root = sha256File(manifestFile);
  files.set(root, manifestFile);
  const expected: ExpectedDir = {
    root,
    config: shape.config ?? undefined,
    layers,
    present,
    unreferenced: hexFiles.map((hex) => `sha256:${hex}`).filter((digest) => !referenced.includes(digest)),
    mismatches: hexFiles.filter((hex) => sha256File(path.join(directory, hex)) !== `sha256:${hex}`).map((hex) => `sha256:${hex}`),
    files,
  };
  const skopeo = skopeoRaw(`dir:${directory}`);
  expected.skopeo = skopeo.ok && skopeo.raw ? { digest: sha256(skopeo.raw) } : { error: skopeo.error };
  return expected;
}
