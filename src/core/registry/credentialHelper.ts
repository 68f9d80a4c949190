import { spawn } from 'node:child_process';
import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import type { Credential } from './credentials';

/** docker-credential-helpers' protocol: `docker-credential-<name> get`, server URL on stdin, JSON out. */
export type HelperRunner = (helper: string, serverUrl: string, options?: OperationOptions) => Promise<Credential | undefined>;

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const OUTPUT_LIMIT = 64 * 1024;
const HELPER_TIMEOUT_MS = 30_000;
/** What helpers print when they hold nothing for the server (credentials.ErrCredentialsNotFound). */
const NOT_FOUND = /credentials not found/i;

export const runCredentialHelper: HelperRunner = (helper, serverUrl, options = {}) => {
  if (!HELPER_NAME.test(helper)) return Promise.reject(new ImageError('unauthorized', `credential helper name "${helper.slice(0, 80)}" is not valid`));
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal, timeout: HELPER_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < OUTPUT_LIMIT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < OUTPUT_LIMIT) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (options.signal?.aborted) reject(new ImageError('cancelled', `${program} was cancelled`));
      else if (error.code === 'ENOENT') reject(new ImageError('unauthorized', `credential helper ${program} is not installed or not on PATH`, { cause: error }));
      else reject(new ImageError('unauthorized', `credential helper ${program} could not run: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        // Helpers print "credentials not found in native keychain" on stdout; that is "no login", not a failure.
        if (NOT_FOUND.test(stdout) || NOT_FOUND.test(stderr)) resolve(undefined);
        else reject(new ImageError('unauthorized', `credential helper ${program} failed (${signal ?? `exit ${code}`}): ${firstLine(stderr || stdout)}`));
        return;
      }
      try {
        resolve(parseHelperOutput(stdout));
      } catch {
        reject(new ImageError('unauthorized', `credential helper ${program} printed something that is not its JSON answer`));
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverUrl);
  });
};

function firstLine(text: string): string {
  // Helpers do not print secrets in errors, but keep it short anyway.
  return text.trim().split('\n')[0]?.slice(0, 200) || 'no message';
}

export function parseHelperOutput(text: string): Credential | undefined {
  const parsed = JSON.parse(text) as { Username?: unknown; Secret?: unknown };
  const username = typeof parsed.Username === 'string' ? parsed.Username : '';
  const secret = typeof parsed.Secret === 'string' ? parsed.Secret : '';
  if (secret === '') return undefined;
  if (username === '<token>') return { kind: 'identity-token', token: secret };
  return { kind: 'basic', username, password: secret };
}
