import { ImageError } from '../errors';
import type { Descriptor } from '../model/descriptor';
import { isObject, parseJson } from '../model/json';
import type { FileTree } from './fileTree';
import { ReadLimits } from './limits';

/** One image of a `docker save` archive, from its manifest.json (or converted from a pre-1.10 save). */
export interface SavedImage {
  names: string[];
  /** Where the config is: an archive path, or bytes synthesised from a pre-1.10 save. */
  config: { path: string } | { bytes: Buffer };
  /** Archive paths of the layer files, base first. */
  layers: string[];
  /** Foreign layers (Windows base layers) that the archive does not hold, by diff_id. */
  layerSources: Record<string, Descriptor>;
}

/** Reads and checks Docker's manifest.json (moby image/tarexport: `[{Config, RepoTags, Layers, LayerSources}]`). */
export async function readManifestJson(tree: FileTree, location: string): Promise<SavedImage[]> {
  const where = { source: location, subject: 'manifest.json' };
  const json = parseJson(await tree.read('manifest.json', ReadLimits.archiveMetadata), where);
  if (!Array.isArray(json)) throw new ImageError('bad-json', 'is not a JSON array of images', where);
  return json.map((item, index): SavedImage => {
    if (!isObject(item)) throw new ImageError('bad-json', `entry ${index} is not an object`, where);
    if (typeof item.Config !== 'string') throw new ImageError('bad-json', `entry ${index} has no "Config" path`, where);
    if (!Array.isArray(item.Layers) || item.Layers.some((layer) => typeof layer !== 'string')) {
      throw new ImageError('bad-json', `entry ${index} has no "Layers" list of paths`, where);
    }
    const names = Array.isArray(item.RepoTags) ? item.RepoTags.filter((tag): tag is string => typeof tag === 'string') : [];
    const layerSources: Record<string, Descriptor> = {};
    if (isObject(item.LayerSources)) {
      for (const [diffId, descriptor] of Object.entries(item.LayerSources)) {
        if (isObject(descriptor) && typeof descriptor.digest === 'string' && typeof descriptor.size === 'number') {
          layerSources[diffId] = descriptor as unknown as Descriptor;
        }
      }
    }
    return { names, config: { path: item.Config }, layers: item.Layers as string[], layerSources };
  });
}
