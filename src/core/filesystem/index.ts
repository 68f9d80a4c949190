/** The filesystem of an image and of its layers: the surface the CLI and the VS Code adapters use. */
export type { ChangeKind, LayerChangeSet, PathChange } from './change';
export { findLayer, loadLayerView, loadMergedFilesystem, openFile, type ImageLayers } from './imageFilesystem';
export { LayerView } from './layerView';
export { lookupPath, MAX_LINKS, resolveFile, type LookupOptions } from './links';
export { mergeLayers, mergeLayersAsync, MergedFilesystem, type LayerRef, type MergeInput } from './mergedFilesystem';
export { IMPLIED_DIRECTORY_MODE, isDirectory, nodeType, PathTree, type FileNode } from './pathTree';
export type { FileSystemView, LinkedFile } from './view';
export { entryRole, OPAQUE_MARKER, WHITEOUT_PREFIX, type EntryRole } from './whiteout';
