import { shortDigest } from '../core/digest';
import type { GraphNode } from '../core/model/imageGraph';
import { isJsonMediaType } from '../core/model/mediaTypes';

/**
 * Tab titles that say what a document is: `config linux/amd64.json`, `manifest 3f2a1b2c.json`.
 * The `.json` ending makes VS Code pick the JSON language mode (the git extension's trick).
 */
export function blobTitle(node: Pick<GraphNode, 'kind' | 'digest' | 'platform' | 'mediaType'>): string {
  const label = node.kind === 'config' && node.platform ? `config ${node.platform}` : `${node.kind} ${shortDigest(node.digest, 8)}`;
  const looksJson = isJsonMediaType(node.mediaType) || ['index', 'manifest', 'config', 'attestation-manifest', 'artifact'].includes(node.kind);
  return looksJson ? `${label}.json` : label;
}
