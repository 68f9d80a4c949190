// Where the repository, the pinned Node 24 + code-server (installed by scripts/setup.sh) and the
// browser are. The pins live only in scripts/lib/paths.sh; this module asks it for the paths.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface Toolchain {
  repoRoot: string;
  node24: string;
  serverMain: string;
  chromium: string;
}

/** Walks up from this file (dist/test/runner/x.js or test/runner/x.ts) to our package.json. */
export function findRepoRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'container-image-explorer') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no container-image-explorer package.json above ${start}`);
  }
}

/** KEY=VALUE lines printed by `bash scripts/lib/paths.sh`. */
function readPathsScript(repoRoot: string): Map<string, string> {
  const output = execFileSync('bash', [path.join(repoRoot, 'scripts/lib/paths.sh')], { encoding: 'utf8' });
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const separator = line.indexOf('=');
    if (separator > 0) values.set(line.slice(0, separator), line.slice(separator + 1));
  }
  return values;
}

/** Env vars CIE_NODE24_BIN, CIE_SERVER_MAIN, CIE_CHROMIUM override the defaults. */
export function resolveToolchain(): Toolchain {
  const repoRoot = findRepoRoot();
  const paths = readPathsScript(repoRoot);
  const toolchain: Toolchain = {
    repoRoot,
    node24: process.env.CIE_NODE24_BIN ?? paths.get('CIE_NODE24_BIN') ?? '',
    serverMain: process.env.CIE_SERVER_MAIN ?? paths.get('CIE_SERVER_MAIN') ?? '',
    chromium: process.env.CIE_CHROMIUM ?? '/usr/bin/chromium',
  };
  for (const [what, file] of [['Node 24', toolchain.node24], ['code-server server-main.js', toolchain.serverMain], ['chromium', toolchain.chromium]]) {
    if (!file || !existsSync(file)) throw new Error(`${what} not found at '${file}': run 'bash scripts/setup.sh' first`);
  }
  return toolchain;
}
