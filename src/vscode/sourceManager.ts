import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OperationOptions } from '../core/cancellation';
import { buildImageGraph, expandGraphNode, type GraphNode, type ImageGraph } from '../core/model/imageGraph';
import { DigestCatalog } from '../core/model/digestCatalog';
import type { ImageSource } from '../core/sources/imageSource';
import { openSource, splitSourcePrefix, type OpenSourceOptions } from '../core/sources/openSource';

/**
 * A source the user opened, with its graph. Local sources are read whole when mounted; a registry
 * reference only down to its root's document, deeper documents when `expand` asks for them.
 */
export interface MountedSource {
  /** The normalised spec: an absolute path (with its prefix, if one was given). It is the key in our URIs. */
  readonly spec: string;
  readonly label: string;
  readonly source: ImageSource;
  readonly graph: ImageGraph;
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** Explains digests met in documents (links, hovers). */
  readonly catalog: DigestCatalog;
  /**
   * Reads the documents of these nodes if they are still unread (a registry image's manifest and,
   * when its platform is unknown, its config), adding what they reference to the graph. Concurrent
   * calls for one digest share the reads; a document that cannot be read is reported on its node
   * (`error`), and only cancellation throws.
   */
  expand(digests: readonly string[], options?: OperationOptions): Promise<void>;
}

/** Normalises what a user typed or picked into the spec used in URIs: absolute path, prefix kept. */
export function normalizeSpec(spec: string): string {
  if (spec.startsWith('docker://')) return spec.trim();
  const { prefix, location } = splitSourcePrefix(spec.trim());
  const absolute = path.resolve(location);
  return prefix ? `${prefix}:${absolute}` : absolute;
}

/** MountedSource.expand: one shared read per digest; what it adds goes into `nodes` and the catalog. */
function expander(source: ImageSource, graph: ImageGraph, nodes: Map<string, GraphNode>, catalog: DigestCatalog): MountedSource['expand'] {
  const expansions = new Map<string, Promise<void>>();
  const expandOne = (digest: string, operation: OperationOptions): Promise<void> => {
    let pending = expansions.get(digest);
    if (!pending) {
      pending = expandGraphNode(source, graph, digest, operation).then((added) => {
        for (const node of added) nodes.set(node.digest, node);
        if (added.length > 0) catalog.learn(added);
      });
      expansions.set(digest, pending);
      pending.catch(() => expansions.delete(digest));
    }
    return pending;
  };
  return async (digests, operation = {}) => {
    await Promise.all(digests.map((digest) => expandOne(digest, operation)));
  };
}

/**
 * Holds the open sources (the git extension's model.ts role). Mounting the same spec twice
 * shares one in-flight mount, which is what lets the file system provider wait for a source
 * while an editor restored after a reload asks for it.
 */
export class SourceManager implements vscode.Disposable {
  private readonly mounted = new Map<string, MountedSource>();
  private readonly pending = new Map<string, Promise<MountedSource>>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  /** `openOptions` adds what opening needs beyond the spec (registry client, cache, credentials). */
  constructor(private readonly openOptions: () => OpenSourceOptions = () => ({})) {}

  list(): MountedSource[] {
    return [...this.mounted.values()];
  }

  get(spec: string): MountedSource | undefined {
    return this.mounted.get(normalizeSpec(spec));
  }

  /** Mounts a source, or returns it if it is mounted or being mounted. */
  mount(spec: string, options: OperationOptions = {}): Promise<MountedSource> {
    const key = normalizeSpec(spec);
    const existing = this.mounted.get(key);
    if (existing) return Promise.resolve(existing);
    let mounting = this.pending.get(key);
    if (!mounting) {
      mounting = this.open(key, options).finally(() => this.pending.delete(key));
      this.pending.set(key, mounting);
    }
    return mounting;
  }

  private async open(spec: string, options: OperationOptions): Promise<MountedSource> {
    const mounted = await this.load(spec, options);
    this.mounted.set(spec, mounted);
    this.changed.fire();
    return mounted;
  }

  /** Opens a source and reads its graph, without mounting it. */
  private async load(spec: string, options: OperationOptions): Promise<MountedSource> {
    const source = await openSource(spec, { ...this.openOptions(), ...options });
    try {
      // A registry mount fetches the root's document and nothing else: the rest on expansion.
      const graph = await buildImageGraph(source, { ...options, depth: source.kind === 'registry' ? 'roots' : 'all' });
      const nodes = new Map(graph.nodes.map((node) => [node.digest, node]));
      const catalog = new DigestCatalog(source, graph);
      const mounted: MountedSource = {
        spec,
        label: spec.startsWith('docker://') ? spec.slice('docker://'.length) : path.basename(splitSourcePrefix(spec).location),
        source,
        graph,
        nodes,
        catalog,
        expand: expander(source, graph, nodes, catalog),
      };
      return mounted;
    } catch (error) {
      await source.close().catch(() => undefined);
      throw error;
    }
  }

  async close(spec: string): Promise<void> {
    const key = normalizeSpec(spec);
    const mounted = this.mounted.get(key);
    if (!mounted) return;
    this.mounted.delete(key);
    this.changed.fire();
    await mounted.source.close();
  }

  /**
   * Re-reads every source (archives may have been rewritten). Each is opened anew before its old
   * mount is replaced, so cancelling leaves the sources not yet done as they were; a source that
   * can no longer be opened is closed, and its problem is in `failed`.
   */
  async refresh(options: OperationOptions = {}): Promise<{ refreshed: string[]; failed: Array<{ spec: string; error: unknown }> }> {
    const result = { refreshed: [] as string[], failed: [] as Array<{ spec: string; error: unknown }> };
    for (const [spec, old] of [...this.mounted]) {
      if (options.signal?.aborted) break;
      try {
        const fresh = await this.load(spec, options);
        if (this.mounted.get(spec) !== old) {
          await fresh.source.close(); // closed or replaced meanwhile
          continue;
        }
        this.mounted.set(spec, fresh);
        result.refreshed.push(spec);
      } catch (error) {
        if (options.signal?.aborted) break;
        this.mounted.delete(spec);
        result.failed.push({ spec, error });
      }
      this.changed.fire();
      await old.source.close().catch(() => undefined);
    }
    return result;
  }

  dispose(): void {
    for (const mounted of this.mounted.values()) void mounted.source.close();
    this.mounted.clear();
    this.changed.dispose();
  }
}
