import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where the CLI keeps layer indexes: `$CIE_CACHE_DIR`, else
 * `${XDG_CACHE_HOME:-~/.cache}/container-image-explorer/layers`. The extension passes its
 * globalStorage path instead.
 */
export function defaultLayerCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CIE_CACHE_DIR !== undefined && env.CIE_CACHE_DIR !== '') return path.resolve(env.CIE_CACHE_DIR);
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'container-image-explorer', 'layers');
}
