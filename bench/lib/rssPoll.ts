import { readFileSync } from 'node:fs';

/** VmHWM (kB) of a process, or 0 when it is gone. */
function highWaterKb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Fallback when /usr/bin/time is missing: polls VmHWM of a process and its descendants every
 * `intervalMs` and keeps the largest (so a pipeline reports its largest process, like GNU time).
 */
export function pollPeakRss(rootPid: number, intervalMs = 10): { stop(): number } {
  let peak = 0;
  const poll = () => {
    const queue = [rootPid];
    while (queue.length > 0) {
      const pid = queue.pop() as number;
      peak = Math.max(peak, highWaterKb(pid));
      queue.push(...children(pid));
    }
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
