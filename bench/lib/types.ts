/** A command to spawn: argv[0] is looked up on PATH. */
export interface Cmd {
  argv: string[];
  /** Added to the environment of the command. */
  env?: Record<string, string>;
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[];
}

export type Metric = 'time' | 'throughput';

export interface Target {
  /** ratio = ours / baseline for time (lower is better), ours / baseline MB/s for throughput (higher is better). */
  maxRatio?: number;
  minRatio?: number;
  maxRssMb?: number;
  /** Absolute bound on our median wall time. */
  maxMs?: number;
  /** For throughput rows with a fixedCost: ours / baseline of the sustained copy rate (start-up excluded). */
  minSustainedRatio?: number;
  /** Upper bounds on the medians of our counters (requests, bytes on the wire). */
  maxCounters?: Record<string, number>;
}

/** Numbers the commands move outside their process (a proxy's requests and bytes): reset before each run, read after. */
export interface Counters {
  reset(): void;
  read(): Record<string, number>;
}

/**
 * The same commands on a tiny object of the same source: their time is process start-up, opening the
 * source and finding the blob. Subtracting it gives the sustained rate of the copy itself.
 */
export interface FixedCost {
  ours: Cmd;
  baseline: Cmd;
  /** Bytes the tiny commands copy. */
  bytes: number;
}

export interface Benchmark {
  name: string;
  description: string;
  metric: Metric;
  ours: Cmd;
  /** Omitted: time and memory only. */
  baseline?: { label: string; cmd: Cmd };
  /** Bytes processed, for MB/s (throughput metric). */
  bytes?: number;
  target?: Target;
  /** Run once before measuring (e.g. build an index). */
  prepare?: Cmd;
  /** In-process work before anything of the row runs (start a server its commands talk to). */
  setup?: () => Promise<void>;
  /** Counted for every measured run of ours and of the baseline; the medians are reported. */
  counters?: Counters;
  fixedCost?: FixedCost;
}

export interface Sample {
  ms: number;
  rssKb: number | undefined;
  /** user + system CPU time (GNU time only). */
  cpuMs?: number;
  code: number;
  stderr: string;
}

export interface Measurement {
  command: string;
  reps: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median user + system CPU time of the process tree (GNU time only): less sensitive to a busy machine. */
  cpuMs?: number;
  /** Largest peak RSS over the repetitions (for a pipeline: its largest process). */
  peakRssMb: number | undefined;
  mbPerS?: number;
}

export type RowStatus = 'ok' | 'skipped' | 'error';

export interface Row {
  name: string;
  description: string;
  metric: Metric;
  status: RowStatus;
  note?: string;
  ours?: Measurement;
  baselineLabel?: string;
  baseline?: Measurement;
  ratio?: number;
  /** (bytes − fixed bytes) / (median − fixed median), ours / baseline; rows with a fixedCost only. */
  sustainedRatio?: number;
  /** Medians of the row's counters, ours and baseline. */
  counters?: { ours: Record<string, number>; baseline?: Record<string, number> };
  /** Median wall time of the fixedCost commands. */
  fixedMs?: { ours: number; baseline: number };
  target?: Target;
  /** undefined when there is no target or the row did not run. */
  pass?: boolean;
}
