import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where the CLI keeps its caches (layer indexes, registry blobs, Node's compile cache), each in a
 * folder of its own: `${XDG_CACHE_HOME:-~/.cache}/container-image-explorer`. The extension uses its
 * global storage instead.
 */
export function cacheHome(env: Record<string, string | undefined> = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'container-image-explorer');
}
