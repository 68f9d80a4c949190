import { humanSize } from '../core/format';
import { verifyBlob, type BlobCheck } from '../core/integrity';
import { buildImageGraph } from '../core/model/imageGraph';
import { openSource } from '../core/sources/openSource';
import type { CommandContext } from './command';
import { requirePositionals } from './args';
import { writeJson, writeOut } from './output';

/** `verify <source>`: every blob the source holds, hashed and compared; exit code 1 on any mismatch. */
export async function verifyCommand(context: CommandContext): Promise<number> {
  const [spec] = requirePositionals(context.args, ['source'], 'verify');
  const source = await openSource(spec, context.operation);
  try {
    const graph = await buildImageGraph(source, context.operation);
    const expected = new Map<string, number | undefined>();
    for (const node of graph.nodes) if (node.present) expected.set(node.digest, node.size);
    for (const blob of graph.unreferenced) if (!expected.has(blob.digest)) expected.set(blob.digest, undefined);
    const checks: BlobCheck[] = [];
    for (const [digest, size] of expected) checks.push(await verifyBlob(source, digest, size, context.operation));
    const failed = checks.filter((check) => !check.ok);
    const absent = graph.nodes.filter((node) => !node.present).map((node) => node.digest);
    if (context.args.flags.has('json')) {
      await writeJson({ source: graph.source, ok: failed.length === 0, checked: checks.length, failed: failed.length, absent, blobs: checks });
    } else {
      for (const check of checks) await writeOut(`${check.ok ? 'ok      ' : 'FAILED  '}${check.digest}  ${humanSize(check.size ?? 0)}${check.problem ? `  ${check.problem}` : ''}\n`);
      await writeOut(`${checks.length} blobs checked, ${failed.length} failed${absent.length ? `, ${absent.length} referenced but not in this source` : ''}\n`);
    }
    return failed.length === 0 ? 0 : 1;
  } finally {
    await source.close();
  }
}
