/** The kinds of tar entry we distinguish (POSIX ustar typeflag, plus GNU and PAX extensions). */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'character-device' | 'block-device' | 'fifo' | 'contiguous' | 'unknown';

/** One entry of a tar stream, with the offset of its data so it can be read later without a rescan. */
export interface TarEntry {
  /** The path as stored, with PAX `path` and GNU long names applied; not normalised. */
  path: string;
  type: TarEntryType;
  /** Bytes of data that follow the header (for sparse files: the logical size, see `sparse`). */
  size: number;
  /** Offset of the entry's first data byte in the (uncompressed) tar stream. */
  dataOffset: number;
  /** Offset of the entry's first header block (including PAX/GNU extension headers). */
  headerOffset: number;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch (PAX mtime may be fractional). */
  mtime: number;
  /** Target of a symlink or hard link, with PAX `linkpath` and GNU long links applied. */
  linkname: string;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  /** PAX records other than the ones folded into the fields above (e.g. `SCHILY.xattr.*`). */
  pax?: Record<string, string>;
  /** The header's typeflag character ('0', '5', 'S', 'D', …), for types TarEntryType folds together. */
  typeflag?: string;
  /**
   * For GNU or PAX sparse files: the stored data size and the map of data regions. The stored
   * data at `dataOffset` is the regions packed together; entryByteSource() expands them.
   */
  sparse?: { storedSize: number; map: Array<{ offset: number; length: number }> };
}
