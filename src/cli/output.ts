import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

/** Writes text to stdout, waiting for the pipe to drain so large outputs are not truncated on exit. */
export async function writeOut(text: string, stream: Writable = process.stdout): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

export async function writeJson(value: unknown): Promise<void> {
  await writeOut(`${JSON.stringify(value, null, 2)}\n`);
}

/** Copies a stream to stdout; a closed pipe (`| head`) ends quietly. */
export async function pipeToStdout(readable: Readable): Promise<void> {
  const stdout = process.stdout;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      readable.destroy();
      if (error.code === 'EPIPE') resolve();
      else reject(error);
    };
    stdout.on('error', onError);
    readable.on('error', (error) => reject(error));
    readable.on('end', () => {
      stdout.off('error', onError);
      resolve();
    });
    readable.pipe(stdout, { end: false });
  });
}
