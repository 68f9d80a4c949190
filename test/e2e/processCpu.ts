// CPU time of the extension host that serves one workbench page, read from /proc (Linux): the
// outside view that tells whether work inside the extension really stopped.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The pid whose environment holds `NAME=value` (an extensionEnvironment marker only one page has), if one runs. */
export function findProcessByEnvironment(name: string, value: string): number | undefined {
  const wanted = `${name}=${value}`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(wanted)) return Number(entry);
    } catch {
      // gone, or not ours to read
    }
  }
  return undefined;
}

/** User plus system CPU seconds the process (all its threads) has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds the process used during the next `milliseconds` of wall time. */
export async function cpuDuring(pid: number, milliseconds: number): Promise<number> {
  const before = cpuSeconds(pid);
  await new Promise((resolve) => setTimeout(resolve, milliseconds));
  return cpuSeconds(pid) - before;
}
