/**
 * `--image <manifest-digest>` and `--platform os/arch[/variant]`: which image of a source a
 * command is about. A source with one image needs neither; with several, the error lists them.
 */
import type { OperationOptions } from '../core/cancellation';
import { parseDigest } from '../core/digest';
import { ImageError } from '../core/errors';
import type { ImageLayers } from '../core/filesystem/imageFilesystem';
import { readImageManifest, type ImageManifest } from '../core/filesystem/imageManifest';
import { defaultLayerCacheDirectory } from '../core/layers/cacheDirectory';
import type { LayerReader } from '../core/layers/layerIndex';
import { LayerStore } from '../core/layers/layerStore';
import { parsePlatform } from '../core/model/descriptor';
import { buildImageGraph, type GraphNode, type ImageGraph } from '../core/model/imageGraph';
import { openSource } from '../core/sources/openSource';
import type { ParsedArgs } from './args';

export interface ImageChoice {
  image?: string;
  platform?: string;
}

/** Reads and checks --image and --platform (not both). */
export function imageChoice(args: ParsedArgs, command: string): ImageChoice {
  const image = args.flags.get('image');
  const platform = args.flags.get('platform');
  if (image !== undefined && platform !== undefined) throw new ImageError('usage', `${command}: give --image or --platform, not both`);
  if (typeof image === 'string') parseDigest(image, { subject: '--image' });
  if (typeof platform === 'string' && parsePlatform(platform) === undefined) throw new ImageError('usage', `--platform "${platform}" is not os/arch[/variant]`);
  return { image: typeof image === 'string' ? image : undefined, platform: typeof platform === 'string' ? platform : undefined };
}

/** Image manifests of the graph (not indexes, attestation manifests or artifacts) whose document could be read. */
export function imagesOf(graph: ImageGraph): GraphNode[] {
  return graph.nodes.filter((node) => {
    const type = graph.documents.get(node.digest)?.type;
    return node.kind === 'manifest' && (type === 'manifest' || type === 'schema1');
  });
}

/** The one image `choice` names; a usage error listing the images when that is ambiguous. */
export function selectImage(graph: ImageGraph, choice: ImageChoice): GraphNode {
  const images = imagesOf(graph);
  const where = { source: graph.source.location };
  if (images.length === 0) throw new ImageError('not-an-image', 'holds no image manifest (only indexes, artifacts or attestations)', where);
  if (choice.image !== undefined) {
    const found = images.find((node) => node.digest === choice.image);
    if (found !== undefined) return found;
    const other = graph.nodes.find((node) => node.digest === choice.image);
    const what = other === undefined ? 'is not in this source' : `is ${article(other.kind)} ${other.kind}, not an image manifest`;
    throw new ImageError(other === undefined ? 'missing-blob' : 'usage', `--image ${choice.image} ${what}; images: ${describeImages(images)}`, where);
  }
  let candidates = images;
  if (choice.platform !== undefined) {
    const wanted = choice.platform;
    candidates = images.filter((node) => platformMatches(node.platform, wanted));
    if (candidates.length === 0) throw new ImageError('missing-blob', `no image for platform ${wanted}; images: ${describeImages(images)}`, where);
  }
  if (candidates.length === 1) return candidates[0];
  const how = choice.platform === undefined ? 'choose one with --image <digest> or --platform os/arch[/variant]' : `choose one with --image <digest>`;
  throw new ImageError('usage', `holds ${candidates.length} images${choice.platform === undefined ? '' : ` for ${choice.platform}`}; ${how}: ${describeImages(candidates)}`, where);
}

/** `linux/arm64` matches `linux/arm64` and `linux/arm64/v8`; with a variant, only that variant. */
export function platformMatches(platform: string | undefined, wanted: string): boolean {
  if (platform === undefined) return false;
  return platform === wanted || (wanted.split('/').length === 2 && platform.startsWith(`${wanted}/`));
}

function describeImages(images: readonly GraphNode[]): string {
  return images.map((node) => [node.digest, node.platform, node.names?.join(', ')].filter((part) => part !== undefined && part !== '').join(' ')).join('; ');
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** The image a command works on, its layers, and the reader that indexes and reads them. */
export interface OpenedImage extends ImageLayers {
  graph: ImageGraph;
  manifest: ImageManifest;
}

/**
 * The layer reader of the CLI: LayerStore with its index cache on disk (see defaultLayerCacheDirectory),
 * or in memory only under `--no-index-cache` (CIE_LAYER_INDEX_CACHE=off), which benchmarks use to time
 * a cold listing.
 */
export function cliLayerReader(env: NodeJS.ProcessEnv = process.env): LayerReader {
  if (env.CIE_LAYER_INDEX_CACHE === 'off') return new LayerStore({});
  return new LayerStore({ cacheDirectory: defaultLayerCacheDirectory(env) });
}

/** Opens `spec`, picks the image `choice` names and runs `work` on it; the source is closed after. */
export async function withImage<T>(spec: string, choice: ImageChoice, operation: OperationOptions, work: (image: OpenedImage) => Promise<T>): Promise<T> {
  const source = await openSource(spec, operation);
  try {
    const graph = await buildImageGraph(source, operation);
    const node = selectImage(graph, choice);
    const manifest = await readImageManifest(source, graph, node.digest, operation);
    return await work({ source, graph, manifest, layers: manifest.layers, reader: cliLayerReader() });
  } finally {
    await source.close();
  }
}

/**
 * Where `digest` sits: in the chosen image (with --image/--platform), else in the first image
 * that lists it; a blob no image lists but the source holds is read as a layer on its own.
 */
export async function withLayer<T>(spec: string, digest: string, choice: ImageChoice, operation: OperationOptions, work: (image: ImageLayers, position: number) => Promise<T>): Promise<T> {
  parseDigest(digest, { subject: 'layer digest' });
  const source = await openSource(spec, operation);
  try {
    const graph = await buildImageGraph(source, operation);
    const reader = cliLayerReader();
    const chosen = choice.image === undefined && choice.platform === undefined ? imagesOf(graph) : [selectImage(graph, choice)];
    for (const node of chosen) {
      const manifest = await readImageManifest(source, graph, node.digest, operation);
      const position = manifest.layers.findIndex((layer) => layer.digest === digest);
      if (position >= 0) return await work({ source, layers: manifest.layers, reader }, position);
    }
    const stat = choice.image === undefined && choice.platform === undefined ? await source.stat(digest, operation) : undefined;
    if (stat === undefined) {
      const scope = chosen.length === 1 ? `image ${chosen[0].digest}` : 'any image of the source';
      throw new ImageError('missing-blob', `is not a layer of ${scope}`, { source: source.location, subject: digest });
    }
    return await work({ source, layers: [{ mediaType: '', digest, size: stat.size }], reader }, 0);
  } finally {
    await source.close();
  }
}

/** Entries a view left out (unsafe paths, contradictions), one stderr line each: the listing stays clean. */
export function warnProblems(problems: readonly (readonly string[])[], digests: readonly string[]): void {
  problems.forEach((list, layer) => {
    for (const problem of list) process.stderr.write(`warning: layer ${layer} (${digests[layer] ?? '?'}): ${problem}\n`);
  });
}
