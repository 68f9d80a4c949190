/**
 * Independent readers for the conformance test: GNU tar, jq, skopeo and sha256 over files on
 * disk. Nothing here imports the project's core; every answer comes from another tool.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface RunResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
  /** Set when the program could not be started or was killed by the timeout. */
  failure?: string;
}

export function run(command: string, args: string[], options: { timeoutMs?: number; cwd?: string } = {}): RunResult {
  const result = spawnSync(command, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 30_000, maxBuffer: 256 * 1024 * 1024 });
  return {
    status: result.status,
    stdout: result.stdout ?? Buffer.alloc(0),
    stderr: result.stderr?.toString('utf8') ?? '',
    failure: result.error ? result.error.message : result.signal ? `killed by ${result.signal}` : undefined,
  };
}

const available = new Map<string, boolean>();
export function hasTool(name: string): boolean {
  if (!available.has(name)) available.set(name, run('sh', ['-c', `command -v ${name}`]).status === 0);
  return available.get(name) as boolean;
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function sha256File(file: string): string {
  return sha256(readFileSync(file));
}

/** `jq -c FILTER FILE`, parsed; undefined when jq refuses the file (not JSON) or the filter fails. */
export function jq(file: string, filter: string): unknown {
  const result = run('jq', ['-c', filter, file]);
  if (result.status !== 0) return undefined;
  const text = result.stdout.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface TarListItem {
  /** `-` file, `d` directory, `l` symlink, `h` hard link, `c`/`b` devices, `p` fifo, … */
  type: string;
  size: number;
  path: string;
  target?: string;
}

/** GNU tar's own listing (`tar -tvf`, compression detected by tar). */
export function listTar(file: string): { entries: TarListItem[]; error?: string } {
  const result = run('tar', ['--quoting-style=escape', '-tvf', file]);
  const entries: TarListItem[] = [];
  for (const line of result.stdout.toString('utf8').split('\n')) {
    const match = /^(\S)\S{9}\S*\s+\S+\s+(\S+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, flag, sizeField, rest] = match;
    const type = flag === '-' && / link to /.test(rest) ? 'h' : flag;
    let name = rest;
    let target: string | undefined;
    if (type === 'l') [name, target] = rest.split(' -> ', 2);
    else if (type === 'h') [name, target] = rest.split(' link to ', 2);
    entries.push({ type, size: /^\d+$/.test(sizeField) ? Number(sizeField) : 0, path: name, target });
  }
  const error = result.status === 0 ? undefined : (result.failure ?? (result.stderr.trim().split('\n').pop() || `tar exited ${result.status}`));
  return { entries, error };
}

/** Extracts an archive with GNU tar into a new temporary directory; the caller removes it. */
export function extractTar(file: string): { dir: string; error?: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cie-conformance-'));
  const result = run('tar', ['-xf', file, '-C', dir, '--no-same-owner']);
  return { dir, error: result.status === 0 ? undefined : (result.failure ?? result.stderr.trim()) };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface SkopeoResult {
  ok: boolean;
  raw?: Buffer;
  error?: string;
}

/** `skopeo inspect --raw [--config] REF`: the exact bytes skopeo reads for a manifest (or config). */
export function skopeoRaw(reference: string, config = false): SkopeoResult {
  const result = run('skopeo', ['inspect', ...(config ? ['--config'] : []), '--raw', reference], { timeoutMs: 30_000 });
  if (result.status !== 0) {
    const message = /msg="(.*)"/.exec(result.stderr)?.[1] ?? result.failure ?? result.stderr.trim();
    return { ok: false, error: message.slice(0, 300) };
  }
  return { ok: true, raw: result.stdout };
}
