#!/usr/bin/env bash
# `npm start`: install what is missing, build, then run VS Code with the extension in development
# mode and sample/sample-image.tar open in the Images view.
#   npm start                          VS Code server (code-server's) on 127.0.0.1:8080; prints the URL
#   npm start -- --port 9000 --host 0.0.0.0
#   npm start -- --open path/to/image.tar   (repeatable) instead of the sample
#   npm start -- --code                desktop VS Code (`code` on PATH) instead of the server
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_DIR"

use_code=false
args=()
for arg in "$@"; do
  if [[ $arg == --code ]]; then use_code=true; else args+=("$arg"); fi
done

bash scripts/setup.sh
node scripts/build.mjs

if $use_code; then
  command -v code >/dev/null || { echo "[start] --code: no 'code' command on PATH"; exit 1; }
  workspace="$REPO_DIR/.vscode-test/start/workspace"
  mkdir -p "$workspace"
  echo "[start] code --extensionDevelopmentPath=$REPO_DIR $workspace (CIE_OPEN_ON_START=sample/sample-image.tar)"
  CIE_OPEN_ON_START="$REPO_DIR/sample/sample-image.tar" exec code --extensionDevelopmentPath="$REPO_DIR" "$workspace"
fi
exec node dist/test/runner/devServer.js "${args[@]}"
