import { dirname, join } from 'node:path';
import type { Corpus } from '../lib/corpus';
import type { Cmd } from '../lib/types';

export interface SuiteContext {
  corpus: Corpus;
  /** dist/cli.js */
  cli: string;
  /** dist/bench, where the bundled baselines live. */
  benchDir: string;
  /** The Node that runs the CLI and the Node baselines (--node). */
  node: string;
}

/** The CLI as users run it: its executable, whose shebang (`env -S node …`) finds `context.node` first on PATH. */
export function cliCmd(context: SuiteContext, ...args: string[]): Cmd {
  return { argv: [context.cli, ...args], env: { PATH: `${dirname(context.node)}:${process.env.PATH ?? ''}` } };
}

export function baselineCmd(context: SuiteContext, name: string, ...args: string[]): Cmd {
  return { argv: [context.node, join(context.benchDir, 'baselines', `${name}.js`), ...args] };
}

/** A shell pipeline; `okCodes` allows GNU tar's exit 2 on umoci layers that lack the end-of-archive blocks. */
export function shell(script: string, okCodes = [0]): Cmd {
  return { argv: ['bash', '-c', script], okCodes };
}

export function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
