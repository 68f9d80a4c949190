import { CommandFailed, describe, isOk, runChecked, runOnce, summarize } from './measure';
import { median, round } from './stats';
import type { Benchmark, Cmd, FixedCost, Measurement, Row, Sample, Target } from './types';

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
    await bench.setup?.();
    if (!memo.has(oursKey)) {
      const probe = await runOnce(bench.ours);
      if (probe.code === 2) return { ...row, status: 'skipped', note: `command not available yet (${firstLine(probe.stderr)})` };
      if (!isOk(bench.ours, probe)) return { ...row, status: 'error', note: `ours failed: exit ${probe.code}: ${firstLine(probe.stderr)}` };
    }
    if (bench.prepare) await runChecked(bench.prepare);
    if (bench.baseline && baseKey && !memo.has(baseKey)) await runChecked(bench.baseline.cmd);
    const ours: Sample[] = [];
    const base: Sample[] = [];
    const counted: { ours: Array<Record<string, number>>; baseline: Array<Record<string, number>> } = { ours: [], baseline: [] };
    const measure = async (cmd: Cmd, samples: Sample[], counts: Array<Record<string, number>>) => {
      bench.counters?.reset();
      samples.push(await runChecked(cmd));
      if (bench.counters) counts.push(bench.counters.read());
    };
    for (let i = 0; i < reps; i++) {
      if (!memo.has(oursKey)) await measure(bench.ours, ours, counted.ours);
      if (bench.baseline && baseKey && !memo.has(baseKey)) await measure(bench.baseline.cmd, base, counted.baseline);
    }
    if (counted.ours.length > 0) row.counters = { ours: medianCounters(counted.ours), baseline: counted.baseline.length > 0 ? medianCounters(counted.baseline) : undefined };
    remember(memo, oursKey, bench.ours, ours, bench.bytes);
    if (bench.baseline && baseKey) remember(memo, baseKey, bench.baseline.cmd, base, bench.bytes);
  } catch (error) {
    const note = error instanceof CommandFailed ? error.message.replace(/\n/g, ' | ') : (error as Error).message;
    return { ...row, status: 'error', note };
  }
  row.ours = memo.get(oursKey);
  row.baseline = baseKey ? memo.get(baseKey) : undefined;
  if (row.ours && row.baseline) row.ratio = ratio(bench, row.ours, row.baseline);
  if (bench.fixedCost && row.ours && row.baseline) {
    try {
      Object.assign(row, await sustained(bench.fixedCost, bench.bytes ?? 0, reps, row.ours, row.baseline));
    } catch (error) {
      return { ...row, status: 'error', note: `fixed-cost commands: ${(error as Error).message.replace(/\n/g, ' | ')}` };
    }
  }
  row.pass = judge(bench.target, row);
  return row;
}

/** Measures the fixed-cost commands and derives the sustained ratio (see FixedCost). */
async function sustained(fixed: FixedCost, bytes: number, reps: number, ours: Measurement, base: Measurement): Promise<Pick<Row, 'sustainedRatio' | 'fixedMs'>> {
  await runChecked(fixed.ours);
  await runChecked(fixed.baseline);
  const fixedOurs: Sample[] = [];
  const fixedBase: Sample[] = [];
  for (let i = 0; i < reps; i++) {
    fixedOurs.push(await runChecked(fixed.ours));
    fixedBase.push(await runChecked(fixed.baseline));
  }
  const oursMs = median(fixedOurs.map((s) => s.ms));
  const baseMs = median(fixedBase.map((s) => s.ms));
  // Rates in bytes per ms; a copy faster than the noise of the fixed cost is clamped to 1 ms.
  const rate = (total: number, fixedMs: number) => (bytes - fixed.bytes) / Math.max(total - fixedMs, 1);
  return { sustainedRatio: round(rate(ours.medianMs, oursMs) / rate(base.medianMs, baseMs), 2), fixedMs: { ours: round(oursMs, 1), baseline: round(baseMs, 1) } };
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

function medianCounters(samples: Array<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.keys(samples[0]).map((name) => [name, median(samples.map((sample) => sample[name] ?? 0))]));
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
  if (target.maxMs !== undefined) checks.push(row.ours !== undefined && row.ours.medianMs < target.maxMs);
  if (target.minSustainedRatio !== undefined) checks.push(row.sustainedRatio !== undefined && row.sustainedRatio >= target.minSustainedRatio);
  for (const [name, bound] of Object.entries(target.maxCounters ?? {})) checks.push(row.counters?.ours[name] !== undefined && row.counters.ours[name] <= bound);
  return checks.every(Boolean);
}
