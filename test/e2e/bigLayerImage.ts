// Writes an OCI image layout whose single layer is big (GiBs uncompressed) yet cheap to make: a
// gzip stream of several members (RFC 1952 §2.2 allows any number), one of which - 64 MiB of hex
// text, compressed once - is repeated. Hex text inflates about 4x slower than zeros, so indexing
// takes seconds while the file stays small enough: what a cancellation test needs.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

const CHUNK = 64 * 1024 * 1024;

/** A ustar header (POSIX.1-1988) for one regular file. */
function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('14524234200\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function putBlob(layout: string, data: Buffer): { digest: string; size: number } {
  const digest = sha256(data);
  writeFileSync(path.join(layout, 'blobs/sha256', digest.slice(7)), data);
  return { digest, size: data.length };
}

/**
 * Writes the layout into `layout` (created) with one layer holding `data.txt` of `chunks` × 64 MiB
 * and a small `hello.txt`; returns the layer digest.
 */
export function writeBigLayerLayout(layout: string, chunks: number): { layerDigest: string; uncompressedSize: number } {
  mkdirSync(path.join(layout, 'blobs/sha256'), { recursive: true });
  const hello = Buffer.from('hello from a big layer\n');
  const head = Buffer.concat([tarHeader('hello.txt', hello.length), hello, Buffer.alloc(512 - hello.length), tarHeader('data.txt', chunks * CHUNK)]);
  const text = Buffer.from(randomBytes(CHUNK / 2).toString('hex'));
  const tail = Buffer.alloc(1024); // end-of-archive: two zero blocks
  const members = [gzipSync(head), gzipSync(text, { level: 1 }), gzipSync(tail)];

  const compressedHash = createHash('sha256');
  const uncompressedHash = createHash('sha256');
  const partial = path.join(layout, 'blobs/sha256/layer.partial');
  const file = openSync(partial, 'w');
  let compressedSize = 0;
  const write = (member: Buffer, plain: Buffer) => {
    writeSync(file, member);
    compressedHash.update(member);
    uncompressedHash.update(plain);
    compressedSize += member.length;
  };
  write(members[0], head);
  for (let chunk = 0; chunk < chunks; chunk++) write(members[1], text);
  write(members[2], tail);
  closeSync(file);
  const layerDigest = `sha256:${compressedHash.digest('hex')}`;
  renameSync(partial, path.join(layout, 'blobs/sha256', layerDigest.slice(7)));

  const config = putBlob(layout, Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: [`sha256:${uncompressedHash.digest('hex')}`] },
    history: [{ created: '2023-11-14T22:13:20Z', created_by: 'COPY data.txt hello.txt / # a big layer' }],
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
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'big' } }],
  }));
  return { layerDigest, uncompressedSize: head.length + chunks * CHUNK + tail.length };
}
