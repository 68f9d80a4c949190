import { throwIfCancelled, type OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import { hashReadable } from '../integrity';
import { isObject, parseJson } from '../model/json';
import type { SavedImage } from './dockerSaveManifest';
import type { FileTree } from './fileTree';
import { ReadLimits } from './limits';

/** Longest parent chain we follow in a pre-1.10 save (Docker's own limit was 127 layers). */
const MAX_CHAIN = 1000;

/**
 * Converts a pre-Docker-1.10 save (`repositories` + `<id>/json` + `<id>/layer.tar`, no
 * manifest.json) the way Docker 1.10's migration did: the top image's v1 JSON becomes the config,
 * with `rootfs.diff_ids` from the layer tars' sha256 and one history entry per v1 image.
 */
export async function convertV1Save(tree: FileTree, location: string, options: OperationOptions = {}): Promise<SavedImage[]> {
  const where = { source: location, subject: 'repositories' };
  const repositories = parseJson(await tree.read('repositories', ReadLimits.archiveMetadata), where);
  if (!isObject(repositories)) throw new ImageError('bad-json', 'is not a JSON object of repositories', where);
  const namesById = new Map<string, string[]>();
  for (const [repository, tags] of Object.entries(repositories)) {
    if (!isObject(tags)) continue;
    for (const [tag, id] of Object.entries(tags)) {
      if (typeof id !== 'string' || !/^[a-f0-9]{64}$/.test(id)) continue;
      namesById.set(id, [...(namesById.get(id) ?? []), `${repository}:${tag}`]);
    }
  }
  const images: SavedImage[] = [];
  for (const [topId, names] of namesById) {
    const chain: Array<{ id: string; json: Record<string, unknown> }> = [];
    for (let id: string | undefined = topId; id !== undefined; ) {
      if (chain.length >= MAX_CHAIN || chain.some((link) => link.id === id)) {
        throw new ImageError('corrupt', `the parent chain of ${topId} loops or is longer than ${MAX_CHAIN}`, { source: location, subject: `${id}/json` });
      }
      const json = parseJson(await tree.read(`${id}/json`, ReadLimits.config), { source: location, subject: `${id}/json` });
      if (!isObject(json)) throw new ImageError('bad-json', 'is not a JSON object', { source: location, subject: `${id}/json` });
      chain.push({ id, json });
      id = typeof json.parent === 'string' && /^[a-f0-9]{64}$/.test(json.parent) ? json.parent : undefined;
    }
    chain.reverse();
    const diffIds: string[] = [];
    const history: Array<Record<string, unknown>> = [];
    for (const { id, json } of chain) {
      throwIfCancelled(options.signal, 'reading a pre-1.10 docker save');
      const layerPath = `${id}/layer.tar`;
      const size = await tree.size(layerPath);
      const containerConfig = isObject(json.container_config) ? json.container_config : {};
      const createdBy = Array.isArray(containerConfig.Cmd) ? containerConfig.Cmd.join(' ') : '';
      if (size === undefined) {
        history.push({ created: json.created, created_by: createdBy, empty_layer: true });
        continue;
      }
      const { digest } = await hashReadable(await tree.open(layerPath), 'sha256', { ...options, total: size, what: `Hashing ${layerPath}` });
      diffIds.push(digest);
      history.push({ created: json.created, created_by: createdBy });
    }
    const top = { ...chain[chain.length - 1].json };
    delete top.id;
    delete top.parent;
    delete top.Size;
    const config = { ...top, rootfs: { type: 'layers', diff_ids: diffIds }, history };
    images.push({
      names,
      config: { bytes: Buffer.from(JSON.stringify(config)) },
      layers: await filterExisting(tree, chain.map(({ id }) => `${id}/layer.tar`)),
      layerSources: {},
    });
  }
  return images;
}

/** Only v1 images whose layer.tar exists contribute layers, which keeps the list aligned with diff_ids. */
async function filterExisting(tree: FileTree, paths: string[]): Promise<string[]> {
  const kept: string[] = [];
  for (const path of paths) if ((await tree.size(path)) !== undefined) kept.push(path);
  return kept;
}
