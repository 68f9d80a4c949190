#!/usr/bin/env bash
# Builds the benchmark corpus (large container images) with real tools, outside the repo.
#
#   bash scripts/bench-corpus.sh            build what is missing (each step is cached; re-runs are no-ops)
#   bash scripts/bench-corpus.sh --force    rebuild every step
#   bash scripts/bench-corpus.sh --path     print the path of corpus.json and exit
#
# Output: ${XDG_CACHE_HOME:-$HOME/.cache}/container-image-explorer/bench/ (CIE_BENCH_DIR overrides; it must
# not be inside the repository), described by corpus.json there:
#   debian-oci/                  debootstrap --variant=minbase bookworm, 3 umoci layers (base; /usr/share/doc +
#                                modified and deleted files; added files + a whiteout), gzip
#   debian-docker-archive.tar    skopeo copy -> docker-archive:
#   debian-oci-archive.tar       skopeo copy -> oci-archive:
#   debian-docker25.tar          what `docker save` writes since Docker 25 (OCI layout + manifest.json), jq + tar
#   big-oci/                     one umoci layer of ~1.9 GB (random data + real text files), gzip blob ~1.5 GB
#   big-docker-archive.tar       skopeo -> docker-archive: (uncompressed ~1.9 GB layer member)
#   big-zstd-oci/                skopeo copy --dest-compress-format zstd of big-oci
#   many-oci/                    one umoci layer with ~200k small files, gzip
#   many-docker-archive.tar      skopeo -> docker-archive:
#   many-zstd-oci/               skopeo copy --dest-compress-format zstd of many-oci
# Needs (Debian packages): debootstrap skopeo umoci jq pigz zstd tar coreutils util-linux (flock), and node.
# If debootstrap cannot reach the apt mirror (CIE_BENCH_MIRROR overrides it), the Debian rootfs falls back to
# a copy of the files of this machine's Priority: required packages plus /etc (its whole /usr is several GB),
# and corpus.json says so ("images.debian.rootfsOrigin": "debootstrap" or "host-required-packages").
set -euo pipefail

SCRIPT_PATH="$(readlink -f "${BASH_SOURCE[0]}")"
REPO_DIR="$(cd "$(dirname "$SCRIPT_PATH")/.." && pwd)"
OUT="${CIE_BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/container-image-explorer/bench}"
WORK="$OUT/work"
DONE="$OUT/.done"
export TZ=UTC LC_ALL=C

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --path) echo "$OUT/corpus.json"; exit 0 ;;
    -h|--help) sed -n '2,24p' "$SCRIPT_PATH" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-corpus: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

START=$SECONDS
die() { echo "bench-corpus: error: $*" >&2; exit 1; }
note() { printf 'bench-corpus [%4ds] %s\n' "$((SECONDS - START))" "$*"; }

case "$(readlink -m "$OUT")/" in
  "$REPO_DIR"/*) die "the corpus must not be inside the repository ($OUT)" ;;
esac
for t in debootstrap skopeo umoci jq pigz zstd tar sha256sum flock node; do
  command -v "$t" >/dev/null 2>&1 || die "missing tool: $t (apt-get install debootstrap skopeo umoci jq pigz zstd)"
done

mkdir -p "$OUT" "$WORK" "$DONE"
exec 9>"$OUT/.lock"
flock -n 9 || die "another bench-corpus.sh is running on $OUT"
[[ $FORCE == 1 ]] && rm -f "$DONE"/*

sk() { skopeo --insecure-policy copy -q "$@" >/dev/null; }
hex_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -c %s "$1"; }
blob() { echo "$1/blobs/sha256/${2#sha256:}"; }
# manifest_of LAYOUT: path of the (only) manifest blob of an OCI layout.
manifest_of() { blob "$1" "$(jq -r '.manifests[0].digest' "$1/index.json")"; }
config_of() { local m; m=$(manifest_of "$1"); blob "$1" "$(jq -r .config.digest "$m")"; }

# step NAME FUNCTION: runs FUNCTION unless NAME is done; outputs are written to temporary names first.
step() {
  local name=$1 t0=$SECONDS
  if [[ -f "$DONE/$name" ]]; then note "$name: cached"; return 0; fi
  note "$name: building"
  "$2"
  echo "$((SECONDS - t0))" >"$DONE/$name"
  note "$name: done in $((SECONDS - t0))s ($(du -sh "$OUT" | cut -f1) in $OUT)"
}

# --------------------------------------------------------------------------------------------
# Debian rootfs -> 3-layer OCI layout -> docker-archive, oci-archive, Docker 25 archive
# --------------------------------------------------------------------------------------------
apt_mirror() {
  local uri
  uri=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
  echo "${CIE_BENCH_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

build_rootfs() {
  local dir="$WORK/debian-rootfs" mirror
  mirror=$(apt_mirror)
  rm -rf "$dir"; mkdir -p "$OUT/debs"
  note "debootstrap --variant=minbase bookworm from $mirror"
  if debootstrap --variant=minbase --cache-dir="$OUT/debs" bookworm "$dir" "$mirror" >"$WORK/debootstrap.log" 2>&1; then
    echo debootstrap >"$WORK/rootfs-origin"
  else
    # This machine's /usr is several GB, so copy only the files of its Priority: required packages
    # (what minbase installs) plus /etc.
    note "debootstrap failed (see $WORK/debootstrap.log); falling back to this machine's required packages' files"
    rm -rf "$dir"; mkdir -p "$dir/usr"/{bin,sbin,lib,lib64} "$dir/var/log" "$dir/tmp" "$dir/root"
    for l in bin sbin lib lib64; do ln -s "usr/$l" "$dir/$l"; done
    # shellcheck disable=SC2046
    dpkg -L $(dpkg-query -W -f='${Package}\t${Priority}\n' | awk -F'\t' '$2 == "required" {print $1}') 2>/dev/null |
      sort -u | while read -r f; do if [[ -f $f && ! -d $f ]]; then echo "${f#/}"; fi; done >"$WORK/host-files"
    echo etc >>"$WORK/host-files"
    tar -C / -cf - -T "$WORK/host-files" 2>/dev/null | tar -C "$dir" -xpf - || true
    echo host-required-packages >"$WORK/rootfs-origin"
  fi
  rm -rf "$dir/proc"/* "$dir/sys"/* "$dir/dev"/* 2>/dev/null || true
}

build_debian_oci() {
  local img="$OUT/debian-oci" b="$WORK/debian-bundle" r="$WORK/debian-rootfs" t=debian-oci.tmp
  rm -rf "$OUT/$t" "$b"
  umoci init --layout "$OUT/$t"
  umoci new --image "$OUT/$t:bookworm"
  umoci unpack --image "$OUT/$t:bookworm" "$b" >/dev/null
  # Layer 1: the base rootfs without /usr/share/doc.
  tar -C "$r" --exclude=./usr/share/doc -cf - . | tar -C "$b/rootfs" -xpf -
  umoci repack --refresh-bundle --image "$OUT/$t:bookworm" --history.created_by "debootstrap --variant=minbase bookworm" "$b"
  # Layer 2: /usr/share/doc, some modified and some deleted files.
  cp -a "$r/usr/share/doc" "$b/rootfs/usr/share/"
  printf 'bench-image\n' >"$b/rootfs/etc/hostname"
  if [[ -f "$r/usr/lib/os-release" ]]; then
    { cat "$r/usr/lib/os-release"; printf 'BENCH_VARIANT="layer-2"\n'; } >"$b/rootfs/usr/lib/os-release"
  fi
  printf '# modified by bench-corpus\n' >>"$b/rootfs/etc/bash.bashrc" 2>/dev/null || true
  rm -rf "$b/rootfs/var/cache/debconf/"*-old "$b/rootfs/var/log/"*.log "$b/rootfs/usr/share/info" \
         "$b/rootfs/etc/cron.daily" "$b/rootfs/usr/share/man/man8"
  umoci repack --refresh-bundle --image "$OUT/$t:bookworm" --history.created_by "docs, edits, deletions" "$b"
  # Layer 3: added files and a whiteout (a removed doc directory) plus an opaque-ish replaced directory.
  mkdir -p "$b/rootfs/opt/app/bin" "$b/rootfs/opt/app/share"
  printf '#!/bin/sh\necho hello from the bench image\n' >"$b/rootfs/opt/app/bin/hello"; chmod 0755 "$b/rootfs/opt/app/bin/hello"
  for i in $(seq 1 50); do printf 'data file %d\n' "$i" >"$b/rootfs/opt/app/share/file-$i.txt"; done
  rm -rf "$b/rootfs/usr/share/doc/apt" "$b/rootfs/etc/motd"
  umoci repack --refresh-bundle --image "$OUT/$t:bookworm" --history.created_by "add /opt/app, remove docs of apt" "$b"
  umoci config --image "$OUT/$t:bookworm" --config.cmd /bin/bash --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  umoci gc --layout "$OUT/$t"
  rm -rf "$b" "$img"; mv "$OUT/$t" "$img"
}

# make_docker25 OCI_LAYOUT REPO:TAG OUT_TAR: what `docker save` writes since Docker 25: an OCI layout with
# uncompressed layers named by diffID, plus manifest.json (Config/Layers = blobs/sha256/<hex>) and repositories.
make_docker25() {
  local src=$1 repo=$2 out=$3 d m cfg n i diff layers='[]'
  d="$WORK/d25"; rm -rf "$d"; mkdir -p "$d/blobs/sha256"
  m=$(manifest_of "$src"); cfg=$(config_of "$src")
  cp "$cfg" "$d/blobs/sha256/"
  n=$(jq '.layers | length' "$m")
  for ((i = 0; i < n; i++)); do
    diff=$(jq -r ".rootfs.diff_ids[$i]" "$cfg")
    pigz -dc "$(blob "$src" "$(jq -r ".layers[$i].digest" "$m")")" >"$d/blobs/sha256/${diff#sha256:}"
    layers=$(jq -c --arg d "$diff" --argjson s "$(size_of "$d/blobs/sha256/${diff#sha256:}")" \
      '. + [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $d, size: $s}]' <<<"$layers")
  done
  local cd cs arch os md ms
  cd="sha256:$(hex_of "$cfg")"; cs=$(size_of "$cfg"); arch=$(jq -r .architecture "$cfg"); os=$(jq -r .os "$cfg")
  jq -ncj --arg cd "$cd" --argjson cs "$cs" --argjson layers "$layers" --arg arch "$arch" --arg os "$os" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs, platform: {architecture: $arch, os: $os}},
      layers: $layers}' >"$WORK/d25-manifest"
  md="sha256:$(hex_of "$WORK/d25-manifest")"; ms=$(size_of "$WORK/d25-manifest")
  mv "$WORK/d25-manifest" "$d/blobs/sha256/${md#sha256:}"
  jq -nc --arg cfg "blobs/sha256/${cd#sha256:}" --arg rt "$repo" --argjson layers "$layers" \
    '[{Config: $cfg, RepoTags: [$rt], Layers: [$layers[] | "blobs/sha256/" + (.digest | ltrimstr("sha256:"))],
       LayerSources: ($layers | map({key: .digest, value: .}) | from_entries)}]' >"$d/manifest.json"
  jq -nc --arg n "${repo%%:*}" --arg t "${repo##*:}" --arg id "$(jq -r '.rootfs.diff_ids[-1] | ltrimstr("sha256:")' "$cfg")" \
    '{($n): {($t): $id}}' >"$d/repositories"
  jq -ncj --arg md "$md" --argjson ms "$ms" --arg full "docker.io/$repo" --arg t "${repo##*:}" --arg arch "$arch" --arg os "$os" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
        annotations: {"io.containerd.image.name": $full, "org.opencontainers.image.ref.name": $t},
        platform: {architecture: $arch, os: $os}}]}' >"$d/index.json"
  printf '{"imageLayoutVersion": "1.0.0"}' >"$d/oci-layout"
  tar -C "$d" --owner=0 --group=0 --numeric-owner -cf "$out.tmp" oci-layout index.json manifest.json repositories blobs
  mv "$out.tmp" "$out"; rm -rf "$d"
}

build_debian_archives() {
  rm -f "$OUT"/debian-*.tar
  sk "oci:$OUT/debian-oci:bookworm" "docker-archive:$OUT/debian-docker-archive.tar.tmp:bench/debian:bookworm"
  mv "$OUT/debian-docker-archive.tar.tmp" "$OUT/debian-docker-archive.tar"
  sk "oci:$OUT/debian-oci:bookworm" "oci-archive:$OUT/debian-oci-archive.tar.tmp:bookworm"
  mv "$OUT/debian-oci-archive.tar.tmp" "$OUT/debian-oci-archive.tar"
  make_docker25 "$OUT/debian-oci" bench/debian:bookworm "$OUT/debian-docker25.tar"
}

# --------------------------------------------------------------------------------------------
# big: one ~1.9 GB layer (1.4 GB random + ~0.5 GB real text files), gzip blob ~1.5 GB
# --------------------------------------------------------------------------------------------
build_big_src() {
  local s="$WORK/big-src" i n=0 copy
  rm -rf "$s"; mkdir -p "$s/random/large" "$s/random/medium" "$s/random/small" "$s/text"
  head -c 400M /dev/urandom >"$s/random/large/blob-400M.bin"
  for i in $(seq -w 1 10); do head -c 64M /dev/urandom >"$s/random/large/blob-$i-64M.bin"; done
  for i in $(seq -w 1 100); do head -c 3M /dev/urandom >"$s/random/medium/blob-$i-3M.bin"; done
  head -c 64M /dev/urandom | split -b 64K -a 4 - "$s/random/small/chunk-"
  # Compressible part: real source/text trees of this machine, copied until ~500 MB.
  for copy in 1 2 3 4 5 6; do
    for d in /usr/include /usr/share/perl /usr/lib/python3.11 /usr/share/doc; do
      [[ -d $d ]] || continue
      mkdir -p "$s/text/copy-$copy$d"
      tar -C "$d" -cf - . 2>/dev/null | tar -C "$s/text/copy-$copy$d" -xf - 2>/dev/null || true
    done
    n=$(du -sm "$s/text" | cut -f1)
    ((n < 500)) || break
  done
  # A small, known last file (umoci walks in lexical order; "zz-" sorts last under /data).
  mkdir -p "$s/zz-last"; printf 'the last file of the big layer\n' >"$s/zz-last/last-file.txt"
  note "big source: $(du -sh "$s" | cut -f1), $(find "$s" -type f | wc -l) files"
}

one_layer_image() { # LAYOUT SRC_DIR TARGET CREATED_BY
  local t="$1.tmp"
  rm -rf "$t"
  umoci init --layout "$t"
  umoci new --image "$t:latest"
  umoci insert --image "$t:latest" --history.created_by "$4" "$2" "$3"
  umoci gc --layout "$t"
  rm -rf "$1"; mv "$t" "$1"
}

to_docker_archive() { # LAYOUT REPO:TAG OUT
  rm -f "$3" "$3.tmp"
  sk "oci:$1:latest" "docker-archive:$3.tmp:$2"
  mv "$3.tmp" "$3"
}

to_zstd_layout() { # LAYOUT OUT
  rm -rf "$2" "$2.tmp"
  skopeo --insecure-policy copy -q --dest-compress-format zstd --dest-compress "oci:$1:latest" "oci:$2.tmp:latest" >/dev/null
  local mt
  mt=$(jq -r '.layers[0].mediaType' "$(manifest_of "$2.tmp")")
  [[ $mt == *zstd ]] || die "skopeo did not write a zstd layer for $2 (layer media type $mt)"
  mv "$2.tmp" "$2"
}

build_big_oci() {
  build_big_src
  one_layer_image "$OUT/big-oci" "$WORK/big-src" /data "big: random + text"
  rm -rf "$WORK/big-src"
}
build_big_docker() { to_docker_archive "$OUT/big-oci" bench/big:latest "$OUT/big-docker-archive.tar"; }
build_big_zstd() { to_zstd_layout "$OUT/big-oci" "$OUT/big-zstd-oci"; }

# --------------------------------------------------------------------------------------------
# many: one layer with 200k small files
# --------------------------------------------------------------------------------------------
build_many_src() {
  rm -rf "$WORK/many-src"; mkdir -p "$WORK/many-src"
  node -e '
    const fs = require("fs"), path = require("path");
    const root = process.argv[1];
    const words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega".split(" ");
    let seed = 42;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    for (let d = 0; d < 200; d++) {
      const dir = path.join(root, `d${String(d).padStart(3, "0")}`, `sub${d % 7}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 1000; f++) {
        const n = 5 + Math.floor(rand() * 150);
        let text = `file ${d}/${f}\n`;
        for (let i = 0; i < n; i++) {
          const word = i % 4 === 3 ? Math.floor(rand() * 0xffffffff).toString(16) : words[Math.floor(rand() * words.length)];
          text += word + (i % 12 === 11 ? "\n" : " ");
        }
        fs.writeFileSync(path.join(dir, `f${String(f).padStart(4, "0")}.txt`), text);
      }
    }' "$WORK/many-src"
  note "many source: $(find "$WORK/many-src" -type f | wc -l) files, $(du -sh "$WORK/many-src" | cut -f1)"
}
build_many_oci() {
  build_many_src
  one_layer_image "$OUT/many-oci" "$WORK/many-src" /files "200k small files"
  rm -rf "$WORK/many-src"
}
build_many_docker() { to_docker_archive "$OUT/many-oci" bench/many:latest "$OUT/many-docker-archive.tar"; }
build_many_zstd() { to_zstd_layout "$OUT/many-oci" "$OUT/many-zstd-oci"; }

# last_file LAYER_BLOB DECOMPRESSOR: the path of the last regular file in a layer tar.
# (umoci 0.4.7 layers lack the end-of-archive blocks, so GNU tar ends with "Unexpected EOF": ignored.)
last_file() { { $2 -dc "$1" | tar -tvf - 2>/dev/null || true; } | awk '$1 ~ /^-/ {p=$0} END {for (i = 0; i < 5; i++) sub(/^[^ ]+ +/, "", p); print p}'; }

build_last_files() {
  last_file "$(blob "$OUT/big-oci" "$(jq -r '.layers[0].digest' "$(manifest_of "$OUT/big-oci")")")" pigz >"$WORK/big-last-file"
  last_file "$(blob "$OUT/many-oci" "$(jq -r '.layers[0].digest' "$(manifest_of "$OUT/many-oci")")")" pigz >"$WORK/many-last-file"
}

# --------------------------------------------------------------------------------------------
# corpus.json
# --------------------------------------------------------------------------------------------
layers_json() { # LAYOUT -> [{digest,size,mediaType,diffId,path}]
  local m cfg
  m=$(manifest_of "$1"); cfg=$(config_of "$1")
  jq -c --arg dir "$1" --slurpfile cfg "$cfg" \
    '[.layers | to_entries[] | .value + {diffId: $cfg[0].rootfs.diff_ids[.key], path: ($dir + "/blobs/sha256/" + (.value.digest | ltrimstr("sha256:")))}
      | {digest, size, mediaType, diffId, path}]' "$m"
}
image_json() { # NAME LAYOUT TAG [key=path ...]
  local name=$1 layout=$2 tag=$3 extra='{}' kv
  shift 3
  for kv in "$@"; do extra=$(jq -c --arg k "${kv%%=*}" --arg v "${kv#*=}" '. + {($k): $v}' <<<"$extra"); done
  jq -nc --arg layout "$layout" --arg tag "$tag" --arg manifest "$(jq -r '.manifests[0].digest' "$layout/index.json")" \
    --argjson layers "$(layers_json "$layout")" --argjson extra "$extra" \
    '{ociLayout: $layout, tag: $tag, manifestDigest: $manifest, layers: $layers} + $extra'
}

member_size() { tar -tvf "$1" "$2" | awk '{print $3}'; } # ARCHIVE MEMBER

write_corpus_json() {
  local total=0 f
  for f in "$DONE"/*; do total=$((total + $(cat "$f"))); done
  jq -n \
    --arg root "$OUT" --arg origin "$(cat "$WORK/rootfs-origin")" --argjson seconds "$total" \
    --argjson bigTarSize "$(member_size "$OUT/big-docker-archive.tar" "$(jq -r '.rootfs.diff_ids[0] | ltrimstr("sha256:")' "$(config_of "$OUT/big-oci")").tar")" \
    --arg bigLast "$(cat "$WORK/big-last-file")" --arg manyLast "$(cat "$WORK/many-last-file")" \
    --argjson debian "$(image_json debian "$OUT/debian-oci" bookworm \
        dockerArchive="$OUT/debian-docker-archive.tar" ociArchive="$OUT/debian-oci-archive.tar" docker25Archive="$OUT/debian-docker25.tar")" \
    --argjson big "$(image_json big "$OUT/big-oci" latest dockerArchive="$OUT/big-docker-archive.tar")" \
    --argjson bigZstd "$(image_json bigZstd "$OUT/big-zstd-oci" latest)" \
    --argjson many "$(image_json many "$OUT/many-oci" latest dockerArchive="$OUT/many-docker-archive.tar")" \
    --argjson manyZstd "$(image_json manyZstd "$OUT/many-zstd-oci" latest)" \
    --argjson sizes "$(cd "$OUT" && du -sb debian-* big-* many-* | jq -Rn '[inputs | split("\t") | {key: .[1], value: (.[0] | tonumber)}] | from_entries')" \
    '{version: 1, root: $root, buildSeconds: $seconds, sizes: $sizes,
      images: {
        debian: ($debian + {rootfsOrigin: $origin}),
        big: ($big + {lastFile: $bigLast}),
        bigZstd: ($bigZstd + {lastFile: $bigLast}),
        many: ($many + {lastFile: $manyLast}),
        manyZstd: ($manyZstd + {lastFile: $manyLast})},
      roles: {
        bigGzipLayer: ($big.layers[0] + {source: $big.ociLayout}),
        manyFilesLayer: ($many.layers[0] + {source: $many.ociLayout}),
        bigZstdLayer: ($bigZstd.layers[0] + {source: $bigZstd.ociLayout}),
        manyZstdLayer: ($manyZstd.layers[0] + {source: $manyZstd.ociLayout}),
        catLayoutBlob: ($big.layers[0] + {source: $big.ociLayout}),
        catArchiveBlob: {source: $big.dockerArchive, digest: $big.layers[0].diffId, size: $bigTarSize,
                         member: (($big.layers[0].diffId | ltrimstr("sha256:")) + ".tar")},
        treeArchive: $big.dockerArchive}}' >"$OUT/corpus.json.tmp"
  mv "$OUT/corpus.json.tmp" "$OUT/corpus.json"
}

step rootfs build_rootfs
step debian-oci build_debian_oci
step debian-archives build_debian_archives
step big-oci build_big_oci
step big-docker build_big_docker
step big-zstd build_big_zstd
step many-oci build_many_oci
step many-docker build_many_docker
step many-zstd build_many_zstd
step last-files build_last_files
write_corpus_json
note "corpus: $OUT/corpus.json ($(du -sh --exclude=debs --exclude=work "$OUT" | cut -f1); steps took $(jq .buildSeconds "$OUT/corpus.json")s in total)"
