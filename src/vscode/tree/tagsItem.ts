import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { formatReference } from '../../core/registry/reference';
import { RegistrySource } from '../../core/sources/registrySource';
import type { MountedSource } from '../sourceManager';
import { GroupItem, TextItem } from './groupItem';
import type { TreeNode } from './treeNode';

const TAGS_CONTEXT = 'group tags';

/** Tags asked for per page (`?n=`); registries may answer fewer. */
export const TAG_PAGE_SIZE = 100;

/** The tags read so far for a mounted repository, and where the next page is. */
interface TagPages {
  tags: string[];
  next?: string;
  started: boolean;
  loading?: Promise<void>;
}

const pagesBySource = new WeakMap<MountedSource, TagPages>();

function pagesOf(mounted: MountedSource): TagPages {
  let pages = pagesBySource.get(mounted);
  if (!pages) pagesBySource.set(mounted, (pages = { tags: [], started: false }));
  return pages;
}

/** Reads the next page of tags (the first on the first call); concurrent calls share the request. */
export function loadNextTagPage(mounted: MountedSource): Promise<void> {
  const pages = pagesOf(mounted);
  const source = mounted.source;
  if (!(source instanceof RegistrySource) || (pages.started && pages.next === undefined)) return Promise.resolve();
  pages.loading ??= source.client
    .listTagPage({ registry: source.reference.registry, repository: source.reference.repository }, pages.started ? pages.next : undefined, { pageSize: TAG_PAGE_SIZE })
    .then((page) => {
      pages.tags.push(...page.tags);
      pages.next = page.next;
      pages.started = true;
    })
    .finally(() => (pages.loading = undefined));
  return pages.loading;
}

/** The "Tags" row of a registry source: the repository's tags, a page at a time, each openable. */
export function tagsGroup(mounted: MountedSource, parent: TreeNode): GroupItem | undefined {
  const source = mounted.source;
  if (!(source instanceof RegistrySource)) return undefined;
  const repository = formatReference({ registry: source.reference.registry, repository: source.reference.repository });
  return new GroupItem(mounted, parent, 'Tags', { icon: 'tag', tooltip: `The tags of ${repository}, read from the registry when this row is expanded.`, contextValue: TAGS_CONTEXT }, async (group) => {
    const pages = pagesOf(mounted);
    try {
      if (!pages.started) await loadNextTagPage(mounted);
    } catch (error) {
      return [new TextItem(mounted, group, 'Cannot list the tags', { icon: 'error', description: describeError(error), tooltip: describeError(error) })];
    }
    const rows: TreeNode[] = pages.tags.map((tag) => new TagItem(mounted, group, `${repository}:${tag}`, tag, tag === source.reference.tag));
    if (pages.next !== undefined) rows.push(new MoreTagsItem(mounted, group, pages.tags.length));
    if (rows.length === 0) rows.push(new TextItem(mounted, group, 'No tags', { icon: 'info' }));
    return rows;
  });
}

/** Whether a row is the Tags row (opening it lists tags from the registry). */
export function isTagsGroup(node: TreeNode): boolean {
  return node instanceof GroupItem && node.item().contextValue === TAGS_CONTEXT;
}

/** One tag; clicking opens it as its own source. */
export class TagItem implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: TreeNode,
    readonly reference: string,
    private readonly tag: string,
    private readonly current: boolean,
  ) {
    this.id = `${parent.id}/${tag}`;
  }

  item(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.tag, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.current ? 'open' : undefined;
    item.tooltip = `Open ${this.reference}`;
    item.iconPath = new vscode.ThemeIcon('tag');
    item.contextValue = 'tag';
    item.command = { command: 'containerImageExplorer.openRemote', title: 'Open', arguments: [this.reference] };
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return [];
  }
}

/** The last row while the registry has more pages: clicking it reads the next one. */
export class MoreTagsItem implements TreeNode {
  readonly id: string;

  constructor(
    readonly mounted: MountedSource,
    readonly parent: GroupItem,
    private readonly shown: number,
  ) {
    this.id = `${parent.id}/more-tags`;
  }

  item(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more tags…', vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${this.shown} shown`;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = 'more-tags';
    item.command = { command: 'containerImageExplorer.loadMoreTags', title: 'Load More Tags', arguments: [this] };
    return item;
  }

  async children(): Promise<TreeNode[]> {
    return [];
  }
}
