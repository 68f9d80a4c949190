import { ImageError } from '../errors';
import { isDigest } from '../digest';
import type { Descriptor, Platform } from './descriptor';
import { isObject, parseJson, stringRecord } from './json';

/** OCI image-spec config.md (and Docker's image JSON, which it is a subset of). */
export interface HistoryEntry {
  created?: string;
  createdBy?: string;
  author?: string;
  comment?: string;
  emptyLayer: boolean;
}

export interface ImageConfig {
  platform: Platform;
  created?: string;
  author?: string;
  env: string[];
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  user?: string;
  labels: Record<string, string>;
  exposedPorts: string[];
  volumes: string[];
  stopSignal?: string;
  history: HistoryEntry[];
  diffIds: string[];
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function parseImageConfig(bytes: Buffer, where: { source?: string; subject: string }): ImageConfig {
  const json = parseJson(bytes, where);
  if (!isObject(json)) throw new ImageError('bad-json', 'image config is not a JSON object', where);
  const runtime = isObject(json.config) ? json.config : isObject(json.container_config) ? json.container_config : {};
  const rootfs = isObject(json.rootfs) ? json.rootfs : {};
  const diffIds = stringList(rootfs.diff_ids) ?? [];
  diffIds.forEach((diffId, index) => {
    if (!isDigest(diffId)) throw new ImageError('invalid-digest', `rootfs.diff_ids[${index}] is not a valid digest`, where);
  });
  const platform: Platform = {
    os: typeof json.os === 'string' ? json.os : '',
    architecture: typeof json.architecture === 'string' ? json.architecture : '',
  };
  if (typeof json.variant === 'string' && json.variant !== '') platform.variant = json.variant;
  if (typeof json['os.version'] === 'string') platform['os.version'] = json['os.version'];
  const history = (Array.isArray(json.history) ? json.history : []).map((entry): HistoryEntry => {
    const item = isObject(entry) ? entry : {};
    return {
      created: optionalString(item.created),
      createdBy: optionalString(item.created_by),
      author: optionalString(item.author),
      comment: optionalString(item.comment),
      emptyLayer: item.empty_layer === true,
    };
  });
  return {
    platform,
    created: optionalString(json.created),
    author: optionalString(json.author),
    env: stringList(runtime.Env) ?? [],
    entrypoint: stringList(runtime.Entrypoint),
    cmd: stringList(runtime.Cmd),
    workingDir: optionalString(runtime.WorkingDir),
    user: optionalString(runtime.User),
    labels: stringRecord(runtime.Labels) ?? {},
    exposedPorts: isObject(runtime.ExposedPorts) ? Object.keys(runtime.ExposedPorts) : [],
    volumes: isObject(runtime.Volumes) ? Object.keys(runtime.Volumes) : [],
    stopSignal: optionalString(runtime.StopSignal),
    history,
    diffIds,
  };
}

/**
 * Maps each layer to the history entry that created it: history entries with `empty_layer`
 * produce no layer, the others match layers in order (config.md "history"). Returns, per layer
 * index, the history entry or undefined when the history is shorter than the layer list.
 */
export function historyForLayers(config: ImageConfig, layerCount: number): Array<HistoryEntry | undefined> {
  const result: Array<HistoryEntry | undefined> = new Array(layerCount).fill(undefined);
  let layerIndex = 0;
  for (const entry of config.history) {
    if (entry.emptyLayer) continue;
    if (layerIndex >= layerCount) break;
    result[layerIndex++] = entry;
  }
  return result;
}

/** The layer descriptor for each diff_id, paired by position. */
export function pairDiffIds(config: ImageConfig, layers: Descriptor[]): Array<{ layer: Descriptor; diffId?: string }> {
  return layers.map((layer, index) => ({ layer, diffId: config.diffIds[index] }));
}
