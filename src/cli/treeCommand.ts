import { shortDigest } from '../core/digest';
import { humanSize } from '../core/format';
import { buildImageGraph, childrenOf, graphToJson, type GraphNode, type ImageGraph } from '../core/model/imageGraph';
import { openSource } from '../core/sources/openSource';
import type { CommandContext } from './command';
import { requirePositionals } from './args';
import { writeJson, writeOut } from './output';

export async function treeCommand(context: CommandContext): Promise<number> {
  const [spec] = requirePositionals(context.args, ['source'], 'tree');
  const source = await openSource(spec, context.operation);
  try {
    const graph = await buildImageGraph(source, context.operation);
    if (context.args.flags.has('json')) await writeJson(graphToJson(graph));
    else await writeOut(renderGraph(graph));
    return 0;
  } finally {
    await source.close();
  }
}

function describeNode(node: GraphNode): string {
  const parts = [node.kind, shortDigest(node.digest), humanSize(node.size)];
  if (node.platform) parts.push(node.platform);
  if (node.mediaType) parts.push(node.mediaType);
  if (node.artifactType) parts.push(`artifactType ${node.artifactType}`);
  if (node.attests) parts.push(`describes ${shortDigest(node.attests)}`);
  if (!node.present) parts.push('(not in this source)');
  if (node.error) parts.push(`ERROR: ${node.error}`);
  return parts.join('  ');
}

/** An indented drawing of the graph: each root, then what its documents reference. */
export function renderGraph(graph: ImageGraph): string {
  const byDigest = new Map(graph.nodes.map((node) => [node.digest, node]));
  const lines = [`${graph.source.location}  (${graph.source.format})`];
  const draw = (node: GraphNode, prefix: string, last: boolean, seen: Set<string>) => {
    const label = node.names?.length ? `${node.names.join(', ')}  ` : '';
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${label}${describeNode(node)}`);
    if (seen.has(node.digest)) return;
    const nextSeen = new Set(seen).add(node.digest);
    // Attestation manifests are drawn under the image they describe, not under the index.
    const kids = childrenOf(graph, node, byDigest).filter((kid) => !(node.kind === 'index' && kid.kind === 'attestation-manifest' && kid.attests !== undefined && byDigest.has(kid.attests)));
    kids.forEach((kid, index) => draw(kid, prefix + (last ? '   ' : '│  '), index === kids.length - 1, nextSeen));
  };
  const tops = graph.roots.map((root) => byDigest.get(root.digest)).filter((node): node is GraphNode => node !== undefined);
  for (const node of graph.nodes) if (node.parents.length === 0 && !tops.includes(node) && !node.subject) tops.push(node);
  tops.forEach((node, index) => draw(node, '', index === tops.length - 1 && graph.unreferenced.length === 0, new Set()));
  if (graph.unreferenced.length > 0) {
    lines.push(`└─ unreferenced blobs (${graph.unreferenced.length})`);
    graph.unreferenced.forEach((blob, index) => lines.push(`   ${index === graph.unreferenced.length - 1 ? '└─' : '├─'} ${shortDigest(blob.digest)}  ${humanSize(blob.size)}`));
  }
  return `${lines.join('\n')}\n`;
}
