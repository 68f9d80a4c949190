import type { GraphNode } from '../../core/model/imageGraph';
import type { ImageFilesystems } from '../imageFilesystems';
import type { MountedSource } from '../sourceManager';
import { ConfigItem } from './configItem';
import { DescriptorItem, type ChildFactory } from './descriptorItem';
import { ImageItem } from './imageItem';
import type { TreeNode } from './treeNode';

/** Picks the row class for a graph node: images and configs have their own, the rest are descriptors. */
export function createChildFactory(filesystems: ImageFilesystems): ChildFactory {
  const make: ChildFactory = (mounted: MountedSource, node: GraphNode, parent: TreeNode | undefined) => {
    if (node.kind === 'manifest') return new ImageItem(mounted, node, parent, make, filesystems);
    if (node.kind === 'config') return new ConfigItem(mounted, node, parent, make);
    return new DescriptorItem(mounted, node, parent, make);
  };
  return make;
}
