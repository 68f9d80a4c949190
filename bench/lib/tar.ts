import { closeSync, openSync, readSync } from 'node:fs';

/** One tar member as a header-only walk sees it. */
export interface TarMember {
  name: string;
  type: string;
  size: number;
  /** Offset of the member's data in the archive file. */
  dataOffset: number;
}

const BLOCK = 512;

function field(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

function numeric(block: Buffer, start: number, length: number): number {
  if (block[start] & 0x80) {
    // GNU base-256: big-endian, high bit of the first byte set.
    let value = block[start] & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i];
    return value;
  }
  const text = field(block, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function paxPath(data: Buffer): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(data.toString('utf8', at, space), 10);
    if (!(length > 0)) break;
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    if (key === 'path') out.path = record.slice(eq + 1);
    if (key === 'size') out.size = Number(record.slice(eq + 1));
    at += length;
  }
  return out;
}

/**
 * Walks a tar file reading only 512-byte headers and seeking past member data (pax 'x' and GNU 'L'
 * long names are read, since they name the next member). Stops at the first zero block or the end.
 */
export function* walkTar(path: string): Generator<TarMember> {
  const fd = openSync(path, 'r');
  const block = Buffer.alloc(BLOCK);
  let offset = 0;
  let pending: { path?: string; size?: number } = {};
  try {
    while (readSync(fd, block, 0, BLOCK, offset) === BLOCK) {
      if (block.every((byte) => byte === 0)) return;
      const type = String.fromCharCode(block[156] || 0x30);
      const size = pending.size ?? numeric(block, 124, 12);
      const dataOffset = offset + BLOCK;
      offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'L') {
        const data = Buffer.alloc(size);
        readSync(fd, data, 0, size, dataOffset);
        pending = type === 'x' ? paxPath(data) : { ...pending, path: field(data, 0, size) };
        continue;
      }
      if (type === 'g') continue;
      const prefix = block.toString('latin1', 257, 263).startsWith('ustar') ? field(block, 345, 155) : '';
      const name = pending.path ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
      pending = {};
      yield { name, type, size, dataOffset };
    }
  } finally {
    closeSync(fd);
  }
}

/** The data offset and size of one member, or undefined. */
export function findMember(path: string, name: string): TarMember | undefined {
  const wanted = name.replace(/^\.\//, '');
  for (const member of walkTar(path)) if (member.name.replace(/^\.\//, '') === wanted) return member;
  return undefined;
}
