/**
 * fzstd and xz-decompress do work when loaded (fzstd builds its tables: ~6 ms of every CLI start)
 * though most sources need neither: they are required on first use instead.
 */
import type * as Fzstd from 'fzstd';
import type * as XzDecompress from 'xz-decompress';

let fzstd: typeof Fzstd | undefined;
let xzDecompress: typeof XzDecompress | undefined;

export function loadFzstd(): typeof Fzstd {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return (fzstd ??= require('fzstd') as typeof Fzstd);
}

export function loadXzDecompress(): typeof XzDecompress {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return (xzDecompress ??= require('xz-decompress') as typeof XzDecompress);
}
