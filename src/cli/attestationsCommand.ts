import { parseDigest, shortDigest } from '../core/digest';
import { ImageError } from '../core/errors';
import { parsePlatform } from '../core/model/descriptor';
import { buildImageGraph, type GraphNode, type ImageGraph } from '../core/model/imageGraph';
import { openSource } from '../core/sources/openSource';
import { attestedImages, collectAttestations, normalisePlatform, type CollectedAttestation } from '../core/supplychain';
import type { CommandContext } from './command';
import { requirePositionals } from './args';
import { writeJson, writeOut } from './output';

/**
 * `attestations <source> [--image <digest> | --platform os/arch[/variant]] [--json]`: every
 * statement attached to the source's images (BuildKit attestation manifests, OCI 1.1 referrers,
 * cosign tags), with its kind and summary. A source without any prints nothing.
 */
export async function attestationsCommand(context: CommandContext): Promise<number> {
  const [spec] = requirePositionals(context.args, ['source'], 'attestations');
  const image = context.args.flags.get('image');
  const platform = context.args.flags.get('platform');
  if (image !== undefined && platform !== undefined) throw new ImageError('usage', 'attestations: give --image or --platform, not both');
  if (typeof image === 'string') parseDigest(image, { subject: '--image' });
  if (typeof platform === 'string' && parsePlatform(platform) === undefined) throw new ImageError('usage', `--platform "${platform}" is not os/arch[/variant]`);
  const source = await openSource(spec, context.operation);
  try {
    const graph = await buildImageGraph(source, context.operation);
    const images = selectImages(graph, typeof image === 'string' ? image : undefined, typeof platform === 'string' ? platform : undefined);
    const collected: CollectedAttestation[] = [];
    for (const node of images) collected.push(...(await collectAttestations(source, graph, node.digest, context.operation)));
    const byDigest = new Map(graph.nodes.map((node) => [node.digest, node]));
    if (context.args.flags.has('json')) await writeJson(collected.map((item) => attestationToJson(item, byDigest)));
    else await writeOut(renderAttestations(collected));
    return 0;
  } finally {
    await source.close();
  }
}

function selectImages(graph: ImageGraph, image: string | undefined, platform: string | undefined): GraphNode[] {
  const attested = attestedImages(graph);
  if (image !== undefined) {
    if (!graph.nodes.some((node) => node.digest === image)) throw new ImageError('missing-blob', 'no manifest with this digest in the source', { source: graph.source.location, subject: image });
    return attested.filter((node) => node.digest === image);
  }
  if (platform === undefined) return attested;
  const images = graph.nodes.filter((node) => node.kind === 'manifest' && platformMatches(normalisePlatform(node.platform), platform));
  if (images.length === 0) {
    const known = [...new Set(graph.nodes.map((node) => (node.kind === 'manifest' ? normalisePlatform(node.platform) : undefined)).filter((text) => text !== undefined))];
    throw new ImageError('missing-blob', `no image for platform ${platform} in this source (platforms: ${known.join(', ') || 'none'})`, { source: graph.source.location });
  }
  return attested.filter((node) => images.includes(node));
}

/** `linux/arm64` matches `linux/arm64` and `linux/arm64/v8`; with a variant, only that variant. */
function platformMatches(nodePlatform: string | undefined, wanted: string): boolean {
  if (nodePlatform === undefined) return false;
  return nodePlatform === wanted || (wanted.split('/').length === 2 && nodePlatform.startsWith(`${wanted}/`));
}

/** The JSON shape of `attestations --json`, one object per statement; stable: add fields, never rename. */
export function attestationToJson(item: CollectedAttestation, nodes: ReadonlyMap<string, GraphNode>): object {
  const { summary } = item;
  return {
    image: item.image,
    platform: item.platform ?? null,
    source: item.origin,
    container: item.container,
    layer: item.layer?.digest ?? null,
    mediaType: item.layer?.mediaType ?? nodes.get(item.container)?.mediaType ?? null,
    artifactType: item.artifactType ?? null,
    kind: summary.kind,
    format: summary.format,
    predicateType: summary.predicateType ?? null,
    subjects: summary.subjects,
    label: summary.label,
    packageCount: summary.packageCount ?? null,
    builderId: summary.builderId ?? null,
    signer: summary.signer ?? null,
    envelopes: summary.envelopes ?? [],
    problems: summary.problems,
  };
}

/** Per image: one block per statement, its label first, then where it came from and what it names. */
export function renderAttestations(items: CollectedAttestation[]): string {
  const lines: string[] = [];
  let currentImage: string | undefined;
  for (const item of items) {
    if (item.image !== currentImage) {
      currentImage = item.image;
      lines.push(`${item.image}${item.platform ? `  ${item.platform}` : ''}`);
    }
    const { summary } = item;
    lines.push(`  ${summary.kind.padEnd(20)} ${summary.label}`);
    const indent = ' '.repeat(23);
    if (summary.predicateType) lines.push(`${indent}predicate ${summary.predicateType}`);
    lines.push(`${indent}from ${item.origin} ${shortDigest(item.container)}${item.layer ? `, layer ${shortDigest(item.layer.digest)} (${item.layer.mediaType})` : ''}`);
    for (const subject of summary.subjects.slice(0, 5)) lines.push(`${indent}subject ${subject.name ? `${subject.name}  ` : ''}${subject.digest}`);
    if (summary.subjects.length > 5) lines.push(`${indent}… and ${summary.subjects.length - 5} more subjects`);
    for (const problem of summary.problems) lines.push(`${indent}problem: ${problem}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
