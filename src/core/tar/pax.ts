/**
 * PAX extended header records (POSIX.1-2017 pax, "pax Extended Header"): "%d %s=%s\n", where the
 * decimal length counts the whole record including itself and the newline. Strictness follows Go
 * archive/tar (parsePAXRecord, validPAXRecord), which GNU and BSD tar agree with on the cases
 * that matter: a wrong length, a missing '=' or newline, or a NUL in a key is a corrupt header.
 */
import { decodeBytes } from './header';
import { TarFormatError } from './tarErrors';

/** Keys we fold into TarEntry fields instead of keeping them in `pax`. */
export const PAX_KEYS = {
  path: 'path',
  linkpath: 'linkpath',
  size: 'size',
  uid: 'uid',
  gid: 'gid',
  mtime: 'mtime',
  uname: 'uname',
  gname: 'gname',
  /** star writes device numbers as records when they do not fit the header. */
  devmajor: 'SCHILY.devmajor',
  devminor: 'SCHILY.devminor',
} as const;

/** GNU tar sparse records (GNU tar manual, "Storing Sparse Files", formats 0.0, 0.1 and 1.0). */
export const GNU_SPARSE_KEYS = {
  major: 'GNU.sparse.major',
  minor: 'GNU.sparse.minor',
  name: 'GNU.sparse.name',
  size: 'GNU.sparse.size',
  realsize: 'GNU.sparse.realsize',
  numblocks: 'GNU.sparse.numblocks',
  map: 'GNU.sparse.map',
  offset: 'GNU.sparse.offset',
  numbytes: 'GNU.sparse.numbytes',
} as const;

/** Keys whose value is a C string elsewhere in tar, so a NUL inside cannot be meant (Go validPAXRecord). */
const NUL_FREE_VALUES = new Set<string>([PAX_KEYS.path, PAX_KEYS.linkpath, PAX_KEYS.uname, PAX_KEYS.gname]);

/**
 * Parses the body `buffer[start, end)`, which sits at archive offset `position`. Later records win.
 * Format 0.0 sparse maps repeat GNU.sparse.offset/numbytes; they are joined into GNU.sparse.map
 * in order, as Go archive/tar does. NUL padding after the last record is tolerated.
 */
export function parsePaxRecords(buffer: Buffer, start: number, end: number, position: number): Map<string, string> {
  const records = new Map<string, string>();
  const sparseMap: string[] = [];
  let index = start;
  while (index < end) {
    if (buffer[index] === 0 && isAllZero(buffer, index, end)) break;
    const at = position + (index - start);
    let cursor = index;
    let length = 0;
    while (cursor < end && buffer[cursor] >= 0x30 && buffer[cursor] <= 0x39 && length <= end - index) {
      length = length * 10 + (buffer[cursor] - 0x30);
      cursor++;
    }
    if (cursor === index || cursor >= end || buffer[cursor] !== 0x20) throw badRecord(at, 'does not start with a decimal length and a space');
    if (length > end - index) throw badRecord(at, `says it is ${length} bytes long, but only ${end - index} bytes of the extended header are left`);
    const recordEnd = index + length;
    if (recordEnd <= cursor + 1) throw badRecord(at, `says it is ${length} bytes long, too short to hold its own length`);
    if (buffer[recordEnd - 1] !== 0x0a) throw badRecord(at, 'does not end with a newline where its length says it should');
    const keyStart = cursor + 1;
    // Bounded scans: an unbounded indexOf per record would make a hostile header quadratic.
    let equals = keyStart;
    while (equals < recordEnd - 1 && buffer[equals] !== 0x3d) {
      if (buffer[equals] === 0) throw badRecord(at, 'has a NUL byte in its key');
      equals++;
    }
    if (equals === recordEnd - 1) throw badRecord(at, 'has no "=" between its key and value');
    if (equals === keyStart) throw badRecord(at, 'has an empty key');
    const key = decodeBytes(buffer, keyStart, equals);
    const value = decodeBytes(buffer, equals + 1, recordEnd - 1);
    if (NUL_FREE_VALUES.has(key) && value.includes('\0')) throw badRecord(at, `has a NUL byte in its ${key} value`);
    if (key === GNU_SPARSE_KEYS.offset || key === GNU_SPARSE_KEYS.numbytes) {
      const expected = sparseMap.length % 2 === 0 ? GNU_SPARSE_KEYS.offset : GNU_SPARSE_KEYS.numbytes;
      if (key !== expected || value.includes(',')) throw badRecord(at, `is ${key} where ${expected} was expected (GNU sparse format 0.0 alternates them)`);
      sparseMap.push(value);
    } else {
      records.set(key, value);
    }
    index = recordEnd;
  }
  if (sparseMap.length > 0) records.set(GNU_SPARSE_KEYS.map, sparseMap.join(','));
  return records;
}

function isAllZero(buffer: Buffer, start: number, end: number): boolean {
  for (let index = start; index < end; index++) if (buffer[index] !== 0) return false;
  return true;
}

function badRecord(at: number, problem: string): TarFormatError {
  return new TarFormatError('bad-pax', `the PAX record at offset ${at} ${problem}`, at);
}

const INTEGER = /^-?\d+$/;
const TIME = /^-?\d+(\.\d*)?$/;

/** A decimal integer record (uid, gid, size, GNU.sparse.size …). */
export function paxInteger(key: string, value: string, position: number): number {
  const number = INTEGER.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number)) throw new TarFormatError('bad-pax', `the PAX ${key} record "${value}" of the extended header at offset ${position} is not a decimal integer`, position);
  return number;
}

/** A time record: seconds since the epoch with an optional fraction (POSIX pax "mtime"). */
export function paxTime(key: string, value: string, position: number): number {
  const number = TIME.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) throw new TarFormatError('bad-pax', `the PAX ${key} record "${value}" of the extended header at offset ${position} is not a time in seconds`, position);
  return number;
}
