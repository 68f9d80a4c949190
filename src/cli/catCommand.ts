import { parseDigest } from '../core/digest';
import { ImageError } from '../core/errors';
import { openSource } from '../core/sources/openSource';
import type { CommandContext } from './command';
import { requirePositionals } from './args';
import { copyRangeToStdout, pipeToStdout, stdoutIsFileOrDevice } from './output';

/** `cat <source> <digest>`: the exact bytes of a blob, streamed. */
export async function catCommand(context: CommandContext): Promise<number> {
  const [spec, digest] = requirePositionals(context.args, ['source', 'digest'], 'cat');
  parseDigest(digest, { subject: 'cat' });
  const source = await openSource(spec, context.operation);
  try {
    if (!(await source.stat(digest, context.operation))) {
      throw new ImageError('missing-blob', 'blob is not in this source', { source: source.location, subject: digest });
    }
    const local = stdoutIsFileOrDevice() ? await source.localRange?.(digest) : undefined;
    if (local) copyRangeToStdout(local, context.operation.signal);
    else await pipeToStdout(await source.open(digest, undefined, context.operation));
    return 0;
  } finally {
    await source.close();
  }
}
