#!/usr/bin/env bash
# Installs everything the build and the in-VS-Code tests need, and nothing that is already there:
# Debian packages, the repo's node_modules, and a cached Node 24 + code-server (VS Code server)
# as described in ../shared/TESTING-IN-VSCODE.md. Safe to run repeatedly; a no-op run takes ~1 s.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/paths.sh
source "$REPO_DIR/scripts/lib/paths.sh"

log() { printf '[setup] %s\n' "$*"; }
# Never let a dependency fetch a browser build: the only browser is Debian's chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# busybox-static: scripts/make-fixtures.sh copies /bin/busybox into the fixture images.
# apache2-utils: htpasswd (bcrypt) for the registry Basic-auth tests.
# debootstrap: scripts/bench-corpus.sh builds the Debian image of the benchmark corpus (npm run bench).
APT_PACKAGES=(chromium skopeo umoci libkrb5-dev docker-registry jq zstd pigz build-essential python3 git ca-certificates busybox-static apache2-utils debootstrap)

install_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    log "Debian packages: all present"
    return
  fi
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || { log "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    sudo=(sudo)
  fi
  log "Debian packages missing: ${missing[*]}; running apt-get update + install"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

# node_modules is current when it was installed from this exact package-lock.json (hash stamp).
# Without a stamp (installed by hand), npm's hidden lockfile being newer than package-lock.json
# counts as current. Only package-lock.json matters: `npm ci` installs from it alone.
install_node_modules() {
  cd "$REPO_DIR"
  local stamp=node_modules/.cie-setup-stamp hidden=node_modules/.package-lock.json want
  if [[ ! -f package-lock.json ]]; then
    if [[ -d node_modules ]]; then log "node_modules: present (no lockfile)"; return; fi
    log "node_modules: missing, no lockfile; npm install"
    npm install --no-audit --no-fund
    return
  fi
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ -f $stamp && "$(cat "$stamp")" == "$want" ]] || [[ ! -f $stamp && -f $hidden && ! package-lock.json -nt $hidden ]]; then
    echo "$want" >"$stamp"
    log "node_modules: up to date"
    return
  fi
  if [[ -d node_modules ]]; then log "node_modules: stale (package-lock.json changed); npm ci"; else log "node_modules: missing; npm ci"; fi
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
}

install_node24() {
  if [[ -f "$CIE_NODE24_PREFIX/.cie-complete" && -x "$CIE_NODE24_BIN" ]]; then
    log "Node $CIE_NODE24_VERSION: cached at $CIE_NODE24_BIN"
    return
  fi
  log "Node $CIE_NODE24_VERSION: installing npm package node@$CIE_NODE24_VERSION into $CIE_NODE24_PREFIX"
  rm -rf "$CIE_NODE24_PREFIX"
  mkdir -p "$CIE_NODE24_PREFIX"
  npm install --prefix "$CIE_NODE24_PREFIX" --no-save --no-package-lock --no-audit --no-fund "node@$CIE_NODE24_VERSION"
  [[ "$("$CIE_NODE24_BIN" --version)" == "v$CIE_NODE24_VERSION" ]] || { log "unexpected Node binary at $CIE_NODE24_BIN"; exit 1; }
  touch "$CIE_NODE24_PREFIX/.cie-complete"
}

# code-server's install script refuses any Node but 24, and its native modules (kerberos needs
# libkrb5-dev) must build against Node 24's headers, hence npm under Node 24 with --nodedir.
install_code_server() {
  if [[ -f "$CIE_CODE_SERVER_PREFIX/.cie-complete" && -f "$CIE_SERVER_MAIN" ]]; then
    log "code-server $CIE_CODE_SERVER_VERSION: cached at $CIE_CODE_SERVER_DIR"
    return
  fi
  local npm_cli global_config
  npm_cli="$(readlink -f "$(command -v npm)")"
  # npm run by the Node 24 binary would look for its global config beside that binary and lose
  # the machine's (CA file etc.), so read it with the system npm and pass it on.
  global_config="$(npm config get globalconfig)"
  log "code-server $CIE_CODE_SERVER_VERSION: installing into $CIE_CODE_SERVER_PREFIX (a few minutes, ~600 MB)"
  rm -rf "$CIE_CODE_SERVER_PREFIX"
  mkdir -p "$CIE_CODE_SERVER_PREFIX"
  PATH="$CIE_NODE24_DIR/bin:$PATH" npm_config_globalconfig="$global_config" \
    "$CIE_NODE24_BIN" "$npm_cli" install --prefix "$CIE_CODE_SERVER_PREFIX" --no-save --no-package-lock \
    --no-audit --no-fund --nodedir="$CIE_NODE24_DIR" "code-server@$CIE_CODE_SERVER_VERSION"
  [[ -f "$CIE_SERVER_MAIN" ]] || { log "code-server installed but $CIE_SERVER_MAIN is missing"; exit 1; }
  touch "$CIE_CODE_SERVER_PREFIX/.cie-complete"
}

started=$SECONDS
install_apt_packages
mkdir -p "$CIE_CACHE_DIR"
# Several checkouts or engineers may run this at once: one installer at a time.
exec 9>"$CIE_CACHE_DIR/.setup.lock"
flock 9
install_node_modules
install_node24
install_code_server
flock -u 9
log "NODE24=$CIE_NODE24_BIN"
log "SERVER_MAIN=$CIE_SERVER_MAIN"
log "done in $((SECONDS - started)) s"
