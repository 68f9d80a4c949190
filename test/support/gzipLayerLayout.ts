// Writes small OCI image layouts with one gzip layer for tests that need a shape no fixture has:
// a layer that is big (GiBs uncompressed) yet cheap to make, or a directory with thousands of
// entries. The layer is a gzip stream of several members (RFC 1952 §2.2 allows any number), and a
// member may be repeated, so a big layer costs one compression of one chunk.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

/** A ustar header (POSIX.1-1988) for a regular file ('0') or a directory ('5'). */
export function tarHeader(name: string, size: number, type: '0' | '5' = '0'): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write(type === '5' ? '0000755\0' : '0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('14524234200\0', 136);
  header.write('        ', 148);
  header.write(type, 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/** The two zero blocks that end a tar archive. */
export const END_OF_ARCHIVE = Buffer.alloc(1024);

/** A piece of the layer's tar stream, compressed as one gzip member and written `times` times. */
export interface LayerPart {
  data: Buffer;
  times?: number;
}

function putBlob(layout: string, data: Buffer): { digest: string; size: number } {
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  writeFileSync(path.join(layout, 'blobs/sha256', digest.slice(7)), data);
  return { digest, size: data.length };
}

/** Writes the layout (tag `tag`, linux/amd64) into `layout`; returns the layer digest. */
export function writeGzipLayerLayout(layout: string, options: { tag: string; createdBy: string; parts: LayerPart[] }): { layerDigest: string } {
  mkdirSync(path.join(layout, 'blobs/sha256'), { recursive: true });
  const compressedHash = createHash('sha256');
  const uncompressedHash = createHash('sha256');
  const partial = path.join(layout, 'blobs/sha256/layer.partial');
  const file = openSync(partial, 'w');
  let compressedSize = 0;
  for (const part of options.parts) {
    const member = gzipSync(part.data, { level: 1 });
    for (let time = 0; time < (part.times ?? 1); time++) {
      writeSync(file, member);
      compressedHash.update(member);
      uncompressedHash.update(part.data);
      compressedSize += member.length;
    }
  }
  closeSync(file);
  const layerDigest = `sha256:${compressedHash.digest('hex')}`;
  renameSync(partial, path.join(layout, 'blobs/sha256', layerDigest.slice(7)));

  const config = putBlob(layout, Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: [`sha256:${uncompressedHash.digest('hex')}`] },
    history: [{ created: '2023-11-14T22:13:20Z', created_by: options.createdBy }],
  })));
  const manifest = putBlob(layout, Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: compressedSize }],
  })));
  writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(path.join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': options.tag } }],
  }));
  return { layerDigest };
}

const CHUNK = 64 * 1024 * 1024;

/**
 * Tag `big`: one layer with `hello.txt` and `data.txt` of `chunks` × 64 MiB of hex text, which
 * inflates about 4x slower than zeros: seconds of indexing from a file of about 35 MB per chunk.
 */
export function writeBigLayerLayout(layout: string, chunks: number): { layerDigest: string } {
  const hello = Buffer.from('hello from a big layer\n');
  const head = Buffer.concat([tarHeader('hello.txt', hello.length), hello, Buffer.alloc(512 - hello.length), tarHeader('data.txt', chunks * CHUNK)]);
  const text = Buffer.from(randomBytes(CHUNK / 2).toString('hex'));
  return writeGzipLayerLayout(layout, { tag: 'big', createdBy: 'COPY data.txt hello.txt / # a big layer', parts: [{ data: head }, { data: text, times: chunks }, { data: END_OF_ARCHIVE }] });
}

/** Tag `many`: one layer whose directory `many/` holds `count` empty files `file-00000` …. */
export function writeManyFilesLayout(layout: string, count: number): { layerDigest: string } {
  const headers = [tarHeader('many/', 0, '5')];
  for (let index = 0; index < count; index++) headers.push(tarHeader(`many/file-${String(index).padStart(5, '0')}`, 0));
  return writeGzipLayerLayout(layout, { tag: 'many', createdBy: `COPY many/ /many/ # ${count} files`, parts: [{ data: Buffer.concat([...headers, END_OF_ARCHIVE]) }] });
}
