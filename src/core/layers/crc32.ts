import * as zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | undefined;

/** CRC-32 (IEEE), as zlib computes it; a table-driven fallback for Nodes without zlib.crc32 (< 20.15). */
function crc32Fallback(data: Uint8Array, value = 0): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let byte = 0; byte < 256; byte++) {
      let crc = byte;
      for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
      table[byte] = crc >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (let index = 0; index < data.length; index++) crc = table[(crc ^ data[index]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

export const crc32: Crc32 = (zlib as unknown as { crc32?: Crc32 }).crc32 ?? crc32Fallback;
