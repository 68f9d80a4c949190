import * as path from 'node:path';
import { isReference } from '../registry/reference';

/**
 * Whether an argument that is not an existing path should be read as a registry reference:
 * `docker://…`, or something that parses as one and does not look like a file name
 * (`image.tar`, `./x`, `/abs/path`), so a mistyped archive path is not sent to Docker Hub.
 * Apart from registrySource.ts so that asking does not load the registry client.
 */
export function looksLikeRegistryReference(spec: string): boolean {
  if (spec.startsWith('docker://')) return true;
  if (spec.startsWith('.') || path.isAbsolute(spec) || spec.includes('\\')) return false;
  if (/\.(?:tar|tgz|gz|zst|zstd|json|bin)$/i.test(spec)) return false;
  return isReference(spec);
}
