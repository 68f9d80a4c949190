#!/usr/bin/env bash
# Proves the in-VS-Code harness reports failure: runs only the deliberately failing suite
# (test/integration/selftest.test.ts, enabled by CIE_SELFTEST_FAIL=1) and expects the runner to
# exit 1 with mocha's failure report. Needs a build (npm run build) and scripts/setup.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
CIE_SELFTEST_FAIL=1 CIE_TEST_GREP='harness self-test' node dist/test/runner/codeServerRunner.js >"$log" 2>&1
code=$?
set -e
sed 's/^/  | /' "$log"
if [[ $code -eq 1 ]] && grep -q '1 failing' "$log" && grep -q 'deliberate failure' "$log"; then
  echo "runner self-test: ok (a failing integration test made the runner exit 1)"
  exit 0
fi
echo "runner self-test: FAILED (runner exit code $code, expected 1 with '1 failing' in its output)"
exit 1
