import { createWriteStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { OperationOptions } from '../core/cancellation';

/**
 * Writes a stream to the file the user chose in a save dialog (never a path that came from an
 * archive), reporting progress; a cancelled or failed save leaves no partial file.
 */
export async function saveStream(readable: Readable, target: string, total: number, options: OperationOptions): Promise<void> {
  let done = 0;
  readable.on('data', (chunk: Buffer) => {
    done += chunk.length;
    options.progress?.({ message: `${Math.round((100 * done) / Math.max(total, 1))}%`, done, total });
  });
  try {
    await pipeline(readable, createWriteStream(target), { signal: options.signal });
  } catch (error) {
    await fs.rm(target, { force: true });
    throw error;
  }
}
