/**
 * What each corpus entry must do, decided from the corpus README (its "Exercises" and "Found (own
 * inspection)" lines and the caveats at its top), never from what the project happens to output.
 * Entries not listed here get the default for their role (see `defaultExpectation`).
 */
import type { ImageErrorCode } from '../../../src/core/errors';
import type { NodeKind } from '../../../src/core/model/nodeKind';
import type { SourceKind } from '../../../src/core/sources/imageSource';
import type { EntryRole } from './corpus';

export interface OkExpectation {
  outcome: 'ok';
  kind?: SourceKind;
  roots?: number;
  nodes?: number;
  absent?: number;
  unreferenced?: number;
  /** Blobs whose content does not hash to its digest or size (hand-edited fixtures). */
  mismatches?: number;
  /** Names that must be given to some root. */
  names?: string[];
  /** `os/arch[/variant]` values that must appear on some node. */
  platforms?: string[];
  /** How many nodes of each kind. */
  kinds?: Partial<Record<NodeKind, number>>;
  /** Attestation manifests must point (`attests`) at an image manifest of the graph. */
  attestationsLinked?: number;
  /** Some node lists referrers (OCI 1.1 subject). */
  referrers?: boolean;
  /** Regular files our tar reader must list, where GNU tar's listing knowingly differs. */
  files?: string[];
  why: string;
}

export interface ErrorExpectation {
  outcome: 'error';
  /** Any of these ImageError codes. */
  codes: ImageErrorCode[];
  /** The message must also match this (besides naming the source). */
  message?: RegExp;
  /** Regular files our tar reader must list, where GNU tar's listing knowingly differs. */
  files?: string[];
  /** For a directory of JSON: how many of its files hash to a digest some descriptor in it names. */
  filesHashingToDescriptors?: number;
  why: string;
}

export type Expectation = OkExpectation | ErrorExpectation;

/** Errors for an input that is a tar but not an image, or bytes that are no tar at all. */
const NOT_AN_ARCHIVE: ImageErrorCode[] = ['not-an-image', 'corrupt', 'truncated', 'unsupported'];

export const EXPECTATIONS: Record<string, Expectation> = {
  // ── 1. legacy docker save ────────────────────────────────────────────────────────────────────
  'google__go-containerregistry/pkg/v1/tarball/testdata/test_image_1.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, unreferenced: 0, mismatches: 0, names: ['bazel/v1/tarball:test_image_1'], platforms: ['linux/amd64'], why: '1 uncompressed layer, config amd64/linux' },
  'google__go-containerregistry/pkg/v1/tarball/testdata/test_image_2.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, names: ['bazel/v1/tarball:test_image_2'], why: 'like test_image_1' },
  'google__go-containerregistry/pkg/v1/tarball/testdata/test_load_manifest.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, why: 'identical structure to test_image_1' },
  'google__go-containerregistry/pkg/v1/tarball/testdata/test_link.tar': { outcome: 'ok', kind: 'docker-archive', roots: 2, nodes: 6, mismatches: 0, names: ['bazel/v1/tarball:test_image_1', 'bazel/v1/tarball:test_image_3'], why: '2 images in manifest.json; a layer.tar is a symlink shared between them' },
  'google__go-containerregistry/pkg/v1/mutate/testdata/source_image.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, why: 'minimal legacy save' },
  'google__go-containerregistry/pkg/v1/mutate/testdata/source_image_with_empty_layer_history.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, why: 'history=2, diff_ids=1' },
  'wagoodman__dive/.data/test-docker-image.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 16, mismatches: 0, names: ['dive-test:latest'], why: '14 uncompressed layers' },
  'containers__image/docker/archive/fixtures/almostempty.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, names: ['emptyimage:latest'], why: 'Docker 1.10.3 save, 1 layer' },
  'aquasecurity__trivy/pkg/fanal/test/testdata/alpine-310.tar.gz': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, platforms: ['linux/amd64'], why: 'gzipped docker save of alpine:3.10' },
  'snyk__snyk-docker-plugin/test/fixtures/docker-archives/docker-save/poetry.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, why: 'Docker 20.10 save, 1 layer' },
  'snyk__snyk-docker-plugin/test/fixtures/docker-archives/skopeo-copy/nodes-fake-multi.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 4, mismatches: 0, why: 'skopeo docker-archive: 2 layers, layer.tar symlinks to <digest>.tar' },
  'snyk__snyk-docker-plugin/test/fixtures/docker-archives/skopeo-copy/centos-6.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, why: 'outer gzip; 1 gzip layer' },
  'containers__podman/test/e2e/testdata/docker-name-only.tar.xz': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, names: ['pretty-empty:latest'], why: 'xz-compressed docker save (podman), decoded with xz-decompress' },
  'containers__podman/test/e2e/testdata/docker-registry-name.tar.xz': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, names: ['example.com/empty:latest'], why: 'xz-compressed docker save with a registry name' },
  'containers__podman/test/e2e/testdata/docker-unnamed.tar.xz': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, why: 'xz-compressed docker save without a name' },
  'google__osv-scalibr/artifact/image/layerscanning/image/testdata/basic.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 4, mismatches: 0, names: ['basic:latest'], why: '2 layers' },

  // ── 2. Docker 25+ saves ─────────────────────────────────────────────────────────────────────
  'google__go-containerregistry/pkg/v1/tarball/testdata/hello-world-v25.tar': {
    outcome: 'ok',
    kind: 'docker-archive',
    roots: 1,
    nodes: 3,
    unreferenced: 1,
    mismatches: 0,
    platforms: ['linux/arm64'],
    why: 'index.json "manifests": null (README: all 4 blobs unreferenced by index.json); manifest.json still names the image (config ee301c92), and the stored OCI manifest 411caf34 whose config that is becomes the root; only the legacy v1 json ac09ed77 stays unreferenced',
  },
  'snyk__snyk-docker-plugin/test/fixtures/docker-oci-archives/busybox.armv7.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, unreferenced: 1, mismatches: 0, names: ['docker.io/library/busybox:latest'], platforms: ['linux/arm/v7'], why: 'Docker 25 save; the legacy v1 layer-json blob is unreferenced' },

  // ── 3a. OCI layouts ─────────────────────────────────────────────────────────────────────────
  'google__go-containerregistry/pkg/v1/layout/testdata/test_index': { outcome: 'ok', kind: 'oci-layout', roots: 4, unreferenced: 0, mismatches: 0, names: ['1', '2', '3', '4'], why: '4 descriptors incl. an unknown descriptor type, nested OCI index, Docker list' },
  'google__go-containerregistry/pkg/v1/layout/testdata/test_gc_index': { outcome: 'ok', kind: 'oci-layout', roots: 3, unreferenced: 1, mismatches: 0, why: 'blob 492b89b9 is unreferenced (garbage)' },
  'google__go-containerregistry/pkg/v1/layout/testdata/test_index_one_image': { outcome: 'ok', kind: 'oci-layout', roots: 1, nodes: 3, unreferenced: 0, mismatches: 0, why: 'manifest 98ceaf93 -> config 381d958b, layer 492b89b9' },
  'anchore__stereoscope/pkg/image/oci/testdata/valid_oci_dir': { outcome: 'ok', kind: 'oci-layout', roots: 2, nodes: 3, mismatches: 0, names: ['latest', '1.0'], why: 'the same manifest twice under two ref names' },
  'aquasecurity__trivy/pkg/fanal/test/testdata/test.oci': { outcome: 'ok', kind: 'oci-layout', roots: 1, nodes: 3, mismatches: 0, why: 'manifest afb74487 -> gzip layer' },

  // ── 3b. oci-archives ────────────────────────────────────────────────────────────────────────
  'wagoodman__dive/.data/test-oci-gzip-image.tar': { outcome: 'ok', kind: 'oci-archive', roots: 1, nodes: 3, mismatches: 0, platforms: ['linux/arm64'], why: 'BuildKit oci exporter, arm64' },
  'anchore__stereoscope/pkg/image/oci/testdata/valid-oci.tar': { outcome: 'ok', kind: 'oci-archive', roots: 1, nodes: 3, mismatches: 0, names: ['sample:latest'], why: 'ref.name sample:latest' },
  'snyk__snyk-docker-plugin/test/fixtures/containerd-archives/alpine.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 4, mismatches: 0, names: ['docker.io/library/alpine:3.14'], platforms: ['linux/amd64'], kinds: { index: 1, manifest: 1, config: 1, layer: 1 }, why: 'containerd export: Docker manifest list (1 amd64 entry) in an OCI layout, plus manifest.json' },
  'snyk__snyk-docker-plugin/test/fixtures/oci-archives/busybox-1.31.1.tar': { outcome: 'ok', kind: 'oci-archive', roots: 1, nodes: 3, mismatches: 0, why: 'blobs digests verified by the README' },
  'containers__podman/test/e2e/testdata/oci-name-only.tar.gz': { outcome: 'ok', kind: 'oci-archive', roots: 1, nodes: 3, mismatches: 0, names: ['pretty-empty:latest'], platforms: ['linux/amd64'], why: 'gzipped oci-archive, ref.name pretty-empty:latest' },
  'containers__podman/test/e2e/testdata/oci-unnamed.tar.gz': { outcome: 'ok', kind: 'oci-archive', roots: 1, nodes: 3, mismatches: 0, why: 'no ref.name' },

  // ── 3c. multi-platform ─────────────────────────────────────────────────────────────────────
  'oras-project__oras-go/content/oci/testdata/hello-world.tar': { outcome: 'ok', roots: 1, nodes: 14, absent: 10, unreferenced: 0, mismatches: 0, names: ['docker.io/library/hello-world:latest'], platforms: ['linux/amd64'], why: '11-platform list, only linux/amd64 present: 10 absent (README caveat)' },
  'chainguard-dev__apko/internal/cli/testdata/top_image': { outcome: 'ok', kind: 'oci-layout', roots: 2, nodes: 8, unreferenced: 0, mismatches: 0, platforms: ['linux/amd64', 'linux/arm64'], why: '2 platforms, shared base layers, 8 blobs' },

  // ── 4. attestations ────────────────────────────────────────────────────────────────────────
  'snyk__snyk-docker-plugin/test/fixtures/containerd-archives/busybox-single-arch-with-attestation-manifest.tar': { outcome: 'ok', roots: 1, nodes: 7, absent: 0, unreferenced: 0, mismatches: 0, names: ['docker.io/foo/bar:v3'], platforms: ['linux/arm64'], kinds: { 'attestation-manifest': 1, attestation: 1 }, attestationsLinked: 1, why: '7 blobs all present; nested index with linux/arm64 image + attestation manifest (unknown/unknown)' },
  'docker__attest/test/testdata/no-provenance-index': { outcome: 'ok', kind: 'oci-layout', roots: 1, nodes: 12, unreferenced: 0, mismatches: 0, platforms: ['linux/amd64', 'linux/arm64'], kinds: { 'attestation-manifest': 2 }, attestationsLinked: 2, why: '2 images + 2 SBOM-only attestation manifests; 12 blobs verified' },
  'docker__attest/test/testdata/containerd-subject-layout': { outcome: 'ok', kind: 'oci-layout', roots: 1, nodes: 6, unreferenced: 0, mismatches: 0, platforms: ['linux/arm64'], kinds: { 'attestation-manifest': 1 }, attestationsLinked: 1, why: 'image manifest with "layers": null + SPDX attestation; 6 blobs verified' },

  // ── 5. OCI 1.1 artifacts ───────────────────────────────────────────────────────────────────
  'google__go-containerregistry/pkg/v1/layout/testdata/test_index_media_type': { outcome: 'ok', kind: 'oci-layout', roots: 1, nodes: 3, mismatches: 0, kinds: { artifact: 1 }, why: 'Helm-style config media type: an artifact, not an image' },
  'regclient__regclient/testdata/testrepo': { outcome: 'ok', kind: 'oci-layout', roots: 26, nodes: 91, unreferenced: 0, mismatches: 0, referrers: true, why: '26 descriptors, 91 blobs, all verified and reachable; a looping index' },
  'notaryproject__notation/test/e2e/testdata/registry/oci_layout/e2e-with-timestamped-signature': { outcome: 'ok', kind: 'oci-layout', roots: 2, nodes: 5, unreferenced: 0, mismatches: 0, referrers: true, why: 'artifact + notation signature referrer with subject' },
  'oras-project__oras/test/e2e/testdata/zot/command/images': { outcome: 'ok', kind: 'oci-layout', roots: 7, nodes: 16, unreferenced: 0, mismatches: 0, why: 'empty index, non-JSON config, multi-arch; 16 blobs verified' },
  'containers__image/signature/fixtures/dir-img-cosign-fulcio-rekor-valid': { outcome: 'ok', roots: 1, nodes: 3, absent: 2, unreferenced: 0, mismatches: 0, why: 'containers/image dir: directory holding only manifest.json (v2s2) + signature-1: config and layer are absent' },
  'containers__image/signature/fixtures/dir-img-cosign-valid': { outcome: 'ok', roots: 1, nodes: 3, absent: 2, unreferenced: 0, mismatches: 0, why: 'dir: directory, manifest.json + signature-1 only' },

  // ── 6a. schema 1 ───────────────────────────────────────────────────────────────────────────
  'containers__skopeo/integration/fixtures/uncompressed-image-s1': { outcome: 'ok', roots: 1, nodes: 2, absent: 0, unreferenced: 0, mismatches: 0, why: 'dir: directory, schema 1 manifest with 1 fsLayer (a 2048-byte uncompressed tar) present' },

  // ── 6b. layer oddities (image archives) ─────────────────────────────────────────────────────
  'google__go-containerregistry/pkg/v1/mutate/testdata/whiteout_image.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 5, mismatches: 0, why: '3 layers incl. an empty one' },
  'google__go-containerregistry/pkg/v1/mutate/testdata/whiteout_dir.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 6, mismatches: 0, names: ['localhost:5000/whiteout:latest'], why: '4 gzip layers <digest>.tar.gz, config named sha256:<hex>' },
  'wagoodman__dive/.data/test-oci-zstd-image.tar': { outcome: 'ok', kind: 'oci-archive', roots: 1, nodes: 3, mismatches: 0, why: 'zstd layer, digest verified' },
  'wagoodman__dive/.data/test-oci-uncompressed-image.tar': { outcome: 'ok', kind: 'oci-archive', roots: 1, nodes: 3, mismatches: 0, why: 'uncompressed layer' },
  'snyk__snyk-docker-plugin/test/fixtures/docker-archives/docker-save/nginx-os-release-link.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 1, why: 'trimmed and repacked by hand: the layer no longer hashes to its diff_id (1 layer in manifest.json, 3 diff_ids)' },
  'snyk__snyk-docker-plugin/test/fixtures/docker-archives/docker-save/gemfile.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, why: 'layer.tar is gzip; RepoTags null' },
  'snyk__snyk-docker-plugin/test/fixtures/kaniko-archives/kaniko-busybox.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, why: 'kaniko tarball, config named sha256:<hex>, layer .tar.gz' },
  'google__osv-scalibr/artifact/image/layerscanning/image/testdata/symlink-dangling.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 4, mismatches: 0, why: '2 layers' },
  'google__osv-scalibr/artifact/image/layerscanning/image/testdata/symlink-depth-exceeded.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, why: '1 layer' },

  // ── 6c. negative / corrupt ─────────────────────────────────────────────────────────────────
  'google__go-containerregistry/pkg/v1/tarball/testdata/no_manifest.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 0, names: ['bazel/v1/tarball:test_image'], why: 'pre-1.10 save (repositories only): readable, converted like Docker 1.10 did' },
  'google__go-containerregistry/pkg/v1/layout/testdata/test_gc_image_unknown_mediatype': { outcome: 'ok', kind: 'oci-layout', roots: 1, nodes: 1, absent: 1, unreferenced: 0, why: 'readable but odd: the one referenced blob is absent (no blobs dir)' },
  'wagoodman__dive/.data/test-zstd-image.tar': { outcome: 'error', codes: ['not-an-image'], message: /README\.md/, why: 'a rootfs export (only README.md), not an image' },
  'anchore__stereoscope/pkg/image/oci/testdata/no_manifests/index.json': { outcome: 'error', codes: ['not-an-image'], message: /JSON/, why: 'a lone JSON file, not an archive or layout' },
  'anchore__stereoscope/pkg/image/docker/testdata/single-blank-manifest.json': { outcome: 'error', codes: ['not-an-image'], message: /JSON/, why: 'a lone JSON file' },
  'containers__image/oci/layout/fixtures/delete_image_multiple_images': { outcome: 'ok', kind: 'oci-layout', roots: 7, nodes: 19, absent: 0, unreferenced: 0, mismatches: 0, platforms: ['linux/amd64', 'linux/386'], why: 'graph is sound (19 blobs, digests right); only the layer CONTENT is fake (33-byte text declared tar+gzip)' },
  'containers__image/oci/layout/fixtures/delete_image_shared_blobs_dir': { outcome: 'ok', kind: 'oci-layout', roots: 1, nodes: 1, absent: 1, unreferenced: 1, why: 'readable but odd: the manifest lives in shared_blobs/ (absent from blobs/); blobs/ holds only the config (unreferenced)' },
  'containers__image/oci/layout/fixtures/name_lookups/index.json': { outcome: 'error', codes: ['not-an-image'], message: /JSON/, why: 'a lone index.json file' },
  'containers__image/internal/manifest/testdata/v2s1-invalid-signatures.manifest.json': { outcome: 'error', codes: ['not-an-image'], message: /JSON/, why: 'a lone JSON file' },
  'containers__image/internal/manifest/testdata/ociv1.artifact.json': { outcome: 'error', codes: ['not-an-image'], message: /JSON/, why: 'a lone JSON file' },
  'containers__image/internal/manifest/testdata/non-json.manifest.json': { outcome: 'error', codes: ['not-an-image', 'corrupt'], why: 'binary garbage' },
  'containers__skopeo/integration/fixtures/uncompressed-image-s2': { outcome: 'ok', roots: 1, nodes: 3, absent: 0, unreferenced: 0, mismatches: 0, why: 'dir: directory; graph sound (digests right) though the layer declared tar.gzip is a plain tar and the config is application/octet-stream' },
  'aquasecurity__trivy/pkg/fanal/test/testdata/test_invalid_oci_image.oci': { outcome: 'ok', kind: 'oci-layout', roots: 1, nodes: 1, absent: 1, unreferenced: 3, mismatches: 0, why: 'readable but odd: the root digest bad74487 does not exist; the 3 blobs of test.oci are unreferenced' },
  'aquasecurity__trivy/pkg/fanal/test/testdata/test_no_valid_manifests.oci': { outcome: 'error', codes: ['bad-json'], message: /index\.json/, why: 'index.json = {} (no schemaVersion, no manifests)' },
  'aquasecurity__trivy/pkg/fanal/image/testdata/multi': { outcome: 'ok', kind: 'oci-layout', roots: 1, nodes: 3, absent: 2, unreferenced: 0, platforms: ['linux/amd64'], why: 'readable but odd: nested index present, both platform manifests absent' },
  'snyk__snyk-docker-plugin/test/fixtures/docker-oci-archives/unsupported-image.tar': { outcome: 'error', codes: ['not-an-image'], message: /notes\.txt|readme\.txt/, why: 'a tar of two text files, not an image' },
  'snyk__snyk-docker-plugin/test/fixtures/docker-archives/docker-save/nginx.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, nodes: 3, mismatches: 1, why: 'hand-trimmed: layer.tar no longer matches its diff_id -> verify finds 1 mismatch' },
  'snyk__snyk-docker-plugin/test/fixtures/oci-archives/alpine-3.12.0.tar': { outcome: 'ok', kind: 'oci-archive', roots: 1, nodes: 3, absent: 0, mismatches: 1, why: 'gzipped, macOS junk ignored; the trimmed layer blob mismatches digest and size' },
  'snyk__snyk-docker-plugin/test/fixtures/oci-archives/oci-with-manifest.tar': { outcome: 'ok', roots: 1, nodes: 6, absent: 3, mismatches: 1, why: 'only 1 of 4 layers present, and it mismatches' },
  'moby__moby/integration-cli/testdata/emptyLayer.tar': { outcome: 'ok', kind: 'docker-archive', roots: 1, mismatches: 0, names: ['matthughes/library-centos:6-2015.03.20'], why: 'pre-1.10 save: 3 v1 layers, one a zero-byte layer.tar' },
  'vbatts__tar-split/archive/tar/testdata/pax-path-hdr.tar': { outcome: 'error', codes: NOT_AN_ARCHIVE, why: 'lone PAX header, no entry' },
  'vbatts__tar-split/archive/tar/testdata/pax-nul-xattrs.tar': { outcome: 'error', codes: NOT_AN_ARCHIVE, why: 'PAX xattr with NUL' },
  'vbatts__tar-split/archive/tar/testdata/pax-nul-path.tar': { outcome: 'error', codes: NOT_AN_ARCHIVE, why: 'PAX path with NUL (Go archive/tar: ErrHeader; GNU tar lists it)' },
  'vbatts__tar-split/archive/tar/testdata/pax-global-records.tar': {
    outcome: 'error',
    codes: ['not-an-image'],
    files: ['file1', 'file2', 'file3', 'file4'],
    why: "PAX global headers: GNU tar and Python apply the global path to later entries (global1, file2, '', ''); Go's archive/tar (Docker, containerd) does not: file1..file4",
  },
  'vbatts__tar-split/archive/tar/testdata/pax-bad-hdr-file.tar': { outcome: 'error', codes: NOT_AN_ARCHIVE, why: 'malformed PAX header' },
  'vbatts__tar-split/archive/tar/testdata/invalid-go17.tar': { outcome: 'error', codes: NOT_AN_ARCHIVE, why: 'odd header, not an image' },
  'vbatts__tar-split/archive/tar/testdata/issue10968.tar': { outcome: 'error', codes: NOT_AN_ARCHIVE, why: 'fuzzer header' },
  'vbatts__tar-split/archive/tar/testdata/issue11169.tar': { outcome: 'error', codes: NOT_AN_ARCHIVE, why: 'truncated after a PAX header' },
  'vbatts__tar-split/archive/tar/testdata/writer-big-long.tar': { outcome: 'error', codes: NOT_AN_ARCHIVE, why: '16 GiB header, no data: must not hang or allocate' },
  'vbatts__tar-split/tar/asm/testdata/notenoughnils.tar.gz': { outcome: 'error', codes: NOT_AN_ARCHIVE, why: 'no full end-of-archive marker; a bare file, not an image' },
  'containers__podman/test/e2e/testdata/oci-non-docker-name.tar.gz': { outcome: 'ok', kind: 'oci-archive', roots: 1, nodes: 3, mismatches: 0, names: ['UPPERCASE-IS-INVALID'], why: 'readable; ref.name is not a valid Docker reference but is still a name' },
  'google__osv-scalibr/artifact/image/layerscanning/image/testdata/empty.tar': { outcome: 'error', codes: ['not-an-image'], why: '10240 zero bytes: an empty tar' },
  'anchore__stereoscope/pkg/image/oci/testdata/invalid_file/index.json': { outcome: 'error', codes: ['not-an-image'], message: /empty/, why: 'zero-byte file' },

  // ── 7. raw JSON directories ────────────────────────────────────────────────────────────────
  'hkolvenbach__oci-explorer/registry/testdata/alpine': {
    outcome: 'error',
    codes: ['not-an-image'],
    message: /index\.json/,
    filesHashingToDescriptors: 0,
    why: 'a directory of re-serialized registry JSON (image_index.json, platforms/, attestations/): not a layout; no file hashes to its descriptor digest (README caveat)',
  },
};

export function defaultExpectation(role: EntryRole): Expectation {
  switch (role) {
    case 'image-source':
      return { outcome: 'ok', why: 'image source (default: independent checks only)' };
    case 'bare-layer':
      return { outcome: 'error', codes: ['not-an-image'], message: /not an image|not a tar/, why: 'a bare layer tar is not an image' };
    case 'raw-json':
      return { outcome: 'error', codes: ['not-an-image'], why: 'a lone JSON document is not an archive or layout' };
    case 'negative':
      return { outcome: 'error', codes: [...NOT_AN_ARCHIVE, 'bad-json', 'missing-blob', 'invalid-digest', 'too-large', 'link-loop', 'unsafe-path'], why: 'negative entry (default: any ImageError)' };
  }
}
