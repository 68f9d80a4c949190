/**
 * An independent reading of an OCI image layout on disk (a layout directory, or an oci-archive /
 * Docker 25+ save extracted by GNU tar): every JSON document is read by `jq`, blob presence by
 * the file system and blob digests by sha256 of the files. It does not use the project's core.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { jq, sha256File } from './tools';

export interface JqDescriptor {
  digest: string;
  mediaType: string | null;
  size: number | null;
  platform: { os?: string; architecture?: string; variant?: string } | null;
  annotations: Record<string, string> | null;
}

/** What jq makes of one blob: an index, a manifest, schema 1, or nothing it recognises. */
interface JqDocument {
  manifests: JqDescriptor[] | null;
  config: JqDescriptor | null;
  layers: JqDescriptor[] | null;
  fsLayers: string[] | null;
  subject: string | null;
}

export type ExpectedRole = 'root' | 'child' | 'config' | 'layer' | 'referrer';

export interface ExpectedNode {
  digest: string;
  /** The media type of the first descriptor that reached it. */
  mediaType: string;
  size: number | null;
  present: boolean;
  role: ExpectedRole;
  /** 'index' | 'manifest' | 'schema1' | undefined (not read, or not a manifest-like document). */
  documentType?: 'index' | 'manifest' | 'schema1';
  /** The first descriptor's platform, `os/arch[/variant]`, when it has one. */
  descriptorPlatform?: string;
  /** From the config, for image manifests whose descriptor gives no platform. */
  configPlatform?: string;
  attestation: boolean;
  /** `vnd.docker.reference.digest` of an attestation manifest's descriptor. */
  attests?: string;
  /** OCI 1.1 `subject.digest` of the document. */
  subject?: string;
  config?: string;
  layers: string[];
  manifests: string[];
  parents: string[];
}

export interface ExpectedLayout {
  roots: Array<{ digest: string; mediaType: string; names: string[]; platform?: string }>;
  nodes: Map<string, ExpectedNode>;
  /** Every file under blobs/<alg>/<hex> whose name is a valid digest. */
  blobFiles: string[];
  unreferenced: string[];
  /** Blob files whose sha256 differs from their name, or whose size differs from the descriptor. */
  mismatches: string[];
  /** index.json could not be read as an index by jq (not JSON, or no "manifests"). */
  indexProblem?: string;
}

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function formatJqPlatform(platform: JqDescriptor['platform'] | undefined): string | undefined {
  if (!platform || typeof platform.os !== 'string' || typeof platform.architecture !== 'string') return undefined;
  return [platform.os, platform.architecture, ...(platform.variant ? [platform.variant] : [])].join('/');
}

const DESCRIPTOR = '{digest: .digest, mediaType: .mediaType, size: .size, platform: .platform, annotations: .annotations}';
export const DOCUMENT_FILTER = `if type == "object" then {
  manifests: (if has("manifests") then [(.manifests // [])[] | ${DESCRIPTOR}] else null end),
  config: (if (.config | type) == "object" then (.config | ${DESCRIPTOR}) else null end),
  layers: (if has("layers") then [(.layers // [])[] | ${DESCRIPTOR}] else null end),
  fsLayers: (if (.fsLayers | type) == "array" then [.fsLayers[].blobSum] else null end),
  subject: (if (.subject | type) == "object" then .subject.digest else null end)
} else null end`;

function blobFile(layout: string, digest: string): string | undefined {
  if (!DIGEST.test(digest)) return undefined;
  const [algorithm, hex] = digest.split(':');
  return path.join(layout, 'blobs', algorithm, hex);
}

function isFile(file: string | undefined): file is string {
  try {
    return file !== undefined && statSync(file).isFile();
  } catch {
    return false;
  }
}

function readDocument(file: string): JqDocument | undefined {
  const document = jq(file, DOCUMENT_FILTER) as JqDocument | null | undefined;
  return document ?? undefined;
}

const IMAGE_CONFIG_TYPES = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

export function readLayoutIndependently(layout: string): ExpectedLayout {
  const nodes = new Map<string, ExpectedNode>();
  const result: ExpectedLayout = { roots: [], nodes, blobFiles: [], unreferenced: [], mismatches: [] };
  const indexFile = path.join(layout, 'index.json');
  const index = existsSync(indexFile) ? readDocument(indexFile) : undefined;
  if (!index || index.manifests === null) result.indexProblem = existsSync(indexFile) ? 'index.json is not an image index (jq finds no "manifests")' : 'no index.json';
  const rootDescriptors = index?.manifests ?? [];
  for (const descriptor of rootDescriptors) {
    const annotations = descriptor.annotations ?? {};
    const names = [annotations['io.containerd.image.name'], annotations['org.opencontainers.image.ref.name']].filter((name): name is string => typeof name === 'string' && name !== '');
    result.roots.push({ digest: descriptor.digest, mediaType: descriptor.mediaType ?? '', names: [...new Set(names)], platform: formatJqPlatform(descriptor.platform) });
  }

  type Visit = { descriptor: JqDescriptor; role: ExpectedRole; parent?: string };
  const queue: Visit[] = rootDescriptors.map((descriptor) => ({ descriptor, role: 'root' }));
  const drain = () => {
    while (queue.length > 0) {
      const { descriptor, role, parent } = queue.shift() as Visit;
      const existing = nodes.get(descriptor.digest);
      if (existing) {
        if (parent && !existing.parents.includes(parent)) existing.parents.push(parent);
        continue;
      }
      const file = blobFile(layout, descriptor.digest);
      const attestation = descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
      const node: ExpectedNode = {
        digest: descriptor.digest,
        mediaType: descriptor.mediaType ?? '',
        size: descriptor.size,
        present: isFile(file),
        role,
        descriptorPlatform: formatJqPlatform(descriptor.platform),
        attestation,
        attests: attestation ? (descriptor.annotations?.['vnd.docker.reference.digest'] ?? undefined) : undefined,
        layers: [],
        manifests: [],
        parents: parent ? [parent] : [],
      };
      nodes.set(node.digest, node);
      const expand = role === 'root' || role === 'child' || role === 'referrer' || MANIFEST_TYPES.has(descriptor.mediaType ?? '');
      if (!node.present || !expand || role === 'config') continue;
      const document = readDocument(file as string);
      if (!document) continue;
      if (document.subject && document.fsLayers === null) node.subject = document.subject;
      if (document.manifests !== null) {
        node.documentType = 'index';
        node.manifests = document.manifests.map((child) => child.digest);
        for (const child of document.manifests) queue.push({ descriptor: child, role: 'child', parent: node.digest });
      } else if (document.fsLayers !== null) {
        node.documentType = 'schema1';
        node.layers = [...document.fsLayers].reverse();
        for (const digest of node.layers) queue.push({ descriptor: { digest, mediaType: '', size: null, platform: null, annotations: null }, role: 'layer', parent: node.digest });
      } else if (document.config !== null) {
        node.documentType = 'manifest';
        node.config = document.config.digest;
        node.layers = (document.layers ?? []).map((layer) => layer.digest);
        const configFile = blobFile(layout, document.config.digest);
        if ((!node.descriptorPlatform || node.descriptorPlatform === 'unknown/unknown') && !attestation && IMAGE_CONFIG_TYPES.has(document.config.mediaType ?? '') && isFile(configFile)) {
          const platform = jq(configFile, 'if type == "object" then {os, architecture, variant} else null end') as JqDescriptor['platform'];
          node.configPlatform = formatJqPlatform(platform);
        }
        queue.push({ descriptor: document.config, role: 'config', parent: node.digest });
        for (const layer of document.layers ?? []) queue.push({ descriptor: layer, role: 'layer', parent: node.digest });
      }
    }
  };
  drain();

  // Blob files on disk: blobs/<alg>/<hex>.
  const blobsDir = path.join(layout, 'blobs');
  for (const algorithm of existsSync(blobsDir) ? readdirSync(blobsDir) : []) {
    const directory = path.join(blobsDir, algorithm);
    if (!statSync(directory).isDirectory()) continue;
    for (const hex of readdirSync(directory)) {
      const digest = `${algorithm}:${hex}`;
      if (DIGEST.test(digest) && isFile(path.join(directory, hex))) result.blobFiles.push(digest);
    }
  }
  result.blobFiles.sort();

  // OCI 1.1 referrers that no index lists: an unreferenced small document with a "subject".
  for (const digest of result.blobFiles) {
    if (nodes.has(digest)) continue;
    const file = blobFile(layout, digest) as string;
    if (statSync(file).size > 256 * 1024) continue;
    const document = readDocument(file);
    if (document?.subject && document.fsLayers === null) {
      queue.push({ descriptor: { digest, mediaType: '', size: statSync(file).size, platform: null, annotations: null }, role: 'referrer' });
      drain();
    }
  }

  for (const digest of result.blobFiles) {
    const file = blobFile(layout, digest) as string;
    const node = nodes.get(digest);
    if (!node) result.unreferenced.push(digest);
    const actual = sha256File(file);
    const wrongDigest = digest.startsWith('sha256:') && actual !== digest;
    const wrongSize = node !== undefined && node.size !== null && node.size >= 0 && statSync(file).size !== node.size;
    if (wrongDigest || wrongSize) result.mismatches.push(digest);
  }
  return result;
}
