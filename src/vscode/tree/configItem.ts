import * as vscode from 'vscode';
import type { ImageConfig } from '../../core/model/config';
import { describeError } from '../../core/errors';
import { readConfig } from './configCache';
import { DescriptorItem, openCommand } from './descriptorItem';
import { GroupItem, TextItem } from './groupItem';
import type { TreeNode } from './treeNode';

/** An image config: opens as JSON on click, and expands to what `docker inspect` people look for. */
export class ConfigItem extends DescriptorItem {
  protected override label(): string {
    return 'Config';
  }

  protected override hasChildren(): boolean {
    return this.graphNode.present;
  }

  override item(): vscode.TreeItem {
    const item = super.item();
    if (this.graphNode.present) item.command = openCommand(this.mounted, this.graphNode);
    return item;
  }

  override async children(): Promise<TreeNode[]> {
    let config: ImageConfig;
    try {
      config = await readConfig(this.mounted, this.graphNode.digest);
    } catch (error) {
      return [new TextItem(this.mounted, this, 'Cannot read the config', { icon: 'error', description: describeError(error) })];
    }
    const rows: TreeNode[] = [];
    const text = (label: string, value: string | undefined, icon: string) => {
      if (value !== undefined && value !== '') rows.push(new TextItem(this.mounted, this, label, { icon, description: value }));
    };
    text('Entrypoint', config.entrypoint && JSON.stringify(config.entrypoint), 'play');
    text('Cmd', config.cmd && JSON.stringify(config.cmd), 'terminal');
    text('WorkingDir', config.workingDir, 'folder');
    text('User', config.user, 'person');
    text('Created', config.created, 'calendar');
    if (config.exposedPorts.length > 0) text('ExposedPorts', config.exposedPorts.join(', '), 'plug');
    const listGroup = (label: string, icon: string, entries: Array<[string, string]>) => {
      if (entries.length === 0) return;
      rows.push(
        new GroupItem(this.mounted, this, label, { icon, description: `${entries.length}` }, async (group) =>
          entries.map(([name, value], index) => new TextItem(this.mounted, group, name, { description: value, key: `${index}` })),
        ),
      );
    };
    listGroup('Env', 'symbol-variable', config.env.map((entry) => {
      const equals = entry.indexOf('=');
      return equals < 0 ? [entry, ''] : [entry.slice(0, equals), entry.slice(equals + 1)];
    }));
    listGroup('Labels', 'tag', Object.entries(config.labels));
    listGroup('History', 'history', config.history.map((entry, index) => [`${index + 1}. ${entry.emptyLayer ? '(no layer) ' : ''}${entry.createdBy ?? entry.comment ?? ''}`.trim(), entry.created ?? '']));
    return rows;
  }
}
