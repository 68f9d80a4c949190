/**
 * What the filesystem views need from an image manifest: its layers in order and, from the
 * config, the history entry that made each layer (config.md "history": entries with
 * `empty_layer` make no layer).
 */
import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import { historyForLayers, parseImageConfig, type HistoryEntry } from '../model/config';
import type { Descriptor } from '../model/descriptor';
import type { ImageGraph } from '../model/imageGraph';
import { isObject } from '../model/json';
import type { Schema1Document } from '../model/manifest';
import type { ImageSource } from '../sources/imageSource';
import { ReadLimits } from '../sources/limits';
import { readBlob } from '../sources/readBlob';

export interface ImageManifest {
  /** The manifest's digest. */
  digest: string;
  /** `os/arch[/variant]` where known. */
  platform?: string;
  /** Base first. */
  layers: Descriptor[];
  /** Per layer, the config history entry that made it (undefined where the history says nothing). */
  history: Array<HistoryEntry | undefined>;
}

/** Reads the layers and history of the image manifest `digest` of `graph`. */
export async function readImageManifest(source: ImageSource, graph: ImageGraph, digest: string, options: OperationOptions = {}): Promise<ImageManifest> {
  const where = { source: source.location, subject: digest };
  const document = graph.documents.get(digest);
  const node = graph.nodes.find((candidate) => candidate.digest === digest);
  if (document === undefined || node === undefined) throw new ImageError('missing-blob', node?.error ?? 'no readable image manifest with this digest in the source', where);
  if (document.type === 'index') throw new ImageError('usage', 'is an index, not an image manifest: choose one of its images', where);
  if (document.type === 'schema1') return { digest, platform: node.platform, layers: schema1Layers(document), history: schema1History(document) };
  let history: Array<HistoryEntry | undefined> = document.layers.map(() => undefined);
  if (await source.stat(document.config.digest, options)) {
    try {
      const config = parseImageConfig(await readBlob(source, document.config.digest, ReadLimits.config, options), { source: source.location, subject: document.config.digest });
      history = historyForLayers(config, document.layers.length);
    } catch (error) {
      if (error instanceof ImageError && error.code === 'cancelled') throw error;
      // An artifact's config is not an image config; its layers still have files to show.
    }
  }
  return { digest, platform: node.platform, layers: document.layers, history };
}

function schema1Layers(document: Schema1Document): Descriptor[] {
  return document.layerDigests.map((digest) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest, size: -1 }));
}

/** Schema 1 pairs each layer with a v1 JSON whose `container_config.Cmd` made it. */
function schema1History(document: Schema1Document): Array<HistoryEntry | undefined> {
  return document.v1Compatibility.map((text) => {
    try {
      const json: unknown = JSON.parse(text);
      if (!isObject(json)) return undefined;
      const runtime = isObject(json.container_config) ? json.container_config : {};
      const command = Array.isArray(runtime.Cmd) ? runtime.Cmd.filter((part): part is string => typeof part === 'string').join(' ') : undefined;
      return { created: typeof json.created === 'string' ? json.created : undefined, createdBy: command || undefined, emptyLayer: json.throwaway === true };
    } catch {
      return undefined;
    }
  });
}
