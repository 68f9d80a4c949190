/**
 * A named cap for every untrusted read (after containers/image internal/iolimits): a hostile
 * archive cannot make us buffer more than this for a document we parse.
 */
export const ReadLimits = {
  /** Manifests and indexes (containers/image: 4 MiB). */
  manifest: 4 * 1024 * 1024,
  /** Image configs (containers/image: 4 MiB; we allow more for images with huge histories). */
  config: 16 * 1024 * 1024,
  /** `manifest.json`, `index.json`, `repositories`, `oci-layout` of an archive or layout. */
  archiveMetadata: 16 * 1024 * 1024,
  /** in-toto statements and SBOMs, which can be large. */
  attestation: 256 * 1024 * 1024,
  /** Entries a compressed outer archive keeps in memory from its one decompression pass. */
  capturedEntry: 1024 * 1024,
  capturedTotal: 128 * 1024 * 1024,
} as const;
