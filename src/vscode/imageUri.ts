import * as vscode from 'vscode';
import { isDigest } from '../core/digest';

/**
 * The only module that builds or parses `container-image:` URIs (after VS Code git's uri.ts).
 * A URI alone says which source, which object and which path, so an editor restored after a
 * window reload can re-mount its source and re-read the same bytes:
 *
 *   container-image:/v1/blob/<digest>/<title>?<source>            a blob (manifest, config, …)
 *   container-image:/v1/formatted/<digest>/<title>?<source>       a JSON blob, pretty-printed
 *   container-image:/v1/layer/<layer digest>/<path>?<source>       a file inside one layer
 *   container-image:/v1/rootfs/<manifest digest>/<path>?<source>   a file of an image's merged filesystem
 *   container-image:/v1/attestation/<blob digest>/<part>/<title>?<source>
 *       an attestation as read: `payload` (envelopes opened, JSON indented) or `source-<n>` (an
 *       embedded Dockerfile); the blob URI of the same digest is the raw envelope
 *
 * The source (an absolute path, maybe with a prefix, or a registry reference) is the whole query,
 * percent-encoded: it is case-sensitive, so it stays out of the authority. `v1` leaves room to
 * change the format later.
 */
export const IMAGE_SCHEME = 'container-image';
const VERSION = 'v1';

export type ImageTarget =
  | { type: 'blob'; digest: string; title: string; formatted?: boolean }
  | { type: 'layer'; layerDigest: string; path: string }
  | { type: 'rootfs'; imageDigest: string; path: string }
  | { type: 'attestation'; digest: string; part: AttestationPart; title: string };

/** What of an attestation a document shows: its decoded payload, or the n-th embedded source file. */
export type AttestationPart = 'payload' | `source-${number}`;
const ATTESTATION_PART = /^(payload|source-\d{1,4})$/;

export interface ImageLocation {
  source: string;
  target: ImageTarget;
}

/** A file name cannot hold '/', so platform titles use the look-alike DIVISION SLASH. */
export function titleSafe(text: string): string {
  return text.replace(/\//g, '\u2215');
}

export function toImageUri(location: ImageLocation): vscode.Uri {
  const { target } = location;
  const segments =
    target.type === 'blob'
      ? [target.formatted ? 'formatted' : 'blob', target.digest, titleSafe(target.title)]
      : target.type === 'layer'
        ? ['layer', target.layerDigest, ...splitPath(target.path)]
        : target.type === 'attestation'
          ? ['attestation', target.digest, target.part, titleSafe(target.title)]
          : ['rootfs', target.imageDigest, ...splitPath(target.path)];
  return vscode.Uri.from({ scheme: IMAGE_SCHEME, path: `/${[VERSION, ...segments].join('/')}`, query: encodeURIComponent(location.source) });
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '' && segment !== '.');
}

/** Parses one of our URIs; undefined when it is not one (wrong scheme, version or shape). */
export function fromImageUri(uri: vscode.Uri): ImageLocation | undefined {
  if (uri.scheme !== IMAGE_SCHEME) return undefined;
  const [, version, type, digest, ...rest] = uri.path.split('/');
  if (version !== VERSION || !isDigest(digest)) return undefined;
  let source: string;
  try {
    source = decodeURIComponent(uri.query);
  } catch {
    return undefined;
  }
  if (source === '') return undefined;
  const path = rest.join('/');
  switch (type) {
    case 'blob':
      return { source, target: { type: 'blob', digest, title: path } };
    case 'formatted':
      return { source, target: { type: 'blob', digest, title: path, formatted: true } };
    case 'layer':
      return { source, target: { type: 'layer', layerDigest: digest, path } };
    case 'rootfs':
      return { source, target: { type: 'rootfs', imageDigest: digest, path } };
    case 'attestation': {
      const [part, ...title] = rest;
      return ATTESTATION_PART.test(part ?? '') ? { source, target: { type: 'attestation', digest, part: part as AttestationPart, title: title.join('/') } } : undefined;
    }
    default:
      return undefined;
  }
}
