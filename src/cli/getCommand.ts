import { ImageError } from '../core/errors';
import { loadLayerViewFor, loadMergedFilesystem, openFile, type ImageLayers } from '../core/filesystem/imageFilesystem';
import type { FileSystemView } from '../core/filesystem/view';
import type { CommandContext } from './command';
import { imageChoice, withImage, withLayer } from './imageSelection';
import { pipeToStdout } from './output';

/**
 * `get <source> <layer-digest> <path>`: a file's bytes as one layer holds them.
 * `get <source> --merged [--image <digest> | --platform os/arch[/variant]] <path>`: as the image shows it.
 * Symlinks and hard links are followed inside the image (a leading '/' is fine); the data is
 * read from the layer that holds it. Exit 4 when the path is not there (or a link leads
 * nowhere), 3 for link cycles, 2 for a directory or device.
 */
export async function getCommand(context: CommandContext): Promise<number> {
  const { args, operation } = context;
  const stream = async (image: ImageLayers, view: FileSystemView, path: string) => {
    const { data } = await openFile(image, view, path, operation);
    await pipeToStdout(data);
    return 0;
  };
  if (args.flags.has('merged')) {
    const [spec, path, extra] = args.positionals;
    if (spec === undefined || path === undefined) throw new ImageError('usage', 'get needs <source> --merged <path>, or <source> <layer-digest> <path>; see --help');
    if (extra !== undefined) throw new ImageError('usage', `get: unexpected argument "${extra}"`);
    return withImage(spec, imageChoice(args, 'get'), operation, async (image) => stream(image, await loadMergedFilesystem(image, operation), path));
  }
  const [spec, digest, path, extra] = args.positionals;
  if (spec === undefined || digest === undefined || path === undefined) throw new ImageError('usage', 'get needs <source> <layer-digest> <path>, or <source> --merged <path>; see --help');
  if (extra !== undefined) throw new ImageError('usage', `get: unexpected argument "${extra}"`);
  return withLayer(spec, digest, imageChoice(args, 'get'), operation, async (image, position) => stream(image, await loadLayerViewFor(image, position, path, operation), path));
}
