import { cacheHome } from '../cacheHome';
import * as path from 'node:path';

/**
 * Where the CLI keeps layer indexes: `$CIE_CACHE_DIR`, else
 * `${XDG_CACHE_HOME:-~/.cache}/container-image-explorer/layers`. The extension passes its
 * globalStorage path instead.
 */
export function defaultLayerCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CIE_CACHE_DIR !== undefined && env.CIE_CACHE_DIR !== '') return path.resolve(env.CIE_CACHE_DIR);
  return path.join(cacheHome(env), 'layers');
}
