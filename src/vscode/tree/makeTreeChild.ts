import type { GraphNode } from '../../core/model/imageGraph';
import type { MountedSource } from '../sourceManager';
import { ConfigItem } from './configItem';
import { DescriptorItem } from './descriptorItem';
import { ImageItem } from './imageItem';
import type { TreeNode } from './treeNode';

/** Picks the row class for a graph node: images and configs have their own, the rest are descriptors. */
export function makeTreeChild(mounted: MountedSource, node: GraphNode, parent: TreeNode | undefined): TreeNode {
  if (node.kind === 'manifest') return new ImageItem(mounted, node, parent, makeTreeChild);
  if (node.kind === 'config') return new ConfigItem(mounted, node, parent, makeTreeChild);
  return new DescriptorItem(mounted, node, parent, makeTreeChild);
}
