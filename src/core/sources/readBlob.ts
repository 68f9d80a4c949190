import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import type { ImageSource } from './imageSource';

/** Reads a whole blob that is expected to be small (a manifest, a config), refusing more than `maxBytes`. */
export async function readBlob(source: ImageSource, digest: string, maxBytes: number, options: OperationOptions = {}): Promise<Buffer> {
  const stat = await source.stat(digest, options);
  if (!stat) throw new ImageError('missing-blob', 'blob is not in this source', { source: source.location, subject: digest });
  if (stat.size > maxBytes) throw new ImageError('too-large', `blob is ${stat.size} bytes, more than the ${maxBytes} allowed for this kind of document`, { source: source.location, subject: digest });
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of await source.open(digest, undefined, options)) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) throw new ImageError('too-large', `blob is larger than the ${maxBytes} bytes allowed`, { source: source.location, subject: digest });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
