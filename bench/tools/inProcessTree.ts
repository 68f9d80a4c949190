// What opening a source costs once Node is running (as in the extension host): open + the whole
// image graph, in this process, median of 7. The CLI's `tree` rows add process start-up to this.
// Usage: node dist/bench/tools/inProcessTree.js SOURCE [SOURCE…]
import { buildImageGraph } from '../../src/core/model/imageGraph';
import { openSource } from '../../src/core/sources/openSource';

const REPETITIONS = 7;

async function medianMs(spec: string): Promise<{ median: number; min: number }> {
  const times: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const started = performance.now();
    const source = await openSource(spec);
    try {
      await buildImageGraph(source);
    } finally {
      await source.close();
    }
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(REPETITIONS / 2)], min: times[0] };
}

async function main(specs: string[]): Promise<void> {
  if (specs.length === 0) throw new Error('usage: inProcessTree SOURCE [SOURCE…]');
  for (const spec of specs) {
    const { median, min } = await medianMs(spec);
    process.stdout.write(`${spec}: open + image graph in process, median ${median.toFixed(1)} ms (min ${min.toFixed(1)}) of ${REPETITIONS}\n`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`inProcessTree: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
