import { parseImageConfig, type ImageConfig } from '../../core/model/config';
import { ReadLimits } from '../../core/sources/limits';
import { readBlob } from '../../core/sources/readBlob';
import type { MountedSource } from '../sourceManager';

/** Parsed configs by source and digest: content-addressed, so read once. */
const configs = new WeakMap<MountedSource, Map<string, Promise<ImageConfig>>>();

export function readConfig(mounted: MountedSource, digest: string): Promise<ImageConfig> {
  let perSource = configs.get(mounted);
  if (!perSource) configs.set(mounted, (perSource = new Map()));
  let config = perSource.get(digest);
  if (!config) {
    config = readBlob(mounted.source, digest, ReadLimits.config).then((bytes) => parseImageConfig(bytes, { source: mounted.spec, subject: digest }));
    config.catch(() => perSource.delete(digest));
    perSource.set(digest, config);
  }
  return config;
}
