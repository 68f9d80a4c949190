#!/usr/bin/env bash
# Builds the container-image test fixtures with real tools (umoci builds OCI layouts and layers,
# skopeo converts between transports; jq/tar/gzip/zstd assemble the formats no CLI writes).
#
#   bash scripts/make-fixtures.sh            build test/fixtures/generated/ unless it is up to date
#   bash scripts/make-fixtures.sh --force    rebuild even if it is up to date
#   bash scripts/make-fixtures.sh --sample   (re)write the committed sample/sample-image.tar
#   bash scripts/make-fixtures.sh --check    exit 0 if the fixtures are up to date, 1 otherwise
#
# Output: test/fixtures/generated/ (git-ignored; FIXTURES_OUT overrides) with fixtures.json (machine
# readable list: name, path, kind, expected layers/platforms/tags, what it exercises) and README.txt.
# A stamp file (.stamp) holds the hash of this script, its helpers and the tool versions; when it
# matches and every listed output exists the run does nothing.
#
# No network: the root filesystems are made from local files (busybox-static's /bin/busybox, text
# written here). Timestamps are fixed (SOURCE_DATE_EPOCH, default 1700000000 = 2023-11-14T22:13:20Z)
# so the outputs are reproducible.
#
# Needs (Debian packages): skopeo umoci jq zstd gzip tar coreutils perl-base busybox-static
# (util-linux for flock).
set -euo pipefail

SCRIPT_PATH="$(readlink -f "${BASH_SOURCE[0]}")"
SCRIPT_DIR="$(dirname "$SCRIPT_PATH")"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
OUT="${FIXTURES_OUT:-$REPO_DIR/test/fixtures/generated}"
SAMPLE_OUT="${SAMPLE_OUT:-$REPO_DIR/sample/sample-image.tar}"
EPOCH="${SOURCE_DATE_EPOCH:-1700000000}"
export TZ=UTC LC_ALL=C

MODE=build
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --sample) MODE=sample ;;
    --check) MODE=check ;;
    -h|--help) sed -n '2,21p' "$SCRIPT_PATH" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-fixtures: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

die() { echo "make-fixtures: error: $*" >&2; exit 1; }
note() { echo "make-fixtures: $*" >&2; }

require_tools() {
  local missing=() t
  for t in skopeo umoci jq zstd gzip tar sha256sum stat perl flock; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  [[ -x /bin/busybox ]] || missing+=("/bin/busybox (Debian package busybox-static)")
  ((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (apt-get install skopeo umoci jq zstd busybox-static)"
}

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
hex_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -c %s "$1"; }
sk() { skopeo --insecure-policy "$@"; }
# umoci needs --rootless when not run as root (files are then recorded as owned by root anyway).
ROOTLESS=()
((EUID == 0)) || ROOTLESS=(--rootless)
skcopy() { skopeo --insecure-policy copy -q "$@" >/dev/null; }
# Set mtime (without following symlinks) of the given paths to epoch seconds $1.
at() { local t=$1; shift; touch -h -d "@$t" "$@"; }

# Path of the manifest blob that tag $2 points at in OCI layout $1.
manifest_blob() {
  local d
  d=$(jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$1/index.json")
  [[ -n $d ]] || die "no tag $2 in $1"
  echo "$1/blobs/sha256/${d#sha256:}"
}
blob() { echo "$1/blobs/sha256/${2#sha256:}"; }

# put_blob LAYOUT FILE -> copies FILE into LAYOUT's blob store, prints "sha256:<hex> <size>".
put_blob() {
  local h
  h=$(hex_of "$2")
  mkdir -p "$1/blobs/sha256"
  cp "$2" "$1/blobs/sha256/$h"
  echo "sha256:$h $(size_of "$2")"
}

# oci_edit_config LAYOUT TAG JQ-FILTER: rewrites the config blob of TAG with the filter, then the
# manifest (new config digest/size) and index.json (new manifest digest/size). For what umoci
# 0.4.7 cannot set (e.g. the platform variant).
oci_edit_config() {
  local layout=$1 tag=$2 filter=$3 m c cd cs md ms tmp
  tmp=$(mktemp -d)
  m=$(manifest_blob "$layout" "$tag")
  c=$(jq -r .config.digest "$m")
  jq -cj "$filter" "$(blob "$layout" "$c")" >"$tmp/config"
  read -r cd cs < <(put_blob "$layout" "$tmp/config")
  jq -cj --arg d "$cd" --argjson s "$cs" '.config.digest = $d | .config.size = $s' "$m" >"$tmp/manifest"
  read -r md ms < <(put_blob "$layout" "$tmp/manifest")
  jq -cj --arg t "$tag" --arg d "$md" --argjson s "$ms" \
    '(.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t)) |= (.digest = $d | .size = $s)' \
    "$layout/index.json" >"$tmp/index" && cp "$tmp/index" "$layout/index.json"
  rm -rf "$tmp"
}

# det_tar OUT DIR: tar DIR's content (no ./ prefix, sorted, numeric root owner, ustar) keeping the
# files' own modes and mtimes.
det_tar() {
  local out=$1 dir=$2
  (cd "$dir" && find . -mindepth 1 | sed 's|^\./||' | sort |
    tar --no-recursion --format=ustar --blocking-factor=1 --owner=0 --group=0 --numeric-owner -cf - -T -) >"$out"
}

# Deterministic pseudo-random bytes: rand_bytes COUNT SEED
rand_bytes() { perl -e 'srand($ARGV[1]); print map { chr(int(rand(256))) } 1 .. $ARGV[0]' "$1" "$2"; }

# umoci steps with fixed timestamps. umoci_layer LAYOUT TAG WHEN CREATED_BY ROOTFS_FN [args]:
# unpack TAG into a bundle, run ROOTFS_FN BUNDLE_ROOTFS WHEN [args] to change it, repack as TAG.
umoci_layer() {
  local layout=$1 tag=$2 when=$3 created_by=$4 fn=$5 bundle
  shift 5
  bundle=$(mktemp -d -u "$WORK/bundle.XXXX")
  umoci unpack "${ROOTLESS[@]}" --image "$layout:$tag" "$bundle" >/dev/null
  "$fn" "$bundle/rootfs" "$when" "$@"
  umoci repack --image "$layout:$tag" --history.created "$(iso "$when")" \
    --history.created_by "$created_by" "$bundle" >/dev/null
  rm -rf "$bundle"
}

# ---------------------------------------------------------------------------------------------
# Root filesystem content
# ---------------------------------------------------------------------------------------------
# Layer 1 of the main fixture image: busybox, text files, a binary, a hard link, symlinks, odd names.
rootfs_base() {
  local r=$1 t=$2 a
  mkdir -p "$r"/{bin,etc,app/old-dir,opt/legacy/sub,usr/share/doc/fixture,var/empty,tmp}
  cp /bin/busybox "$r/bin/busybox"
  for a in sh ls cat echo env; do ln -s busybox "$r/bin/$a"; done
  cat >"$r/etc/os-release" <<'EOF'
NAME="Fixture Linux"
ID=fixture
VERSION_ID=1.0
PRETTY_NAME="Fixture Linux 1.0 (test image for Container Image Explorer)"
EOF
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  echo fixture >"$r/etc/hostname"
  echo 'Welcome to the fixture image. This file is deleted in layer 2.' >"$r/etc/motd"
  cat >"$r/usr/share/doc/fixture/README.txt" <<'EOF'
Fixture image built by scripts/make-fixtures.sh with umoci.
Layer 1: base files. Layer 2: modifies /etc/os-release and /app/config.json, deletes /etc/motd,
/app/remove-me.txt and /app/old-dir (whiteouts). Layer 3: replaces /opt/legacy (opaque directory).
EOF
  echo 'Hello from layer 1.' >"$r/app/hello.txt"
  ln "$r/app/hello.txt" "$r/app/hello-hardlink.txt"
  ln -s hello.txt "$r/app/current"
  ln -s /etc/os-release "$r/app/os-release-link"
  printf '{"name":"fixture","version":1,"features":["layers","whiteouts"]}\n' >"$r/app/config.json"
  rand_bytes 4096 42 >"$r/app/data.bin"
  : >"$r/app/empty-file"
  # shellcheck disable=SC2016 # $(pwd) belongs in the script
  printf '#!/bin/sh\necho "running in $(pwd)"\n' >"$r/app/run.sh"
  chmod 0755 "$r/app/run.sh"
  echo 'spaces in the name' >"$r/app/file with spaces.txt"
  echo 'non-ASCII name' >"$r/app/$(printf 'h\xc3\xa9llo-\xe2\x9c\x93.txt')"
  mkdir -p "$r/app/deep/directory/structure/that/is/long/enough/to/need/a/long/name/in/tar/headers"
  echo 'path longer than 100 bytes' \
    >"$r/app/deep/directory/structure/that/is/long/enough/to/need/a/long/name/in/tar/headers/file-with-a-long-name.txt"
  echo 'to be deleted in layer 2' >"$r/app/remove-me.txt"
  echo 'old dir file 1' >"$r/app/old-dir/one.txt"
  echo 'old dir file 2' >"$r/app/old-dir/two.txt"
  echo 'legacy a (hidden by the opaque dir of layer 3)' >"$r/opt/legacy/a.txt"
  echo 'legacy b (hidden by the opaque dir of layer 3)' >"$r/opt/legacy/b.txt"
  echo 'legacy c (hidden by the opaque dir of layer 3)' >"$r/opt/legacy/sub/c.txt"
  chmod 1777 "$r/tmp"
  find "$r" -exec touch -h -d "@$t" {} +
}

# Layer 2: modify files, add one, delete a file, a file in /etc and a whole directory.
rootfs_modify() {
  local r=$1 t=$2
  sed -i 's/^VERSION_ID=1.0$/VERSION_ID=1.1/; s/Fixture Linux 1.0/Fixture Linux 1.1/' "$r/etc/os-release"
  printf '{"name":"fixture","version":2,"features":["layers","whiteouts","opaque"]}\n' >"$r/app/config.json"
  echo 'Added in layer 2.' >"$r/app/added-in-layer2.txt"
  rm -f "$r/app/remove-me.txt" "$r/etc/motd"
  rm -rf "$r/app/old-dir"
  at "$t" "$r/etc/os-release" "$r/app/config.json" "$r/app/added-in-layer2.txt" "$r/app" "$r/etc"
}

# Layer 3: new content of /opt/legacy, which hides everything below it from earlier layers.
rootfs_opaque_src() {
  local d=$1 t=$2
  mkdir -p "$d"
  echo 'only file left in /opt/legacy after layer 3' >"$d/new.txt"
  find "$d" -exec touch -h -d "@$t" {} +
}

# opaque_layer_tar SRC_DIR WHEN OUT: uncompressed layer tar "opt/ opt/legacy/ opt/legacy/.wh..wh..opq
# opt/legacy/<files>" (what Docker/BuildKit write for a replaced directory). umoci 0.4.7's own
# `insert --opaque` writes the same entries but forgets to close the tar (see the
# unterminated-layer-layout fixture), so the main image gets this GNU tar layer via
# `umoci raw add-layer`.
opaque_layer_tar() {
  local src=$1 t=$2 out=$3 d
  d=$(mktemp -d "$WORK/opq.XXXX")
  mkdir -p "$d/opt/legacy"
  cp -a "$src/." "$d/opt/legacy/"
  : >"$d/opt/legacy/.wh..wh..opq"
  at "$t" "$d/opt/legacy/.wh..wh..opq" "$d/opt/legacy" "$d/opt"
  (cd "$d" && { echo opt; echo opt/legacy; echo opt/legacy/.wh..wh..opq; find opt/legacy -mindepth 1 ! -name .wh..wh..opq | sort; } |
    tar --no-recursion --format=ustar --blocking-factor=1 --owner=0 --group=0 --numeric-owner -cf - -T -) >"$out"
  rm -rf "$d"
}

# arm64 image for the multi-platform fixtures (text only: no foreign binary).
rootfs_arm64() {
  local r=$1 t=$2
  mkdir -p "$r/etc" "$r/app"
  cat >"$r/etc/os-release" <<'EOF'
NAME="Fixture Linux"
ID=fixture
VERSION_ID=1.0
PRETTY_NAME="Fixture Linux 1.0 arm64 (text-only test image)"
EOF
  echo 'aarch64' >"$r/etc/arch"
  echo 'Hello from the linux/arm64/v8 image.' >"$r/app/hello.txt"
  find "$r" -exec touch -h -d "@$t" {} +
}

# Sample image (sample/sample-image.tar): small, readable files only.
rootfs_sample_base() {
  local r=$1 t=$2
  mkdir -p "$r/etc" "$r/usr/local/bin"
  cat >"$r/etc/os-release" <<'EOF'
NAME="Sample Linux"
ID=sample
VERSION_ID=1.0
PRETTY_NAME="Sample Linux 1.0 (Container Image Explorer sample)"
HOME_URL="https://example.com/container-image-explorer"
EOF
  echo sample >"$r/etc/hostname"
  cat >"$r/README.md" <<'EOF'
# Sample image

This small image ships with Container Image Explorer so you can try the extension without
pulling anything. It was built by `scripts/make-fixtures.sh --sample` with umoci and skopeo.

* Layer 1 (base): this README, /etc/os-release, /usr/local/bin/hello.sh (+ symlink hello)
* Layer 2 (app): /app/data.json, /app/notes.txt, /app/greeting.txt
* Layer 3 (update): changes /app/data.json, adds /app/CHANGELOG.md, deletes /app/notes.txt

Open /app/data.json in each layer to see how a later layer changes a file, and look for
/app/notes.txt: it is deleted in layer 3 by a whiteout entry (app/.wh.notes.txt).
EOF
  cat >"$r/usr/local/bin/hello.sh" <<'EOF'
#!/bin/sh
# Entrypoint of the sample image: greets its first argument.
set -eu
name="${1:-world}"
echo "Hello, ${name}! (${APP_NAME:-sample} from $(. /etc/os-release && echo "$PRETTY_NAME"))"
EOF
  chmod 0755 "$r/usr/local/bin/hello.sh"
  ln -s hello.sh "$r/usr/local/bin/hello"
  find "$r" -exec touch -h -d "@$t" {} +
}
rootfs_sample_app() {
  local r=$1 t=$2
  mkdir -p "$r/app"
  cat >"$r/app/data.json" <<'EOF'
{
  "name": "sample",
  "version": 1,
  "items": [
    { "id": 1, "label": "first" },
    { "id": 2, "label": "second" }
  ]
}
EOF
  echo 'These notes are deleted in layer 3.' >"$r/app/notes.txt"
  printf 'Hello from the sample image!\n' >"$r/app/greeting.txt"
  find "$r/app" -exec touch -h -d "@$t" {} +
  at "$t" "$r"
}
rootfs_sample_update() {
  local r=$1 t=$2
  cat >"$r/app/data.json" <<'EOF'
{
  "name": "sample",
  "version": 2,
  "items": [
    { "id": 1, "label": "first" },
    { "id": 2, "label": "second" },
    { "id": 3, "label": "third, added in layer 3" }
  ]
}
EOF
  printf '# Changelog\n\n## 1.0\n\n* data.json version 2\n* removed notes.txt\n' >"$r/app/CHANGELOG.md"
  rm -f "$r/app/notes.txt"
  at "$t" "$r/app/data.json" "$r/app/CHANGELOG.md" "$r/app"
}

# ---------------------------------------------------------------------------------------------
# Image builders (umoci)
# ---------------------------------------------------------------------------------------------
T0=$EPOCH              # layer 1
T1=$((EPOCH + 3600))   # layer 2
T2=$((EPOCH + 7200))   # layer 3
T3=$((EPOCH + 10800))  # config steps (empty layers)

# Builds, in OCI layout $1: tag "stage1" (1 layer, no config), "base" (stage1 + config, the second
# image of docker-archive-multi), "1.0" (3 layers + config), "arm64" (1 layer, arm64/v8).
build_images() {
  local L=$1
  umoci init --layout "$L"
  umoci new --image "$L:stage1"
  umoci config --image "$L:stage1" --no-history --created "$(iso "$T0")"   # umoci new stamps "now"
  umoci_layer "$L" stage1 "$T0" 'COPY rootfs / # layer 1: busybox, files, hard link, symlinks' rootfs_base

  # Second image sharing layer 1.
  umoci config --image "$L:stage1" --tag base --created "$(iso "$T3")" --author 'make-fixtures' \
    --config.env 'PATH=/bin' --config.cmd /bin/sh --config.label 'org.opencontainers.image.title=fixture base' \
    --history.created "$(iso "$T3")" --history.created_by 'CMD ["/bin/sh"]'

  umoci tag --image "$L:stage1" 1.0
  umoci_layer "$L" 1.0 "$T1" 'RUN modify /etc/os-release /app/config.json; rm /etc/motd /app/remove-me.txt /app/old-dir # layer 2' rootfs_modify
  rootfs_opaque_src "$WORK/opaque" "$T2"
  # Same change made with umoci insert --opaque (kept as the unterminated-layer-layout fixture).
  umoci insert "${ROOTLESS[@]}" --image "$L:1.0" --tag insert-quirk --opaque --history.created "$(iso "$T2")" \
    --history.created_by 'COPY legacy/ /opt/legacy/ # layer 3 by umoci insert --opaque' "$WORK/opaque" /opt/legacy
  opaque_layer_tar "$WORK/opaque" "$T2" "$WORK/opaque-layer.tar"
  umoci raw add-layer --image "$L:1.0" --history.created "$(iso "$T2")" \
    --history.created_by 'COPY legacy/ /opt/legacy/ # layer 3: opaque directory' "$WORK/opaque-layer.tar"
  umoci config --image "$L:1.0" --created "$(iso "$T3")" --author 'make-fixtures' \
    --config.env 'PATH=/usr/local/bin:/bin' --config.env 'APP_MODE=fixture' --config.workingdir /app \
    --history.created "$(iso "$T3")" --history.created_by 'ENV PATH=/usr/local/bin:/bin APP_MODE=fixture; WORKDIR /app'
  umoci config --image "$L:1.0" --created "$(iso "$T3")" \
    --config.entrypoint /bin/sh --config.entrypoint -c --config.cmd 'cat /etc/os-release' \
    --config.user 0:0 --config.exposedports 8080/tcp --config.volume /data --config.stopsignal SIGTERM \
    --config.label 'org.opencontainers.image.title=Container Image Explorer fixture' \
    --config.label 'org.opencontainers.image.version=1.0' \
    --config.label 'com.example.fixture=true' \
    --history.created "$(iso "$T3")" --history.created_by 'ENTRYPOINT ["/bin/sh","-c"] CMD ["cat /etc/os-release"] LABEL ...'

  umoci new --image "$L:arm64"
  umoci config --image "$L:arm64" --no-history --created "$(iso "$T0")"
  umoci_layer "$L" arm64 "$T0" 'COPY rootfs / # arm64 text-only layer' rootfs_arm64
  umoci config --image "$L:arm64" --created "$(iso "$T3")" --architecture arm64 --os linux \
    --config.cmd 'cat /app/hello.txt' --history.created "$(iso "$T3")" --history.created_by 'CMD ["cat /app/hello.txt"]'
  # umoci 0.4.7 has no --variant: set it with jq (config blob, manifest, index.json rewritten).
  oci_edit_config "$L" arm64 '.variant = "v8"'
}

build_sample_image() {
  local L=$1
  umoci init --layout "$L"
  umoci new --image "$L:sample"
  umoci config --image "$L:sample" --no-history --created "$(iso "$T0")"
  umoci_layer "$L" sample "$T0" 'COPY base/ / # README, os-release, hello.sh' rootfs_sample_base
  umoci_layer "$L" sample "$T1" 'COPY app/ /app/ # data.json, notes.txt, greeting.txt' rootfs_sample_app
  umoci_layer "$L" sample "$T2" 'RUN update data.json, add CHANGELOG.md, rm notes.txt' rootfs_sample_update
  umoci config --image "$L:sample" --created "$(iso "$T3")" --author 'Container Image Explorer' \
    --config.env 'PATH=/usr/local/bin:/usr/bin:/bin' --config.env 'APP_NAME=sample-app' \
    --config.entrypoint /usr/local/bin/hello.sh --config.cmd world --config.workingdir /app \
    --config.exposedports 8080/tcp \
    --config.label 'org.opencontainers.image.title=Container Image Explorer sample' \
    --config.label 'org.opencontainers.image.description=Small 3-layer image with readable files' \
    --config.label 'org.opencontainers.image.version=1.0' \
    --config.label 'org.opencontainers.image.licenses=Apache-2.0' \
    --history.created "$(iso "$T3")" --history.created_by 'ENTRYPOINT ["/usr/local/bin/hello.sh"] CMD ["world"] ENV ... LABEL ...'
}

# ---------------------------------------------------------------------------------------------
# Hand-assembled formats (jq + tar): Docker 25+ save, containerd save, pre-1.10 docker save
# ---------------------------------------------------------------------------------------------
DOCKER_EMPTY_CONTAINER_CONFIG='{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null}'

# make_docker25 OCI_LAYOUT TAG REPO OUT_TAR: what `docker save REPO:TAG` writes since Docker 25
# (moby image/tarexport/save.go): uncompressed layers as blobs/sha256/<diffID>, the config blob,
# an OCI manifest blob (config descriptor carries the platform, layers application/vnd.oci.image
# .layer.v1.tar), one legacy v1 layer-json blob per layer (unreferenced), index.json with
# io.containerd.image.name + org.opencontainers.image.ref.name + platform, manifest.json (Config/Layers
# = blobs/sha256/<hex>, LayerSources), repositories, oci-layout. Mtimes as Docker sets them.
make_docker25() {
  local src=$1 tag=$2 repo=$3 out=$4 d m cfg created arch os n i diff layer_blob chain parent="" v1 id
  d=$(mktemp -d "$WORK/d25.XXXX")
  m=$(manifest_blob "$src" "$tag")
  cfg=$(blob "$src" "$(jq -r .config.digest "$m")")
  created=$(jq -r .created "$cfg"); arch=$(jq -r .architecture "$cfg"); os=$(jq -r .os "$cfg")
  mkdir -p "$d/blobs/sha256"
  cp "$cfg" "$d/blobs/sha256/"
  local layers_json='[]'
  n=$(jq '.layers | length' "$m")
  for ((i = 0; i < n; i++)); do
    diff=$(jq -r ".rootfs.diff_ids[$i]" "$cfg")
    layer_blob=$(blob "$src" "$(jq -r ".layers[$i].digest" "$m")")
    gzip -dc "$layer_blob" >"$d/blobs/sha256/${diff#sha256:}"
    [[ $(hex_of "$d/blobs/sha256/${diff#sha256:}") == "${diff#sha256:}" ]] || die "diffID mismatch for layer $i"
    layers_json=$(jq -c --arg d "$diff" --argjson s "$(size_of "$d/blobs/sha256/${diff#sha256:}")" \
      '. + [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $d, size: $s}]' <<<"$layers_json")
    if ((i == 0)); then chain=$diff; else chain="sha256:$(printf '%s %s' "$chain" "$diff" | sha256sum | cut -d' ' -f1)"; fi
    # Legacy v1 layer json (approximation of image.V1Image; Docker computes the id with v1.CreateID).
    if ((i == n - 1)); then
      v1=$(jq -c --argjson cc "$DOCKER_EMPTY_CONTAINER_CONFIG" --arg p "${parent#sha256:}" --arg chain "$chain" \
        '{layer_id: $chain, parent: $p, created: .created, container_config: $cc, config: ($cc + .config), architecture: .architecture, os: .os}' "$cfg")
    else
      v1=$(jq -nc --argjson cc "$DOCKER_EMPTY_CONTAINER_CONFIG" --arg p "${parent#sha256:}" --arg chain "$chain" --arg os "$os" \
        '{layer_id: $chain, parent: $p, created: "1970-01-01T00:00:00Z", container_config: $cc, os: $os}')
    fi
    id=$(printf '%s' "$v1" | sha256sum | cut -d' ' -f1)
    v1=$(jq -cj --arg id "$id" '{id: $id} + del(.layer_id) | if .parent == "" then del(.parent) else . end' <<<"$v1")
    printf '%s' "$v1" >"$WORK/v1.json"
    cp "$WORK/v1.json" "$d/blobs/sha256/$(hex_of "$WORK/v1.json")"
    at "$(date -u -d "$created" +%s)" "$d/blobs/sha256/$(hex_of "$WORK/v1.json")" "$d/blobs/sha256/${diff#sha256:}"
    parent=$id
  done
  local cdig csize
  cdig="sha256:$(hex_of "$cfg")"; csize=$(size_of "$cfg")
  jq -ncj --arg cd "$cdig" --argjson cs "$csize" --argjson layers "$layers_json" --arg arch "$arch" --arg os "$os" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs, platform: {architecture: $arch, os: $os}},
      layers: $layers}' >"$WORK/d25-manifest"
  local mdig msize
  read -r mdig msize < <(put_blob "$d" "$WORK/d25-manifest")
  local name=${repo%%:*} t=${repo##*:}
  local top_diff
  top_diff=$(jq -r '.rootfs.diff_ids[-1]' "$cfg")
  jq -nc --arg cfg "blobs/sha256/${cdig#sha256:}" --arg rt "$repo" --argjson layers "$layers_json" \
    '[{Config: $cfg, RepoTags: [$rt], Layers: [$layers[] | "blobs/sha256/" + (.digest | ltrimstr("sha256:"))],
       LayerSources: ($layers | map({key: .digest, value: .}) | from_entries)}]' >"$d/manifest.json"
  jq -nc --arg n "$name" --arg t "$t" --arg id "${top_diff#sha256:}" '{($n): {($t): $id}}' >"$d/repositories"
  jq -ncj --arg md "$mdig" --argjson ms "$msize" --arg full "docker.io/$repo" --arg t "$t" --arg arch "$arch" --arg os "$os" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
        annotations: {"io.containerd.image.name": $full, "org.opencontainers.image.ref.name": $t},
        platform: {architecture: $arch, os: $os}}]}' >"$d/index.json"
  printf '{"imageLayoutVersion": "1.0.0"}' >"$d/oci-layout"
  find "$d" -type f -exec chmod 0644 {} +
  local tc
  tc=$(date -u -d "$created" +%s)
  at 0 "$d/manifest.json" "$d/repositories" "$d/oci-layout" "$(blob "$d" "$mdig")"
  at "$tc" "$d/blobs/sha256/${cdig#sha256:}" "$d/blobs/sha256" "$d/blobs" "$d/index.json"
  det_tar "$out" "$d"
  rm -rf "$d"
}

# make_containerd_save MULTI_LAYOUT TAG NAME OUT_TAR: what `docker save` with the containerd image
# store / `ctr image export` writes for a multi-platform image pulled for one platform: index.json
# -> image index (2 platforms) whose arm64 manifest and blobs are absent; compressed layers kept;
# manifest.json for the present platform; oci-layout without a space; blobs 0444, mtimes 1970.
make_containerd_save() {
  local src=$1 tag=$2 name=$3 out=$4 d idx amd cfg
  d=$(mktemp -d "$WORK/ctrd.XXXX")
  mkdir -p "$d/blobs/sha256"
  idx=$(manifest_blob "$src" "$tag")
  cp "$idx" "$d/blobs/sha256/"
  amd=$(blob "$src" "$(jq -r '.manifests[] | select(.platform.architecture == "amd64") | .digest' "$idx")")
  cp "$amd" "$d/blobs/sha256/"
  cfg=$(blob "$src" "$(jq -r .config.digest "$amd")")
  cp "$cfg" "$d/blobs/sha256/"
  jq -r '.layers[].digest' "$amd" | while read -r l; do cp "$(blob "$src" "$l")" "$d/blobs/sha256/"; done
  jq -ncj --arg d "sha256:$(hex_of "$idx")" --argjson s "$(size_of "$idx")" --arg full "docker.io/$name:$tag" --arg t "$tag" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
        annotations: {"io.containerd.image.name": $full, "org.opencontainers.image.ref.name": $t}}]}' >"$d/index.json"
  jq -nc --arg cfg "blobs/sha256/$(hex_of "$cfg")" --arg rt "$name:$tag" --argjson layers "$(jq -c '[.layers[].digest]' "$amd")" \
    '[{Config: $cfg, RepoTags: [$rt], Layers: [$layers[] | "blobs/sha256/" + ltrimstr("sha256:")]}]' >"$d/manifest.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
  chmod 0444 "$d"/blobs/sha256/* "$d/oci-layout"
  chmod 0644 "$d/index.json" "$d/manifest.json"
  find "$d" -mindepth 1 -exec touch -h -d @0 {} +
  det_tar "$out" "$d"
  rm -rf "$d"
}

# make_legacy_v1 DOCKER_ARCHIVE REPO OUT_TAR: docker save of Docker < 1.10: repositories +
# <id>/{VERSION,json,layer.tar}, no manifest.json, no config blob. One v1 image per layer with
# parent links, plus a final metadata-only step with an empty layer.tar (pre-1.10 Docker stored
# ENV/CMD steps as images with empty layers). ids = sha256 of the chain id and the parent id.
make_legacy_v1() {
  local src=$1 repo=$2 out=$3 d x cfg n i parent="" id chain="" diff v1 created arch os
  d=$(mktemp -d "$WORK/v1.XXXX"); x=$(mktemp -d "$WORK/v1x.XXXX")
  tar -xf "$src" -C "$x"
  cfg="$x/$(jq -r '.[0].Config' "$x/manifest.json")"
  created=$(jq -r .created "$cfg"); arch=$(jq -r .architecture "$cfg"); os=$(jq -r .os "$cfg")
  n=$(jq '.[0].Layers | length' "$x/manifest.json")
  local hist_layers
  hist_layers=$(jq -c '[.history[] | select(.empty_layer != true)]' "$cfg")
  for ((i = 0; i <= n; i++)); do
    if ((i < n)); then
      diff="sha256:$(hex_of "$x/$(jq -r ".[0].Layers[$i]" "$x/manifest.json")")"
      if [[ -z $chain ]]; then chain=$diff; else chain="sha256:$(printf '%s %s' "$chain" "$diff" | sha256sum | cut -d' ' -f1)"; fi
      id=$(printf 'legacy-v1 %s %s' "$chain" "$parent" | sha256sum | cut -d' ' -f1)
    else
      id=$(printf 'legacy-v1 metadata %s %s' "$chain" "$parent" | sha256sum | cut -d' ' -f1)
    fi
    mkdir -p "$d/$id"
    printf '1.0' >"$d/$id/VERSION"
    if ((i < n)); then
      cp "$x/$(jq -r ".[0].Layers[$i]" "$x/manifest.json")" "$d/$id/layer.tar"
      v1=$(jq -c --arg id "$id" --arg p "$parent" --argjson h "$hist_layers" --argjson i "$i" --arg arch "$arch" --arg os "$os" \
        --argjson cc "$DOCKER_EMPTY_CONTAINER_CONFIG" \
        '{id: $id, parent: $p, created: ($h[$i].created // .created),
          container_config: ($cc + {Cmd: ["/bin/sh", "-c", "#(nop) " + ($h[$i].created_by // "")]}),
          docker_version: "1.9.1", architecture: $arch, os: $os}' "$cfg")
    else
      head -c 1024 /dev/zero >"$d/$id/layer.tar"
      v1=$(jq -c --arg id "$id" --arg p "$parent" --argjson cc "$DOCKER_EMPTY_CONTAINER_CONFIG" \
        '{id: $id, parent: $p, created: .created,
          container_config: ($cc + {Cmd: ["/bin/sh", "-c", "#(nop) " + ([.history[] | select(.empty_layer == true) | .created_by] | join("; "))]}),
          config: ($cc + .config), docker_version: "1.9.1", author: (.author // ""), architecture: .architecture, os: .os, Size: 0}' "$cfg")
    fi
    jq -cj 'if .parent == "" then del(.parent) else . end' <<<"$v1" >"$d/$id/json"
    parent=$id
  done
  jq -nc --arg n "${repo%%:*}" --arg t "${repo##*:}" --arg id "$parent" '{($n): {($t): $id}}' >"$d/repositories"
  find "$d" -type f -exec chmod 0644 {} +
  find "$d" -mindepth 1 -exec touch -h -d "$created" {} +
  det_tar "$out" "$d"
  rm -rf "$d" "$x"
}

# ---------------------------------------------------------------------------------------------
# Fixture list (fixtures.json) and summary lines
# ---------------------------------------------------------------------------------------------
# record NAME KIND JSON-EXTRA DESCRIPTION: adds an entry for $OUT/NAME (size computed here).
record() {
  local name=$1 kind=$2 extra=$3 desc=$4 p="$OUT/$1" size
  [[ -e $p ]] || die "fixture $name was not produced"
  if [[ -d $p ]]; then size=$(du -sb "$p" | cut -f1); else size=$(size_of "$p"); fi
  jq -nc --arg name "$name" --arg kind "$kind" --argjson size "$size" --arg desc "$desc" --argjson extra "$extra" \
    '{name: $name, path: $name, kind: $kind, size: $size, description: $desc} + $extra' >>"$WORK/fixtures.jsonl"
  printf '  %-26s %-26s %9s B  %s\n' "$name" "$kind" "$size" "$desc"
}

write_readme() {
  {
    echo "Generated test fixtures (scripts/make-fixtures.sh; do not edit, do not commit)."
    echo "Machine-readable list: fixtures.json. Rebuild: npm run fixtures (add --force to redo)."
    echo "Built with: $(skopeo --version), umoci $(umoci --version | awk '{print $3}'), $(jq --version), SOURCE_DATE_EPOCH=$EPOCH"
    echo
    jq -r '.[] | "\(.name)  [\(.kind)\(if .valid then "" else ", NEGATIVE" end)\(if .layers != null then ", \(.layers) layers" else "" end)\(if .platforms != null then ", platforms \(.platforms | join(" "))" else "" end)]\n    \(.description)\(if .exercises then "\n    exercises: \(.exercises)" else "" end)\(if .madeWith then "\n    made with: \(.madeWith)" else "" end)\(if .limitations then "\n    NOTE: \(.limitations)" else "" end)"' "$OUT/fixtures.json"
    echo
    echo "Not produced (only) with real tools, and why:"
    echo "  - docker-archive-multi.tar: skopeo 1.9 writes one image per docker-archive (only --additional-tag);"
    echo "    it is merged by hand (jq + tar) from two skopeo docker-archive outputs."
    echo "  - docker25.tar, containerd-save.tar, legacy-v1.tar: no Docker/containerd here (no daemon, no network);"
    echo "    assembled with jq + tar from umoci/skopeo output, following moby's image/tarexport/save.go and"
    echo "    real saves in ../shared/corpus. The legacy v1 layer-json blobs and pre-1.10 ids are approximations"
    echo "    (Docker derives ids with v1.CreateID); skopeo cannot read legacy-v1.tar (no manifest.json)."
    echo "  - Layer 3 (opaque dir) of the main image is a GNU tar added with 'umoci raw add-layer', because"
    echo "    umoci 0.4.7 'insert --opaque' writes an unterminated tar (kept as unterminated-layer-layout)."
    echo "  - multi-platform-layout: umoci 0.4.7 cannot set a platform variant; v8 is set with jq on the config,"
    echo "    and the image index blob is written with jq (no local tool writes indexes)."
    echo "  - Negative fixtures are damaged on purpose with head/dd/perl."
    echo
    echo "Reproducibility: everything is byte-identical between runs except oci-archive.tar and zstd-archive.tar"
    echo "(skopeo's oci-archive writer stores the current time as tar mtimes; the blobs inside are identical)."
    echo "Observed with skopeo 1.9.3: docker-archive:docker-archive.tar.zst is readable, docker-archive:...tar.gz is not"
    echo "('archive/tar: invalid tar header')."
  } >"$OUT/README.txt"
}

# ---------------------------------------------------------------------------------------------
# Main fixture build
# ---------------------------------------------------------------------------------------------
build_fixtures() {
  local L="$WORK/build" R=fixture/app
  build_images "$L"

  # 1. OCI layout (only the 1.0 image; skopeo copies the blobs unchanged).
  skcopy "oci:$L:1.0" "oci:$OUT/oci-layout:1.0"
  record oci-layout oci-layout \
    '{"valid":true,"transport":"oci","ref":"1.0","tags":["1.0"],"layers":3,"emptyLayers":2,"platforms":["linux/amd64"],"layerMediaType":"application/vnd.oci.image.layer.v1.tar+gzip","madeWith":"umoci init/new/unpack/repack (layers 1-2), GNU tar + umoci raw add-layer (layer 3), umoci config, skopeo copy oci: oci:","exercises":"OCI layout dir, ref.name 1.0, gzip layers, whiteouts (.wh.motd, .wh.remove-me.txt, .wh.old-dir), opaque dir (opt/legacy/.wh..wh..opq), hard link, symlinks, binary file, non-ASCII and >100-byte names, config Env/Cmd/Entrypoint/WorkingDir/User/ExposedPorts/Volumes/StopSignal/Labels, history with 2 empty_layer entries"}' \
    'OCI image layout, tag 1.0, 3 gzip layers + 2 empty-layer history entries'

  # 2. oci-archive
  skcopy "oci:$L:1.0" "oci-archive:$OUT/oci-archive.tar:1.0"
  record oci-archive.tar oci-archive \
    '{"valid":true,"transport":"oci-archive","ref":"1.0","tags":["1.0"],"layers":3,"platforms":["linux/amd64"],"layerMediaType":"application/vnd.oci.image.layer.v1.tar+gzip","madeWith":"skopeo copy oci: oci-archive:","exercises":"tar of an OCI layout (same blobs as oci-layout/)"}' \
    'oci-archive tar of the same image (skopeo)'

  # 3. docker-archive (legacy docker save format written by skopeo)
  skcopy "oci:$L:1.0" "docker-archive:$OUT/docker-archive.tar:$R:1.0"
  record docker-archive.tar docker-archive \
    '{"valid":true,"transport":"docker-archive","tags":["docker.io/fixture/app:1.0"],"layers":3,"platforms":["linux/amd64"],"layerMediaType":"application/vnd.docker.image.rootfs.diff.tar","madeWith":"skopeo copy oci: docker-archive:","exercises":"manifest.json + repositories + <config>.json + <diffID>.tar uncompressed layers + <v1id>/{VERSION,json,layer.tar symlink}; manifest converted to Docker v2s2"}' \
    'docker-archive (manifest.json, repositories, uncompressed <diffID>.tar layers, skopeo)'

  # 4. several images and tags in one docker-archive: skopeo writes one image per archive, so two
  #    skopeo outputs are merged (manifest.json arrays concatenated, repositories merged).
  local a="$WORK/multi-a.tar" b="$WORK/multi-b.tar" ma="$WORK/multi-a" mb="$WORK/multi-b" mm="$WORK/multi"
  skcopy --additional-tag "$R:latest" "oci:$L:1.0" "docker-archive:$a:$R:1.0"
  skcopy "oci:$L:base" "docker-archive:$b:fixture/base:0.1"
  mkdir -p "$ma" "$mb" "$mm"
  tar -xpf "$a" -C "$ma"; tar -xpf "$b" -C "$mb"
  local f order=()
  while read -r f; do order+=("$f"); done < <(tar -tf "$a" | grep -v -e '^manifest.json$' -e '^repositories$')
  while read -r f; do
    if [[ -e $ma/$f || -L $ma/$f ]]; then
      [[ -d $ma/$f ]] || cmp -s "$ma/$f" "$mb/$f" || die "docker-archive-multi: $f differs between the two images"
    else
      order+=("$f")
    fi
  done < <(tar -tf "$b" | grep -v -e '^manifest.json$' -e '^repositories$')
  cp -a "$ma/." "$mm/"; cp -an "$mb/." "$mm/"
  rm -f "$mm/manifest.json" "$mm/repositories"   # skopeo writes them 0444
  jq -sc 'add' "$ma/manifest.json" "$mb/manifest.json" >"$mm/manifest.json"
  jq -sc '.[0] * .[1]' "$ma/repositories" "$mb/repositories" >"$mm/repositories"
  chmod 0444 "$mm/manifest.json" "$mm/repositories"
  at 0 "$mm/manifest.json" "$mm/repositories"
  order+=(manifest.json repositories)
  (cd "$mm" && printf '%s\n' "${order[@]}" | tar --no-recursion --format=ustar --blocking-factor=1 --owner=0 --group=0 --numeric-owner -cf - -T -) \
    >"$OUT/docker-archive-multi.tar"
  record docker-archive-multi.tar docker-archive-multi \
    '{"valid":true,"transport":"docker-archive","images":[{"ref":"docker.io/fixture/app:1.0","tags":["docker.io/fixture/app:1.0","docker.io/fixture/app:latest"],"layers":3},{"ref":"docker.io/fixture/base:0.1","tags":["docker.io/fixture/base:0.1"],"layers":1}],"layers":null,"platforms":["linux/amd64"],"madeWith":"2x skopeo copy docker-archive: (one with --additional-tag), merged with jq + tar","limitations":"skopeo 1.9 cannot write several images into one docker-archive; merged by hand","exercises":"2 images / 3 tags in one manifest.json; layer 1 shared by both images (stored once)"}' \
    '2 images, 3 tags, shared base layer (skopeo x2, merged with jq+tar)'

  # 5. Docker 25+ docker save
  make_docker25 "$L" 1.0 "$R:1.0" "$OUT/docker25.tar"
  record docker25.tar docker25-archive \
    '{"valid":true,"transport":"oci-archive","ref":"1.0","dockerArchiveRef":"fixture/app:1.0","tags":["fixture/app:1.0"],"layers":3,"platforms":["linux/amd64"],"layerMediaType":"application/vnd.oci.image.layer.v1.tar","madeWith":"jq + tar from the umoci layout (layers gunzipped), shaped like moby tarexport/save.go and corpus busybox.armv7.tar","limitations":"no Docker daemon here; assembled by hand. Legacy v1 layer json blobs approximate image.V1Image","exercises":"OCI layout + manifest.json (Config/Layers = blobs/sha256/<hex>, LayerSources) + repositories; index.json annotations io.containerd.image.name + org.opencontainers.image.ref.name + platform; uncompressed OCI layers; unreferenced legacy v1 json blobs; manifest/oci-layout/repositories mtime 1970"}' \
    'Docker 25+ save: OCI layout + manifest.json + repositories, uncompressed layers (jq+tar)'

  # 7. multi-platform OCI layout: an image index (amd64 + arm64/v8) written with jq.
  local M="$OUT/multi-platform-layout" amd arm tmp idxd idxs
  skcopy "oci:$L:1.0" "oci:$M:amd64"
  skcopy "oci:$L:arm64" "oci:$M:arm64"
  amd=$(manifest_blob "$M" amd64); arm=$(manifest_blob "$M" arm64)
  tmp="$WORK/index-blob"
  jq -ncj --arg ad "sha256:$(hex_of "$amd")" --argjson az "$(size_of "$amd")" \
    --arg rd "sha256:$(hex_of "$arm")" --argjson rs "$(size_of "$arm")" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [
       {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $ad, size: $az, platform: {architecture: "amd64", os: "linux"}},
       {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $rd, size: $rs, platform: {architecture: "arm64", os: "linux", variant: "v8"}}]}' >"$tmp"
  read -r idxd idxs < <(put_blob "$M" "$tmp")
  jq -ncj --arg d "$idxd" --argjson s "$idxs" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [
       {mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": "1.0"}}]}' \
    >"$M/index.json"
  record multi-platform-layout oci-layout \
    '{"valid":true,"transport":"oci","ref":"1.0","tags":["1.0"],"platforms":["linux/amd64","linux/arm64/v8"],"platformLayers":{"linux/amd64":3,"linux/arm64/v8":1},"layers":null,"layerMediaType":"application/vnd.oci.image.layer.v1.tar+gzip","madeWith":"umoci (2 images, config --architecture arm64), jq for the variant and the index blob, sha256sum/stat","limitations":"umoci 0.4.7 has no variant option: config edited with jq","exercises":"index.json -> image index (2 platforms) -> manifests; all blobs present"}' \
    'OCI layout: image index linux/amd64 (3 layers) + linux/arm64/v8 (1 layer)'

  # 6. containerd-store save of that index with only the amd64 blobs.
  make_containerd_save "$M" 1.0 fixture/multi "$OUT/containerd-save.tar"
  record containerd-save.tar containerd-archive \
    '{"valid":true,"transport":"oci-archive","ref":"1.0","dockerArchiveRef":"fixture/multi:1.0","tags":["fixture/multi:1.0"],"platforms":["linux/amd64","linux/arm64/v8"],"presentPlatforms":["linux/amd64"],"missingPlatforms":["linux/arm64/v8"],"layers":3,"layerMediaType":"application/vnd.oci.image.layer.v1.tar+gzip","madeWith":"jq + tar from multi-platform-layout, shaped like corpus containerd saves (oras-go hello-world.tar, snyk containerd-archives)","limitations":"no containerd here; assembled by hand","exercises":"index.json -> nested image index (io.containerd.image.name) whose arm64 manifest blob is absent; gzip layers kept; manifest.json for amd64; blobs mode 0444, mtimes 1970; no repositories"}' \
    'containerd save: 2-platform index, only linux/amd64 blobs present (jq+tar)'

  # 8. zstd layers
  skcopy --dest-compress-format zstd "oci:$L:1.0" "oci:$OUT/zstd-layout:1.0"
  record zstd-layout oci-layout \
    '{"valid":true,"transport":"oci","ref":"1.0","tags":["1.0"],"layers":3,"platforms":["linux/amd64"],"layerMediaType":"application/vnd.oci.image.layer.v1.tar+zstd","madeWith":"skopeo copy --dest-compress-format zstd oci: oci:","exercises":"zstd-compressed layers"}' \
    'OCI layout with zstd layers (skopeo --dest-compress-format zstd)'
  skcopy --dest-compress-format zstd "oci:$L:1.0" "oci-archive:$OUT/zstd-archive.tar:1.0"
  record zstd-archive.tar oci-archive \
    '{"valid":true,"transport":"oci-archive","ref":"1.0","tags":["1.0"],"layers":3,"platforms":["linux/amd64"],"layerMediaType":"application/vnd.oci.image.layer.v1.tar+zstd","madeWith":"skopeo copy --dest-compress-format zstd oci: oci-archive:","exercises":"oci-archive with zstd-compressed layers"}' \
    'oci-archive with zstd layers'

  # 9. compressed whole archives (docker save | gzip / zstd)
  gzip -n -6 -c "$OUT/docker-archive.tar" >"$OUT/docker-archive.tar.gz"
  record docker-archive.tar.gz compressed-docker-archive \
    '{"valid":true,"transport":null,"compression":"gzip","inner":"docker-archive.tar","layers":3,"platforms":["linux/amd64"],"madeWith":"gzip -n","exercises":"whole docker-archive gzip-compressed (like docker save | gzip)"}' \
    'docker-archive.tar | gzip'
  zstd -q -10 -c "$OUT/docker-archive.tar" >"$OUT/docker-archive.tar.zst"
  record docker-archive.tar.zst compressed-docker-archive \
    '{"valid":true,"transport":null,"compression":"zstd","inner":"docker-archive.tar","layers":3,"platforms":["linux/amd64"],"madeWith":"zstd","exercises":"whole docker-archive zstd-compressed"}' \
    'docker-archive.tar | zstd'

  # 11. pre-Docker-1.10 docker save
  make_legacy_v1 "$OUT/docker-archive.tar" "$R:1.0" "$OUT/legacy-v1.tar"
  record legacy-v1.tar legacy-v1-archive \
    '{"valid":true,"transport":null,"tags":["fixture/app:1.0"],"layers":4,"nonEmptyLayers":3,"platforms":["linux/amd64"],"madeWith":"jq + tar from the skopeo docker-archive layers","limitations":"no old Docker here; ids are sha256 of chain id + parent, not v1.CreateID; skopeo cannot read this format (needs manifest.json)","exercises":"pre-1.10 docker save: repositories + <id>/{VERSION,json,layer.tar}, parent chain in json, no manifest.json, a final metadata-only image with an empty (1024 zero bytes) layer.tar"}' \
    'pre-Docker-1.10 save: repositories + <id>/{VERSION,json,layer.tar}, parent chain (jq+tar)'

  # Extra: what umoci 0.4.7 `insert --opaque` really writes: a layer tar that ends right after the
  # last file's data (no padding, no 1024-byte end-of-archive marker): opencontainers/umoci#436.
  local U="$OUT/unterminated-layer-layout" ul ulen unterminated=true
  skcopy "oci:$L:insert-quirk" "oci:$U:1.0"
  ul=$(blob "$U" "$(jq -r '.layers[-1].digest' "$(manifest_blob "$U" 1.0)")")
  ulen=$(gzip -dc "$ul" | wc -c)
  if ((ulen % 512 == 0)) && [[ $(gzip -dc "$ul" | tail -c 1024 | tr -d '\0' | wc -c) -eq 0 ]]; then
    unterminated=false
    note "umoci insert wrote a terminated tar (umoci fixed #436): unterminated-layer-layout has no quirk"
  fi
  record unterminated-layer-layout oci-layout \
    "$(jq -nc --argjson u "$unterminated" --argjson len "$ulen" '{valid: true, transport: "oci", ref: "1.0", tags: ["1.0"], layers: 3,
      platforms: ["linux/amd64"], layerMediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
      unterminatedLastLayer: $u, lastLayerTarBytes: $len,
      madeWith: "umoci insert --opaque (umoci 0.4.7), skopeo copy oci: oci:",
      exercises: "layer 1 and 2 as in oci-layout; layer 3 by umoci insert --opaque: .wh..wh..opq entry BEFORE its directory entry, and (umoci <= 0.4.7 bug, opencontainers/umoci#436, fixed by PR #534) no padding after the last file and no end-of-archive blocks: GNU tar and Python tarfile report unexpected EOF, Go archive/tar and skopeo accept it; no config Env/Cmd"}')" \
    "layer 3 tar ends without padding/end-of-archive blocks (umoci insert bug #436)"

  # 10. negative fixtures
  local n="$WORK/not-an-image"
  mkdir -p "$n/docs"
  printf 'This is a tar file, but not a container image.\n' >"$n/README.txt"
  printf 'apples\noranges\npears\n' >"$n/docs/list.txt"
  printf '{"not":"a manifest"}\n' >"$n/docs/data.json"
  find "$n" -exec touch -h -d "@$T0" {} +
  det_tar "$OUT/not-an-image.tar" "$n"
  record not-an-image.tar negative \
    '{"valid":false,"transport":"docker-archive","exercises":"a valid tar of text files: no manifest.json, no index.json, no repositories"}' \
    'plain tar of text files (not an image)'

  local blk sz first
  # `tar -tvR` lines: "block N: -r--r--r-- 0/0 SIZE DATE TIME NAME"; the first regular *.tar is a layer.
  first=$(tar -tvR -f "$OUT/docker-archive.tar" | awk '!f && $3 ~ /^-/ && $NF ~ /\.tar$/ {print; f = 1}')
  blk=$(awk '{print $2}' <<<"$first" | tr -d ':'); sz=$(awk '{print $5}' <<<"$first")
  [[ $blk =~ ^[0-9]+$ && $sz =~ ^[0-9]+$ && $sz -gt 1024 ]] || die "truncated.tar: no layer found in docker-archive.tar"
  head -c $(((blk + 1) * 512 + sz / 2)) "$OUT/docker-archive.tar" >"$OUT/truncated.tar"
  record truncated.tar negative \
    '{"valid":false,"transport":"docker-archive","exercises":"docker-archive.tar cut in the middle of its first layer: no manifest.json, tar ends early"}' \
    "docker-archive.tar cut at byte $(size_of "$OUT/truncated.tar") (middle of the first layer)"

  local c="$WORK/corrupt" lb off
  skcopy "oci:$L:1.0" "oci:$c:1.0"
  lb=$(blob "$c" "$(jq -r '.layers | max_by(.size) | .digest' "$(manifest_blob "$c" 1.0)")")
  off=$(($(size_of "$lb") / 2))
  chmod u+w "$lb"
  rand_bytes 512 7 | dd of="$lb" bs=1 seek="$off" conv=notrunc status=none
  if gzip -t "$lb" 2>/dev/null; then die "corrupt-layer: gzip still valid after damage"; fi
  find "$c" -exec touch -h -d @0 {} +
  det_tar "$OUT/corrupt-layer.tar" "$c"
  record corrupt-layer.tar negative \
    '{"valid":false,"transport":"oci-archive","ref":"1.0","manifestReadable":true,"exercises":"oci-archive whose largest layer has 512 bytes overwritten mid-file: sha256 != digest, gzip stream broken; manifest and config are intact"}' \
    'oci-archive, largest layer damaged (digest mismatch, broken gzip)'

  head -c 1024 /dev/zero >"$OUT/empty.tar"
  record empty.tar negative '{"valid":false,"transport":"docker-archive","exercises":"tar with no entries (two zero blocks)"}' \
    'empty tar: two 512-byte zero blocks'
  rand_bytes 3000 99 >"$OUT/garbage.bin"
  record garbage.bin negative '{"valid":false,"transport":"docker-archive","exercises":"random bytes: not tar, not gzip, not zstd"}' \
    '3000 pseudo-random bytes'

  jq -s '.' "$WORK/fixtures.jsonl" >"$OUT/fixtures.json"
  write_readme
}

build_sample() {
  local L="$WORK/sample-layout" tmp
  build_sample_image "$L"
  mkdir -p "$(dirname "$SAMPLE_OUT")"
  tmp="$SAMPLE_OUT.tmp.$$"
  rm -f "$tmp"
  skcopy "oci:$L:sample" "docker-archive:$tmp:sample/hello:1.0"
  mv -f "$tmp" "$SAMPLE_OUT"
  local size
  size=$(size_of "$SAMPLE_OUT")
  ((size <= 1048576)) || die "sample image is $size bytes (> 1 MiB)"
  printf '  %-28s %-20s %9s B  %s\n' "$(basename "$SAMPLE_OUT")" docker-archive "$size" \
    "sample/hello:1.0, 3 layers, sha256 $(hex_of "$SAMPLE_OUT" | cut -c1-16)..."
}

# ---------------------------------------------------------------------------------------------
stamp_value() {
  {
    cat "$SCRIPT_PATH"
    if [[ -d $SCRIPT_DIR/fixtures ]]; then find "$SCRIPT_DIR/fixtures" -type f | sort | xargs -r cat; fi
    echo "epoch=$EPOCH"
    skopeo --version 2>/dev/null || true
    umoci --version 2>/dev/null || true
    jq --version 2>/dev/null || true
    zstd --version 2>/dev/null || true
    [[ -x /bin/busybox ]] && hex_of /bin/busybox
  } | sha256sum | cut -d' ' -f1
}

up_to_date() {
  [[ -f $OUT/.stamp && -f $OUT/fixtures.json ]] || return 1
  [[ $(cat "$OUT/.stamp") == "$(stamp_value)" ]] || return 1
  local p
  while read -r p; do [[ -e $OUT/$p ]] || return 1; done < <(jq -r '.[].path' "$OUT/fixtures.json")
}

main() {
  require_tools
  local start=$SECONDS
  case $MODE in
    check)
      if up_to_date; then echo "fixtures up to date in $OUT"; exit 0; else echo "fixtures missing or stale in $OUT"; exit 1; fi ;;
    sample)
      WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
      echo "make-fixtures: writing $SAMPLE_OUT"
      build_sample
      echo "make-fixtures: done in $((SECONDS - start)) s" ;;
    build)
      mkdir -p "$OUT"
      exec 9>"$OUT/.lock"
      flock 9
      if ((FORCE == 0)) && up_to_date; then
        echo "make-fixtures: up to date ($OUT); use --force to rebuild"
        exit 0
      fi
      find "$OUT" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
      WORK="$OUT/.work"; mkdir -p "$WORK"; trap 'rm -rf "$WORK"' EXIT
      echo "make-fixtures: building fixtures in $OUT"
      build_fixtures
      rm -rf "$WORK"
      stamp_value >"$OUT/.stamp"
      echo "make-fixtures: $(jq length "$OUT/fixtures.json") fixtures in $((SECONDS - start)) s; see $OUT/README.txt" ;;
  esac
}

main
