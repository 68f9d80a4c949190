import { shortDigest } from '../core/digest';
import { requirePositionals } from './args';
import type { LayerChangeSet, PathChange } from '../core/filesystem/change';
import { loadMergedFilesystem } from '../core/filesystem/imageFilesystem';
import type { ImageManifest } from '../core/filesystem/imageManifest';
import type { MergedFilesystem } from '../core/filesystem/mergedFilesystem';
import { humanSize } from '../core/format';
import type { CommandContext } from './command';
import { imageChoice, warnProblems, withImage } from './imageSelection';
import { writeJson, writeOut } from './output';

/**
 * `changes <source> [--image <digest> | --platform os/arch[/variant]] [--json]`: what each layer
 * added, modified and deleted, as dive shows it.
 *
 * `--json` prints { image, platform, layers: [...] }, one object per layer, base first:
 *   { index, layer: digest, created_by: string | null (from the config history),
 *     added: [{ path, type, size }], modified: [...], deleted: [...],
 *     sizes: { added, modified, deleted } }
 * Lists are in path order. A deleted directory lists everything beneath it too; its `type`
 * and `size` are those of what was removed. Sizes are the sum of the entries' sizes (regular
 * files' data; links and directories count 0). A directory header repeated with the same
 * mode and owner is not a change.
 */
export async function changesCommand(context: CommandContext): Promise<number> {
  const [spec] = requirePositionals(context.args, ['source'], 'changes');
  return withImage(spec, imageChoice(context.args, 'changes'), context.operation, async (image) => {
    const merged = await loadMergedFilesystem(image, context.operation);
    warnProblems(merged.problems, merged.layers.map((layer) => layer.digest));
    const sets = merged.layers.map((layer) => merged.changes(layer.index));
    if (context.args.flags.has('json')) await writeJson(changesJson(image.manifest, merged, sets));
    else await writeOut(renderChanges(image.manifest, merged, sets));
    return 0;
  });
}

function changeJson(change: PathChange): Record<string, unknown> {
  return { path: change.path, type: change.entry?.type ?? 'directory', size: change.entry?.size ?? 0 };
}

/** The `changes --json` object (the shape documented above; stable: add fields, never rename). */
export function changesJson(manifest: ImageManifest, merged: MergedFilesystem, sets: readonly LayerChangeSet[]): Record<string, unknown> {
  return {
    image: manifest.digest,
    platform: manifest.platform ?? null,
    layers: sets.map((set) => ({
      index: set.layer,
      layer: merged.layers[set.layer].digest,
      created_by: manifest.history[set.layer]?.createdBy ?? null,
      added: set.added.map(changeJson),
      modified: set.modified.map(changeJson),
      deleted: set.deleted.map(changeJson),
      sizes: { added: set.addedSize, modified: set.modifiedSize, deleted: set.deletedSize },
    })),
  };
}

const MARKS = { added: 'A', modified: 'M', deleted: 'D' } as const;

/** Per layer: a heading with its digest, size and command, then one line per change. */
export function renderChanges(manifest: ImageManifest, merged: MergedFilesystem, sets: readonly LayerChangeSet[]): string {
  const lines: string[] = [];
  for (const set of sets) {
    const descriptor = manifest.layers[set.layer];
    const createdBy = manifest.history[set.layer]?.createdBy;
    const size = descriptor.size >= 0 ? `  ${humanSize(descriptor.size)}` : '';
    lines.push(`layer ${set.layer}  ${shortDigest(merged.layers[set.layer].digest)}${size}${createdBy ? `  ${createdBy.replace(/\s+/g, ' ').slice(0, 120)}` : ''}`);
    lines.push(`  ${set.added.length} added (${humanSize(set.addedSize)}), ${set.modified.length} modified (${humanSize(set.modifiedSize)}), ${set.deleted.length} deleted (${humanSize(set.deletedSize)})`);
    const all = [...set.added, ...set.modified, ...set.deleted].sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
    for (const change of all) lines.push(`  ${MARKS[change.change]} ${change.path}${change.entry?.type === 'directory' || change.entry === undefined ? '/' : ''}  ${humanSize(change.entry?.size ?? 0)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
