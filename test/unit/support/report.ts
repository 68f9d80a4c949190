/** The conformance table, written to test-results/conformance.md after the run. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface ReportRow {
  entry: string;
  section: string;
  /** image-source / bare-layer / raw-json / negative, and the on-disk shape. */
  role: string;
  /** Our source kind and format, or the error code we raised. */
  kind: string;
  nodes?: number;
  present?: number;
  absent?: number;
  unreferenced?: number;
  mismatches?: number;
  independent: string[];
  notes: string[];
  verdict?: 'pass' | 'fail' | 'skip';
  reason?: string;
}

const cell = (value: unknown) => (value === undefined || value === '' ? '–' : String(value).replace(/\|/g, '\\|').replace(/\n/g, ' '));

export function renderReport(rows: ReportRow[], header: string): string {
  const passed = rows.filter((row) => row.verdict === 'pass').length;
  const failed = rows.filter((row) => row.verdict === 'fail').length;
  const skipped = rows.length - passed - failed;
  const lines = [
    '# Conformance against the third-party corpus',
    '',
    header,
    '',
    `**${rows.length} entries: ${passed} pass, ${failed} fail, ${skipped} skipped.**`,
    '',
    '| entry | § | role (shape) | kind / format or error | nodes | present/absent | unreferenced | verify mismatches | independent check | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const presence = row.present === undefined ? undefined : `${row.present}/${row.absent ?? 0}`;
    const verdict = `${row.verdict ?? 'skip'}${row.reason ? `: ${row.reason}` : ''}${row.notes.length ? ` — ${row.notes.join('; ')}` : ''}`;
    lines.push(
      `| \`${cell(row.entry)}\` | ${row.section} | ${cell(row.role)} | ${cell(row.kind)} | ${cell(row.nodes)} | ${cell(presence)} | ${cell(row.unreferenced)} | ${cell(row.mismatches)} | ${cell(row.independent.join('; '))} | ${cell(verdict)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function writeReport(file: string, rows: ReportRow[], header: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, renderReport(rows, header));
  const passed = rows.filter((row) => row.verdict === 'pass').length;
  const failed = rows.filter((row) => row.verdict === 'fail');
  return `conformance: ${rows.length} corpus entries, ${passed} pass, ${failed.length} fail${failed.length ? ` (${failed.map((row) => path.basename(row.entry)).join(', ')})` : ''}; table in ${path.relative(process.cwd(), file) || file}`;
}
