import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OperationOptions } from '../core/cancellation';
import { buildImageGraph, type GraphNode, type ImageGraph } from '../core/model/imageGraph';
import { DigestCatalog } from '../core/model/digestCatalog';
import type { ImageSource } from '../core/sources/imageSource';
import { openSource, splitSourcePrefix, type OpenSourceOptions } from '../core/sources/openSource';

/** A source the user opened, with its graph read once. */
export interface MountedSource {
  /** The normalised spec: an absolute path (with its prefix, if one was given). It is the key in our URIs. */
  readonly spec: string;
  readonly label: string;
  readonly source: ImageSource;
  readonly graph: ImageGraph;
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** Explains digests met in documents (links, hovers). */
  readonly catalog: DigestCatalog;
}

/** Normalises what a user typed or picked into the spec used in URIs: absolute path, prefix kept. */
export function normalizeSpec(spec: string): string {
  if (spec.startsWith('docker://')) return spec.trim();
  const { prefix, location } = splitSourcePrefix(spec.trim());
  const absolute = path.resolve(location);
  return prefix ? `${prefix}:${absolute}` : absolute;
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
    const source = await openSource(spec, { ...this.openOptions(), ...options });
    try {
      const graph = await buildImageGraph(source, options);
      const mounted: MountedSource = {
        spec,
        label: spec.startsWith('docker://') ? spec.slice('docker://'.length) : path.basename(splitSourcePrefix(spec).location),
        source,
        graph,
        nodes: new Map(graph.nodes.map((node) => [node.digest, node])),
        catalog: new DigestCatalog(source, graph),
      };
      this.mounted.set(spec, mounted);
      this.changed.fire();
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

  /** Re-reads every source from disk (archives may have been rewritten). */
  async refresh(options: OperationOptions = {}): Promise<void> {
    const specs = [...this.mounted.keys()];
    for (const spec of specs) await this.close(spec);
    for (const spec of specs) await this.mount(spec, options).catch(() => undefined);
  }

  dispose(): void {
    for (const mounted of this.mounted.values()) void mounted.source.close();
    this.mounted.clear();
    this.changed.dispose();
  }
}
