/**
 * The filesystem views of one image, from its manifest's layer descriptors and a LayerReader:
 * indexes come from the reader (one pass per layer, cached), file data from `readEntry` of the
 * layer that holds it. Nothing here reads file data until a file is opened.
 */
import type { Readable } from 'node:stream';
import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import type { LayerIndex, LayerReader } from '../layers/layerIndex';
import type { Descriptor } from '../model/descriptor';
import { normalizeEntryPath } from '../tar/paths';
import type { TarEntry } from '../tar/tarEntry';
import type { ImageSource } from '../sources/imageSource';
import { LayerView } from './layerView';
import { resolveFile } from './links';
import { mergeLayersAsync, type MergedFilesystem } from './mergedFilesystem';
import type { FileSystemView, LinkedFile } from './view';

/** Layers indexed at once: decoding is CPU-bound, and two keep two cores busy. */
const CONCURRENT_INDEXES = 2;

export interface ImageLayers {
  source: ImageSource;
  /** The manifest's layers, base first. */
  layers: readonly Descriptor[];
  reader: LayerReader;
}

/** Indexes every layer and applies them in order (letting the event loop run; `options.signal` stops it). */
export async function loadMergedFilesystem(image: ImageLayers, options: OperationOptions = {}): Promise<MergedFilesystem> {
  const indexes = await indexLayers(image, options);
  return mergeLayersAsync(indexes.map((index, position) => ({ digest: image.layers[position].digest, entries: index.entries })), options);
}

/** One layer on its own; `position` is its index in the manifest (0 = base). */
export async function loadLayerView(image: ImageLayers, position: number, options: OperationOptions = {}): Promise<LayerView> {
  const layer = image.layers[position];
  if (layer === undefined) throw new RangeError(`no layer ${position} (the image has ${image.layers.length})`);
  const index = await image.reader.index(image.source, layer, options);
  return LayerView.build(position, layer.digest, index.entries);
}

/**
 * One layer's view, enough to read the file at `path`: when neither the path nor any directory on
 * it is a link, only the entries on that path and beneath it matter (a file with entries beneath it
 * reads as a directory), so the view is built from those alone; a big layer then costs a filter
 * instead of a whole tree. Anything else (links, '.' or '..' in the path) gets the whole layer.
 */
export async function loadLayerViewFor(image: ImageLayers, position: number, path: string, options: OperationOptions = {}): Promise<LayerView> {
  const layer = image.layers[position];
  if (layer === undefined) throw new RangeError(`no layer ${position} (the image has ${image.layers.length})`);
  const index = await image.reader.index(image.source, layer, options);
  const target = plainPath(path);
  if (target === undefined) return LayerView.build(position, layer.digest, index.entries);
  const onPath: TarEntry[] = [];
  const beneathTarget = `${target}/`;
  for (const entry of index.entries) {
    const entryPath = normalizeEntryPath(entry.path);
    if (entryPath === undefined) continue;
    // No string is built per entry: this loop runs over every entry of a big layer.
    const isAncestor = entryPath === '' || (target.length > entryPath.length && target.charCodeAt(entryPath.length) === 0x2f && target.startsWith(entryPath));
    const isSelfOrAncestor = entryPath === target || isAncestor;
    if (isSelfOrAncestor && (entry.type === 'symlink' || entry.type === 'hardlink')) return LayerView.build(position, layer.digest, index.entries);
    if (isSelfOrAncestor || entryPath.startsWith(beneathTarget)) onPath.push(entry);
  }
  return LayerView.build(position, layer.digest, onPath);
}

/** `path` without a leading '/', when it has no empty, '.' or '..' segment; else undefined. */
function plainPath(path: string): string | undefined {
  const trimmed = path.replace(/^\/+/, '');
  const segments = trimmed.split('/');
  return trimmed !== '' && segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..') ? trimmed : undefined;
}

/** The position of the first layer with this digest, or undefined. */
export function findLayer(layers: readonly Descriptor[], digest: string): number | undefined {
  const position = layers.findIndex((layer) => layer.digest === digest);
  return position < 0 ? undefined : position;
}

/**
 * Streams the file `path` names in `view` (symlinks and hard links followed inside the image)
 * from the layer that holds its data.
 */
export async function openFile(image: ImageLayers, view: FileSystemView, path: string, options: OperationOptions = {}): Promise<{ file: LinkedFile; data: Readable }> {
  const file = resolveFile(view, path, { source: image.source.location });
  const layer = image.layers[file.layer];
  if (layer === undefined) throw new ImageError('corrupt', `the view names layer ${file.layer}, which the image does not have`, { source: image.source.location, subject: path });
  return { file, data: await image.reader.readEntry(image.source, layer, file.entry, undefined, options) };
}

async function indexLayers(image: ImageLayers, options: OperationOptions): Promise<LayerIndex[]> {
  const indexes: LayerIndex[] = new Array(image.layers.length);
  let next = 0;
  const worker = async () => {
    while (next < image.layers.length) {
      const position = next++;
      try {
        indexes[position] = await image.reader.index(image.source, image.layers[position], options);
      } catch (error) {
        next = image.layers.length; // the other worker stops after its current layer
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_INDEXES, image.layers.length) }, worker));
  return indexes;
}
