import { decodeBase64 } from './base64';
import { arrayOrEmpty, isObject, stringValues, text } from './jsonValue';
import type { EmbeddedSource } from './types';

/** BuildKit's extension in SLSA v0.2 `metadata` (docs/attestations/slsa-definitions.md). */
export const BUILDKIT_METADATA_V02 = 'https://mobyproject.org/buildkit@v1#metadata';
/** …and in SLSA v1 `runDetails.metadata`. */
export const BUILDKIT_METADATA_V1 = 'buildkit_metadata';

export interface BuildKitMetadata {
  vcs?: Record<string, string>;
  sources: EmbeddedSource[];
}

/** The most source text kept per file: a Dockerfile is small; a hostile document should not make us hold more. */
const MAX_SOURCE_BYTES = 1024 * 1024;

/** `vcs` and `source.infos[]` (base64 `data`, `filename`, `language`) from BuildKit's metadata object. */
export function readBuildKitMetadata(value: unknown, problems: string[]): BuildKitMetadata {
  const result: BuildKitMetadata = { sources: [] };
  if (!isObject(value)) return result;
  const vcs = stringValues(value.vcs);
  if (Object.keys(vcs).length > 0) result.vcs = vcs;
  const infos = isObject(value.source) ? arrayOrEmpty(value.source.infos) : [];
  infos.forEach((info, index) => {
    if (!isObject(info) || info.data === undefined) return;
    const decoded = decodeBase64(info.data, `BuildKit source.infos[${index}].data`);
    if (decoded.problem !== undefined) {
      problems.push(decoded.problem);
      return;
    }
    const source: EmbeddedSource = { text: decoded.bytes.subarray(0, MAX_SOURCE_BYTES).toString('utf8') };
    const filename = text(info.filename);
    if (filename !== undefined) source.filename = filename;
    const language = text(info.language);
    if (language !== undefined) source.language = language;
    result.sources.push(source);
  });
  return result;
}
