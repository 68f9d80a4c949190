// Starts VS Code's own server (code-server's lib/vscode/out/server-main.js) under Node 24 with
// fresh data dirs, and builds workbench URLs whose `payload` loads our extension in development
// mode (see ../shared/TESTING-IN-VSCODE.md: those settings only work from the page).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Toolchain } from './toolchain';

export interface StartOptions {
  host?: string;
  /** 0 or absent: a random free port. */
  port?: number;
  /** Extra environment for the server (its extension host inherits it). */
  env?: Record<string, string>;
  /** Keep the run dir (logs, user data) after stop(); default: only when the run failed. */
  keepRunDir?: boolean;
  /** Use (and keep) this dir for data and logs instead of a fresh temp dir (npm start). */
  runDir?: string;
}

export interface WorkbenchOptions {
  /** Absolute path of the folder to open; default: an empty workspace in the run dir. */
  folder?: string;
  /** Absolute path of a bundled test index exporting run(); absent for UI sessions. */
  extensionTestsPath?: string;
  /** Environment variables for the extension host (process.env inside the extension and tests). */
  extensionEnvironment?: Record<string, string>;
}

export interface CodeServer {
  readonly origin: string;
  readonly runDir: string;
  readonly logFile: string;
  /** A URL that opens the workbench with the repo as development extension. */
  workbenchUrl(options?: WorkbenchOptions): string;
  /** Last lines of the server log, for failure reports. */
  logTail(lines?: number): string;
  /** Kills the server's whole process group; removes the run dir unless asked to keep it. */
  stop(keepRunDir?: boolean): Promise<void>;
}

/** A quiet, offline workbench: no chat side bar, welcome page, update or telemetry traffic. */
const QUIET_SETTINGS = {
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
};

export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHttp(url: string, server: ChildProcess, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`VS Code server exited with ${server.exitCode}; log ${logFile}:\n${tail(logFile, 30)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`VS Code server did not answer ${url} within ${timeoutMs} ms; log ${logFile}:\n${tail(logFile, 30)}`);
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startCodeServer(toolchain: Toolchain, options: StartOptions = {}): Promise<CodeServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port || (await freePort(host));
  const runDir = options.runDir ?? mkdtempSync(path.join(os.tmpdir(), 'cie-vscode-'));
  const dirs = { userData: 'user-data', serverData: 'server-data', extensions: 'extensions', workspace: 'workspace' };
  for (const name of Object.values(dirs)) mkdirSync(path.join(runDir, name), { recursive: true });
  // The web client keeps user settings on the server side, in <user-data-dir>/User.
  mkdirSync(path.join(runDir, dirs.userData, 'User'), { recursive: true });
  const userSettings = path.join(runDir, dirs.userData, 'User', 'settings.json');
  if (!existsSync(userSettings)) writeFileSync(userSettings, `${JSON.stringify(QUIET_SETTINGS, null, 2)}\n`);
  const logFile = path.join(runDir, 'server.log');
  const logFd = openSync(logFile, 'a');
  const args = [
    toolchain.serverMain, '--host', host, '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms',
    // Without this a built workbench ignores extensionTestsPath and never calls codeAutomationExit.
    '--enable-smoke-test-driver',
    '--disable-workspace-trust', '--disable-telemetry',
    '--user-data-dir', path.join(runDir, dirs.userData),
    '--server-data-dir', path.join(runDir, dirs.serverData),
    '--extensions-dir', path.join(runDir, dirs.extensions),
  ];
  const server = spawn(toolchain.node24, args, {
    // Own process group, so stop() can kill the extension host and other children with it.
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, ...options.env, EXTENSIONS_GALLERY: '{}' },
  });
  closeSync(logFd);
  // A wildcard listen address is not something a browser can open; use loopback in URLs.
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${urlHost}:${port}`;
  const authority = `${urlHost}:${port}`;
  const remote = (file: string) => `vscode-remote://${authority}${file}`;
  const stop = async (keep = options.keepRunDir ?? false) => {
    if (server.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(-server.pid!, 'SIGKILL'); } catch { /* gone */ } }, 3000);
      await exited;
      clearTimeout(timer);
    }
    if (!keep && !options.runDir) rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${origin}/version`, server, 60_000, logFile);
  } catch (error) {
    await stop(true);
    throw error;
  }
  return {
    origin,
    runDir,
    logFile,
    logTail: (lines = 40) => tail(logFile, lines),
    stop,
    workbenchUrl(workbench: WorkbenchOptions = {}) {
      const folder = workbench.folder ?? path.join(runDir, dirs.workspace);
      const payload: [string, string][] = [
        ['extensionDevelopmentPath', remote(toolchain.repoRoot)],
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
      ];
      if (workbench.extensionTestsPath) payload.push(['extensionTestsPath', remote(workbench.extensionTestsPath)]);
      if (workbench.extensionEnvironment) payload.push(['extensionEnvironment', JSON.stringify(workbench.extensionEnvironment)]);
      return `${origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    },
  };
}

/** Writes `.vscode/settings.json` into a workspace folder (e.g. containerImageExplorer.openOnStartup). */
export function writeWorkspaceSettings(folder: string, settings: Record<string, unknown>): void {
  mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  writeFileSync(path.join(folder, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}
