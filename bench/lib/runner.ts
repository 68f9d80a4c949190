import { CommandFailed, describe, isOk, runChecked, runOnce, summarize } from './measure';
import { round } from './stats';
import type { Benchmark, Cmd, Measurement, Row, Sample, Target } from './types';

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

/** Measurements already taken in this run, by command line (a command shared by two rows runs once). */
export type Memo = Map<string, Measurement>;

/**
 * One warm-up run of each command (warms the page cache, probes whether the CLI has the command),
 * then `reps` repetitions with ours and the baseline interleaved so both see the same machine state.
 */
export async function runBenchmark(bench: Benchmark, reps: number, memo: Memo, baselinesOnly = false): Promise<Row> {
  const row: Row = { name: bench.name, description: bench.description, metric: bench.metric, status: 'ok', target: bench.target, baselineLabel: bench.baseline?.label };
  const oursKey = describe(bench.ours);
  const baseKey = bench.baseline ? describe(bench.baseline.cmd) : undefined;
  if (baselinesOnly) return runBaselineOnly(bench, reps, memo, row);
  try {
    if (!memo.has(oursKey)) {
      const probe = await runOnce(bench.ours);
      if (probe.code === 2) return { ...row, status: 'skipped', note: `command not available yet (${firstLine(probe.stderr)})` };
      if (!isOk(bench.ours, probe)) return { ...row, status: 'error', note: `ours failed: exit ${probe.code}: ${firstLine(probe.stderr)}` };
    }
    if (bench.prepare) await runChecked(bench.prepare);
    if (bench.baseline && baseKey && !memo.has(baseKey)) await runChecked(bench.baseline.cmd);
    const ours: Sample[] = [];
    const base: Sample[] = [];
    for (let i = 0; i < reps; i++) {
      if (!memo.has(oursKey)) ours.push(await runChecked(bench.ours));
      if (bench.baseline && baseKey && !memo.has(baseKey)) base.push(await runChecked(bench.baseline.cmd));
    }
    remember(memo, oursKey, bench.ours, ours, bench.bytes);
    if (bench.baseline && baseKey) remember(memo, baseKey, bench.baseline.cmd, base, bench.bytes);
  } catch (error) {
    const note = error instanceof CommandFailed ? error.message.replace(/\n/g, ' | ') : (error as Error).message;
    return { ...row, status: 'error', note };
  }
  row.ours = memo.get(oursKey);
  row.baseline = baseKey ? memo.get(baseKey) : undefined;
  if (row.ours && row.baseline) row.ratio = ratio(bench, row.ours, row.baseline);
  row.pass = judge(bench.target, row);
  return row;
}

/** --baselines-only: checks the harness and the baselines before the CLI has the command. */
async function runBaselineOnly(bench: Benchmark, reps: number, memo: Memo, row: Row): Promise<Row> {
  if (!bench.baseline) return { ...row, status: 'skipped', note: 'no baseline' };
  const { cmd } = bench.baseline;
  const key = describe(cmd);
  try {
    if (!memo.has(key)) {
      await runChecked(cmd);
      const samples: Sample[] = [];
      for (let i = 0; i < reps; i++) samples.push(await runChecked(cmd));
      remember(memo, key, cmd, samples, bench.bytes);
    }
  } catch (error) {
    return { ...row, status: 'error', note: (error as Error).message.replace(/\n/g, ' | ') };
  }
  return { ...row, baseline: memo.get(key), note: 'baseline only' };
}

function remember(memo: Memo, key: string, cmd: Cmd, samples: Sample[], bytes?: number): void {
  if (!memo.has(key)) memo.set(key, summarize(cmd, samples, bytes));
}

function ratio(bench: Benchmark, ours: Measurement, base: Measurement): number {
  if (bench.metric === 'throughput') return round((ours.mbPerS ?? 0) / (base.mbPerS ?? 1), 2);
  return round(ours.medianMs / base.medianMs, 2);
}

function judge(target: Target | undefined, row: Row): boolean | undefined {
  if (!target) return undefined;
  const checks: boolean[] = [];
  if (target.maxRatio !== undefined) checks.push(row.ratio !== undefined && row.ratio <= target.maxRatio);
  if (target.minRatio !== undefined) checks.push(row.ratio !== undefined && row.ratio >= target.minRatio);
  if (target.maxRssMb !== undefined) checks.push(row.ours?.peakRssMb !== undefined && row.ours.peakRssMb < target.maxRssMb);
  return checks.every(Boolean);
}
