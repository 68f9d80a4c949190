/**
 * Which file names the Open Image Archive dialog offers (VS Code matches the last extension, so
 * `gz` covers `.tar.gz`); the Explorer's "Open in Container Image Explorer" uses the same list as
 * a regex in package.json, which a unit test keeps in step with this one.
 */
export const ARCHIVE_EXTENSIONS = ['tar', 'gz', 'tgz', 'zst', 'zstd', 'xz', 'txz'] as const;

export const ARCHIVE_FILTERS: Record<string, string[]> = { 'Image archives': [...ARCHIVE_EXTENSIONS], 'All files': ['*'] };
