import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollPeakRss } from './rssPoll';
import { median, round } from './stats';
import type { Cmd, Measurement, Sample } from './types';

const GNU_TIME = '/usr/bin/time';
const useGnuTime = existsSync(GNU_TIME);
const scratch = mkdtempSync(join(tmpdir(), 'cie-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

export const rssMethod = useGnuTime ? `${GNU_TIME} -f '%M %U %S'` : 'polling /proc/<pid>/status VmHWM';

export function describe(cmd: Cmd): string {
  const env = Object.entries(cmd.env ?? {}).map(([name, value]) => `${name}=${value.replace(process.env.PATH ?? '', '$PATH')} `).join('');
  return env + cmd.argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Runs a command once with stdout to /dev/null; wall time from spawn to exit, peak RSS of its process tree. */
export function runOnce(cmd: Cmd): Promise<Sample> {
  const timeFile = join(scratch, 'time.out');
  const argv = useGnuTime ? [GNU_TIME, '-f', '%M %U %S', '-o', timeFile, ...cmd.argv] : cmd.argv;
  const devNull = openSync('/dev/null', 'w');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', devNull, 'pipe'], env: cmd.env === undefined ? process.env : { ...process.env, ...cmd.env } });
    const poller = useGnuTime || child.pid === undefined ? undefined : pollPeakRss(child.pid);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      closeSync(devNull);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      closeSync(devNull);
      let rssKb = poller?.stop();
      let cpuMs: number | undefined;
      if (useGnuTime) {
        const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
        const [kb, user, sys] = lines[lines.length - 1].split(' ').map(Number);
        rssKb = Number.isFinite(kb) ? kb : undefined;
        cpuMs = Number.isFinite(user + sys) ? (user + sys) * 1000 : undefined;
        // GNU time writes its own "Command exited with non-zero status" line to -o, not to stderr.
      }
      resolve({ ms, rssKb, cpuMs, code: code ?? (signal ? 128 : 1), stderr });
    });
  });
}

export function isOk(cmd: Cmd, sample: Sample): boolean {
  return (cmd.okCodes ?? [0]).includes(sample.code);
}

export class CommandFailed extends Error {
  constructor(
    readonly cmd: Cmd,
    readonly sample: Sample,
  ) {
    super(`exit ${sample.code}: ${describe(cmd)}\n${sample.stderr.trim().split('\n').slice(0, 3).join('\n')}`);
  }
}

export async function runChecked(cmd: Cmd): Promise<Sample> {
  const sample = await runOnce(cmd);
  if (!isOk(cmd, sample)) throw new CommandFailed(cmd, sample);
  return sample;
}

export function summarize(cmd: Cmd, samples: Sample[], bytes?: number): Measurement {
  const times = samples.map((sample) => sample.ms);
  const cpu = samples.map((sample) => sample.cpuMs).filter((ms): ms is number => ms !== undefined);
  const rss = samples.map((sample) => sample.rssKb).filter((kb): kb is number => kb !== undefined);
  const medianMs = median(times);
  return {
    command: describe(cmd),
    reps: samples.length,
    medianMs: round(medianMs, 1),
    minMs: round(Math.min(...times), 1),
    maxMs: round(Math.max(...times), 1),
    cpuMs: cpu.length > 0 ? round(median(cpu), 0) : undefined,
    peakRssMb: rss.length > 0 ? round(Math.max(...rss) / 1024, 1) : undefined,
    mbPerS: bytes === undefined ? undefined : round(bytes / 1e6 / (medianMs / 1000), 0),
  };
}
