import { ImageError } from '../errors';
import { isDigest } from '../digest';
import type { Descriptor, Platform } from './descriptor';
import { isObject, parseJson, stringRecord } from './json';
import { MediaType } from './mediaTypes';

/** An OCI image index or Docker manifest list. */
export interface IndexDocument {
  type: 'index';
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
  subject?: Descriptor;
  artifactType?: string;
}

/** An OCI image manifest or Docker v2 schema 2 manifest (images and OCI 1.1 artifacts alike). */
export interface ManifestDocument {
  type: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
  subject?: Descriptor;
  artifactType?: string;
}

/** Docker schema 1: recognised and shown, not an error. Its layers are `fsLayers[].blobSum`, newest first. */
export interface Schema1Document {
  type: 'schema1';
  mediaType: string;
  name?: string;
  tag?: string;
  architecture?: string;
  /** Layer digests in application order (base first), duplicates kept. */
  layerDigests: string[];
  /** `history[].v1Compatibility`, base first, each a JSON string. */
  v1Compatibility: string[];
}

export type ImageDocument = IndexDocument | ManifestDocument | Schema1Document;

type Where = { source?: string; subject: string };

function parseDescriptor(value: unknown, where: Where, field: string): Descriptor {
  if (!isObject(value)) throw new ImageError('bad-json', `${field} is not a descriptor object`, where);
  const { mediaType, digest, size } = value;
  if (!isDigest(digest)) throw new ImageError('invalid-digest', `${field}.digest ${JSON.stringify(digest)?.slice(0, 200)} is not a valid digest`, where);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new ImageError('bad-json', `${field}.size ${JSON.stringify(size)} is not a non-negative integer`, where);
  }
  const descriptor: Descriptor = { mediaType: typeof mediaType === 'string' ? mediaType : '', digest, size };
  const annotations = stringRecord(value.annotations);
  if (annotations && Object.keys(annotations).length > 0) descriptor.annotations = annotations;
  if (isObject(value.platform) && typeof value.platform.os === 'string' && typeof value.platform.architecture === 'string') {
    descriptor.platform = value.platform as unknown as Platform;
  }
  if (typeof value.artifactType === 'string') descriptor.artifactType = value.artifactType;
  if (Array.isArray(value.urls)) descriptor.urls = value.urls.filter((url): url is string => typeof url === 'string');
  if (typeof value.data === 'string') descriptor.data = value.data;
  return descriptor;
}

function parseDescriptorList(value: unknown, where: Where, field: string): Descriptor[] {
  // Some writers emit `"manifests": null` (ggcr's hello-world-v25.tar); treat it as empty.
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new ImageError('bad-json', `${field} is not an array`, where);
  return value.map((entry, index) => parseDescriptor(entry, where, `${field}[${index}]`));
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Parses a manifest-like JSON document. The document's own shape decides what it is (an index has
 * `manifests`, a manifest has `config`+`layers`, schema 1 has `fsLayers`); `mediaTypeHint` (the
 * descriptor's media type) fills in when the document omits `mediaType`, as Docker 25 saves do.
 */
export function parseImageDocument(bytes: Buffer, mediaTypeHint: string | undefined, where: Where): ImageDocument {
  const json = parseJson(bytes, where);
  if (!isObject(json)) throw new ImageError('bad-json', 'is not a JSON object', where);
  const mediaType = optionalString(json.mediaType) ?? mediaTypeHint ?? '';
  const annotations = stringRecord(json.annotations);
  const subject = json.subject === undefined || json.subject === null ? undefined : parseDescriptor(json.subject, where, 'subject');
  const artifactType = optionalString(json.artifactType);

  if (json.schemaVersion === 1 || Array.isArray(json.fsLayers)) return parseSchema1(json, where);
  if ('manifests' in json) {
    return {
      type: 'index',
      mediaType: mediaType || MediaType.ociIndex,
      manifests: parseDescriptorList(json.manifests, where, 'manifests'),
      annotations,
      subject,
      artifactType,
    };
  }
  if ('config' in json || 'layers' in json) {
    return {
      type: 'manifest',
      mediaType: mediaType || MediaType.ociManifest,
      config: parseDescriptor(json.config, where, 'config'),
      layers: parseDescriptorList(json.layers, where, 'layers'),
      annotations,
      subject,
      artifactType,
    };
  }
  throw new ImageError('bad-json', `is neither an index (no "manifests") nor a manifest (no "config"/"layers")${mediaType ? ` (mediaType ${mediaType})` : ''}`, where);
}

function parseSchema1(json: Record<string, unknown>, where: Where): Schema1Document {
  const fsLayers = Array.isArray(json.fsLayers) ? json.fsLayers : [];
  const history = Array.isArray(json.history) ? json.history : [];
  const layerDigests = fsLayers
    .map((layer) => (isObject(layer) ? layer.blobSum : undefined))
    .map((digest, index) => {
      if (!isDigest(digest)) throw new ImageError('invalid-digest', `fsLayers[${index}].blobSum is not a valid digest`, where);
      return digest;
    })
    .reverse();
  const v1Compatibility = history
    .map((entry) => (isObject(entry) && typeof entry.v1Compatibility === 'string' ? entry.v1Compatibility : '{}'))
    .reverse();
  return {
    type: 'schema1',
    mediaType: optionalString(json.mediaType) ?? (json.signatures ? MediaType.dockerSchema1Signed : MediaType.dockerSchema1),
    name: optionalString(json.name),
    tag: optionalString(json.tag),
    architecture: optionalString(json.architecture),
    layerDigests,
    v1Compatibility,
  };
}
