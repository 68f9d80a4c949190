/**
 * The one mocha hook the registry tests share: a real `docker-registry` on 127.0.0.1 in a given
 * configuration, filled by `populate`, with a counting proxy in front (reset before each test),
 * a temporary work directory, and all of it stopped and removed after the suite. The suite is
 * skipped when docker-registry, skopeo or openssl is missing.
 */
import type { Readable } from 'node:stream';
import { haveRegistryTools, startProxy, startRegistry, temporaryDirectory, type Proxy, type RegistryAuth, type RunningRegistry } from './registryServer';

export interface RegistryFixture {
  registry: RunningRegistry;
  proxy: Proxy;
  work: { path: string; remove(): void };
}

export interface UseRegistryOptions {
  /** Prefix of the temporary work directory (`cie-pull-`). */
  prefix: string;
  /** The registry's auth; may start servers it needs (a token issuer) in the work directory. */
  auth?: (workDirectory: string) => RegistryAuth | Promise<RegistryAuth>;
  /** Pushes the suite's images (straight to the registry, not through the proxy). */
  populate?: (registry: RunningRegistry, workDirectory: string) => Promise<void>;
  /** Stops what `auth` or `populate` started, before the registry stops. */
  teardown?: () => Promise<void>;
}

/** Registers before/after/beforeEach hooks in the calling `describe`; the fixture's fields are set in `before`. */
export function useRegistry(options: UseRegistryOptions): RegistryFixture {
  const fixture = {} as RegistryFixture;
  before(async function () {
    if (!haveRegistryTools()) this.skip();
    fixture.work = temporaryDirectory(options.prefix);
    fixture.registry = await startRegistry(options.auth ? await options.auth(fixture.work.path) : { type: 'none' });
    await options.populate?.(fixture.registry, fixture.work.path);
    fixture.proxy = await startProxy(fixture.registry.port);
  });
  after(async () => {
    await fixture.proxy?.stop();
    await options.teardown?.();
    await fixture.registry?.stop();
    fixture.work?.remove();
  });
  beforeEach(() => fixture.proxy?.reset());
  return fixture;
}

/** A stream's bytes, for comparing blobs. */
export async function collect(readable: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
