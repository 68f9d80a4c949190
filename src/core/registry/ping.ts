import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import { parseChallenges, type Challenge } from './challenge';
import type { RegistryTransport } from './transport';

/**
 * `GET /v2/`: whether the host speaks the distribution API, and how it wants us to
 * authenticate. 200 (open) and 401 (challenges) are both "reachable".
 */
export interface PingResult {
  /** `https://host` or `http://host`, as reached. */
  origin: string;
  status: number;
  /** `Docker-Distribution-API-Version`, when sent (`registry/2.0`). */
  apiVersion?: string;
  challenges: Challenge[];
}

export async function ping(transport: RegistryTransport, registry: string, options: OperationOptions = {}): Promise<PingResult> {
  const response = await transport.send({ method: 'GET', registry, path: '/v2/', anonymous: true }, options);
  await response.discard();
  const origin = new URL(response.request.url).origin;
  if (response.status !== 200 && response.status !== 401) {
    throw new ImageError('network', `${origin}/v2/ answered HTTP ${response.status}: ${response.status === 404 ? 'this host does not serve the registry API' : 'not a registry answer'}`, { source: registry });
  }
  return { origin, status: response.status, apiVersion: response.header('docker-distribution-api-version'), challenges: parseChallenges(response.header('www-authenticate')) };
}
