import type { Measurement, Metric, Row, Target } from './types';

export interface RunInfo {
  date: string;
  name: string;
  command: string;
  reps: number;
  node: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  commit: string;
  cliVersion: string;
  rssMethod: string;
  corpus: string;
  loadAverage: number[];
}

const HEADERS = ['benchmark', 'ours', 'baseline', 'ratio', 'target', 'pass', 'peak RSS ours / baseline'];

function value(metric: Metric, m: Measurement | undefined): string {
  if (!m) return '-';
  return metric === 'throughput' ? `${m.mbPerS} MB/s (${m.medianMs} ms)` : `${m.medianMs} ms`;
}

export function targetText(target: Target | undefined): string {
  if (!target) return 'report';
  const parts: string[] = [];
  if (target.maxRatio !== undefined) parts.push(`≤ ${target.maxRatio}×`);
  if (target.minRatio !== undefined) parts.push(`≥ ${target.minRatio}×`);
  if (target.maxRssMb !== undefined) parts.push(`RSS < ${target.maxRssMb} MB`);
  if (target.maxMs !== undefined) parts.push(`< ${target.maxMs} ms`);
  if (target.minSustainedRatio !== undefined) parts.push(`sustained ≥ ${target.minSustainedRatio}×`);
  for (const [name, bound] of Object.entries(target.maxCounters ?? {})) parts.push(`${name} ≤ ${bound}`);
  return parts.join(', ');
}

function cells(row: Row): string[] {
  const rss = (m: Measurement | undefined) => (m?.peakRssMb === undefined ? '-' : `${m.peakRssMb} MB`);
  const status = row.status === 'ok' ? (row.pass === undefined ? 'n/a' : row.pass ? 'PASS' : 'FAIL') : row.status.toUpperCase();
  const baseline = row.baselineLabel ? `${row.baselineLabel}: ${value(row.metric, row.baseline)}` : '-';
  const sustained = row.sustainedRatio === undefined ? '' : ` (sustained ${row.sustainedRatio}×)`;
  return [row.name, value(row.metric, row.ours), baseline, row.ratio === undefined ? '-' : `${row.ratio}×${sustained}`, targetText(row.target), status, `${rss(row.ours)} / ${rss(row.baseline)}`];
}

/** A plain-text table for the terminal, with notes for skipped and failed rows. */
export function textTable(rows: Row[]): string {
  const table = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...table.map((r) => [...r[i]].length)));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join('  ').trimEnd();
  const notes = rows.filter((r) => r.note || r.counters).map((r) => `  ${r.name}: ${[countersText(r), r.note].filter(Boolean).join('; ')}`);
  return [line(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line), ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}

/** `ours requests 1, bytes 3172 / baseline requests 4, bytes 5120`, for rows with counters. */
export function countersText(row: Row): string {
  if (!row.counters) return '';
  const list = (counts: Record<string, number>) => Object.entries(counts).map(([name, count]) => `${name} ${count}`).join(', ');
  return `ours ${list(row.counters.ours)}${row.counters.baseline ? ` / baseline ${list(row.counters.baseline)}` : ''}`;
}

function detail(m: Measurement): string {
  return `median ${m.medianMs} ms, min ${m.minMs}, max ${m.maxMs}${m.cpuMs === undefined ? '' : `, CPU ${m.cpuMs} ms`}`;
}

export function markdown(info: RunInfo, rows: Row[]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const out = [
    `# Benchmark ${info.name} (${info.date})`,
    '',
    `- command: \`${info.command}\``,
    `- ${info.reps} repetitions per command after one warm-up run (warm page cache), ours and baseline interleaved; medians reported`,
    `- machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGb} GB, Linux ${info.kernel}, Node ${info.node}`,
    `- repo commit ${info.commit}, CLI version ${info.cliVersion}`,
    `- peak RSS via ${info.rssMethod} (for a pipeline: its largest process)`,
    `- corpus: ${info.corpus}`,
    `- load average at the start: ${info.loadAverage.map((l) => l.toFixed(1)).join(' ')} (other work on the machine makes wall times noisy; CPU times are in the details)`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `| ${HEADERS.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${cells(row).map(esc).join(' | ')} |`),
    '',
    '## Commands',
    '',
  ];
  for (const row of rows) {
    out.push(`- **${row.name}**: ${row.description}${row.note ? ` — _${row.note}_` : ''}`);
    if (row.ours) out.push(`  - ours: \`${row.ours.command}\` (${detail(row.ours)})`);
    if (row.baseline) out.push(`  - baseline: \`${row.baseline.command}\` (${detail(row.baseline)})`);
    if (row.counters) out.push(`  - counted: ${countersText(row)}`);
    if (row.fixedMs) out.push(`  - fixed cost (the same commands on a tiny blob: start-up, opening the source, finding the blob): ours ${row.fixedMs.ours} ms, baseline ${row.fixedMs.baseline} ms; the sustained ratio divides the remaining time`);
  }
  return `${out.join('\n')}\n`;
}
