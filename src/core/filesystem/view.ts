import type { TarEntry } from '../tar/tarEntry';
import type { FileNode } from './pathTree';

/** A header and the layer whose data it describes: what reading a file needs. */
export interface LinkedFile {
  path: string;
  entry: TarEntry;
  /** Index (0 = base) of the layer that holds the data. */
  layer: number;
}

/** What link resolution needs from a tree: one layer's view or an image's merged view. */
export interface FileSystemView {
  /** The node at a clean path, without following links. */
  get(path: string): FileNode | undefined;
  /**
   * The file a hard link of layer `linkLayer` naming `targetPath` shares its data with, or
   * undefined when there is none.
   */
  hardLinkTarget(linkLayer: number, targetPath: string): LinkedFile | undefined;
  /** Said in errors: "the image", "layer 2 (sha256:ab12…)". */
  readonly description: string;
}
