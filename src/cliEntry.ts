/**
 * The `container-image-explorer` executable (dist/cli.js). It only turns on Node's compile cache
 * (Node >= 22.1) and then loads the CLI proper (dist/cli-main.js): with the cache, V8 reuses the
 * compiled bundle instead of parsing ~400 KB on every start, which is most of a short command's time.
 * It imports nothing of ours but the few lines of cacheHome, so that the cache is on before the
 * rest of our code is compiled.
 */
import * as path from 'node:path';
import { cacheHome } from './core/cacheHome';

interface NodeModuleWithCache {
  enableCompileCache?: (directory?: string) => unknown;
}

/** `$CIE_CACHE_DIR/node-compile-cache`, else `${XDG_CACHE_HOME:-~/.cache}/container-image-explorer/node-compile-cache`. */
function compileCacheDirectory(env: NodeJS.ProcessEnv): string {
  return path.join(env.CIE_CACHE_DIR ? path.resolve(env.CIE_CACHE_DIR) : cacheHome(env), 'node-compile-cache');
}

try {
  // NODE_COMPILE_CACHE / NODE_DISABLE_COMPILE_CACHE, when set, are Node's own and win.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- enableCompileCache is missing from @types/node 20's typings
  if (!process.env.NODE_DISABLE_COMPILE_CACHE) (require('node:module') as NodeModuleWithCache).enableCompileCache?.(compileCacheDirectory(process.env));
} catch {
  // A cache that cannot be written only costs speed.
}

// Resolved at run time next to this file (esbuild keeps it external).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only after the cache is on, so not an import
const cli = require('./cli-main.js') as { main(argv: string[]): Promise<number> };
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 70;
  },
);
