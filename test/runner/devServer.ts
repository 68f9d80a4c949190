// `npm start` (scripts/start.sh): VS Code server with our extension in development mode and the
// sample archive in the Images view, until Ctrl-C. Data lives in .vscode-test/start/ so settings
// and window state survive restarts.
//   node dist/test/runner/devServer.js [--port 8080] [--host 127.0.0.1] [--open <archive>]...
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startCodeServer, writeWorkspaceSettings } from './codeServer';
import { resolveToolchain } from './toolchain';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      open: { type: 'string', multiple: true },
    },
  });
  const toolchain = resolveToolchain();
  const runDir = path.join(toolchain.repoRoot, '.vscode-test', 'start');
  const workspace = path.join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const sample = path.join(toolchain.repoRoot, 'sample', 'sample-image.tar');
  const open = values.open?.map((file) => path.resolve(file)) ?? (existsSync(sample) ? [sample] : []);
  if (open.length === 0) console.log(`[start] ${sample} is missing; the Images view starts empty`);
  // The extension mounts these on activation (containerImageExplorer.openOnStartup).
  writeWorkspaceSettings(workspace, { 'containerImageExplorer.openOnStartup': open });

  const server = await startCodeServer(toolchain, { host: values.host, port: Number(values.port), runDir });
  const url = server.workbenchUrl({ folder: workspace });
  console.log(`[start] VS Code server running (log: ${server.logFile})`);
  console.log(`[start] extension (development): ${toolchain.repoRoot}; opened: ${open.join(', ') || '(nothing)'}`);
  console.log('[start] after rebuilding (npm run build or npm run watch), reload the page to pick up changes');
  console.log('[start] open this URL in a browser, Ctrl-C to stop:\n');
  console.log(`  ${url}\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(() => undefined);
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
