import type { OperationOptions } from '../core/cancellation';
import { shortDigest } from '../core/digest';
import { ImageError, isImageError } from '../core/errors';
import { findLayer, loadLayerView, loadMergedFilesystem, type ImageLayers, type LayerView, type MergedFilesystem } from '../core/filesystem';
import type { LayerReader } from '../core/layers/layerIndex';
import { isUnread } from '../core/model/imageGraph';
import { withIndexingProgress } from './indexingProgress';
import type { Log } from './log';
import type { MountedSource } from './sourceManager';

type View = LayerView | MergedFilesystem;

/**
 * The filesystem views of mounted images, made on first use and kept (content never changes):
 * one layer's files, and an image's merged root filesystem. Indexing a layer streams it once
 * (the LayerStore caches the index on disk), with progress in the Images view and, when it takes
 * a while, a notification that can cancel it.
 */
export class ImageFilesystems {
  private readonly views = new WeakMap<MountedSource, Map<string, Promise<View>>>();

  constructor(
    private readonly reader: LayerReader,
    private readonly log: Log,
  ) {}

  /** The image's layers, from its manifest. */
  imageLayers(mounted: MountedSource, imageDigest: string): ImageLayers {
    const document = mounted.graph.documents.get(imageDigest);
    if (document?.type !== 'manifest') throw new ImageError('unsupported', `${shortDigest(imageDigest)} is not an image manifest with layers`, { source: mounted.spec, subject: imageDigest });
    return { source: mounted.source, layers: document.layers, reader: this.reader };
  }

  /** An image whose manifest lists this layer, and the layer's position there. */
  private imageOfLayer(mounted: MountedSource, layerDigest: string): { image: ImageLayers; position: number } {
    for (const [digest, document] of mounted.graph.documents) {
      if (document.type !== 'manifest') continue;
      const position = findLayer(document.layers, layerDigest);
      if (position !== undefined) return { image: this.imageLayers(mounted, digest), position };
    }
    throw new ImageError('missing-blob', 'no image in this source lists that layer', { source: mounted.spec, subject: layerDigest });
  }

  /**
   * A lazily mounted registry image may not have read the manifest that lists a layer yet (an
   * editor restored after a reload): then every unread image manifest is read.
   */
  private async readManifestListing(mounted: MountedSource, layerDigest: string, operation: OperationOptions): Promise<void> {
    const listed = [...mounted.graph.documents.values()].some((document) => document.type === 'manifest' && findLayer(document.layers, layerDigest) !== undefined);
    if (!listed) await mounted.expand(mounted.graph.nodes.filter((node) => isUnread(mounted.graph, node)).map((node) => node.digest), operation);
  }

  layerView(mounted: MountedSource, layerDigest: string, options?: OperationOptions): Promise<LayerView> {
    return this.cached(mounted, `layer:${layerDigest}`, `Indexing layer ${shortDigest(layerDigest)}`, async (operation) => {
      await this.readManifestListing(mounted, layerDigest, operation);
      const { image, position } = this.imageOfLayer(mounted, layerDigest);
      return loadLayerView(image, position, operation);
    }, options) as Promise<LayerView>;
  }

  mergedView(mounted: MountedSource, imageDigest: string, options?: OperationOptions): Promise<MergedFilesystem> {
    return this.cached(mounted, `rootfs:${imageDigest}`, `Indexing the layers of ${shortDigest(imageDigest)}`, async (operation) => {
      await mounted.expand([imageDigest], operation);
      return loadMergedFilesystem(this.imageLayers(mounted, imageDigest), operation);
    }, options) as Promise<MergedFilesystem>;
  }

  /** Image layers plus position, for reading a file of a layer view. */
  layerImage(mounted: MountedSource, layerDigest: string): ImageLayers {
    return this.imageOfLayer(mounted, layerDigest).image;
  }

  private cached(mounted: MountedSource, key: string, title: string, load: (operation: OperationOptions) => Promise<View>, options?: OperationOptions): Promise<View> {
    let perSource = this.views.get(mounted);
    if (!perSource) this.views.set(mounted, (perSource = new Map()));
    let view = perSource.get(key);
    if (!view) {
      view = options ? load(options) : this.withUserInterface(`${title} in ${mounted.label}`, load);
      // A failed or cancelled load is not kept: the next look tries again.
      view.catch(() => perSource.delete(key));
      perSource.set(key, view);
    }
    return view;
  }

  /** Indexing someone is waiting for: progress with Cancel, and a notification naming what went wrong. */
  private async withUserInterface(title: string, load: (operation: OperationOptions) => Promise<View>): Promise<View> {
    try {
      return await withIndexingProgress(title, load);
    } catch (error) {
      if (isImageError(error, 'cancelled')) this.log.info(`${title}: cancelled`);
      else void this.log.showError(`${title} failed`, error);
      throw error;
    }
  }
}
