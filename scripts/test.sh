#!/usr/bin/env bash
# `npm test`: every check, in order, stopping at the first failure:
#   setup -> fixtures -> build -> lint -> typecheck -> unit -> integration (in VS Code) ->
#   runner-selftest -> e2e (UI in VS Code)
# `bash scripts/test.sh unit integration` runs only the named stages (same order).
# Ends with one line 'summary: N passed, N failed, N skipped' (mocha test counts; a failed
# non-test stage such as lint counts as one failure).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

ALL_STAGES=(setup fixtures build lint typecheck unit integration runner-selftest e2e)
if (($# > 0)); then STAGES=("$@"); else STAGES=("${ALL_STAGES[@]}"); fi

stage_command() {
  case "$1" in
    setup) echo "bash scripts/setup.sh" ;;
    fixtures) [[ -f scripts/make-fixtures.sh ]] && echo "bash scripts/make-fixtures.sh" || echo "echo 'no scripts/make-fixtures.sh: skipped'" ;;
    build) echo "node scripts/build.mjs" ;;
    lint) echo "npx eslint ." ;;  # not "src test bench scripts": an empty bench/ (fresh clone) makes eslint fail
    typecheck) echo "npx tsc --noEmit -p ." ;;
    unit) echo "npx mocha --config .mocharc.json --no-colors" ;;
    integration) echo "node dist/test/runner/codeServerRunner.js" ;;
    runner-selftest) echo "bash scripts/runner-selftest.sh" ;;
    e2e) echo "node dist/test/runner/e2eRunner.js" ;;
    *) echo "unknown stage '$1' (stages: ${ALL_STAGES[*]})" >&2; return 1 ;;
  esac
}

passed=0 failed=0 skipped=0 run_started=$SECONDS
report=()
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# mocha's spec reporter closes with '  N passing', '  N failing', '  N pending'.
count() { { grep -E "^\s*[0-9]+ $1\b" "$log" || true; } | awk '{ total += $1 } END { print total + 0 }'; }

summary() {
  echo
  echo "==== test.sh stages"
  printf '  %s\n' "${report[@]}"
  echo "  total: $((SECONDS - run_started)) s"
  echo "summary: $passed passed, $failed failed, $skipped skipped"
}

for stage in "${STAGES[@]}"; do
  command="$(stage_command "$stage")"
  echo
  echo "==== [$stage] $command"
  started=$SECONDS
  set +e
  bash -c "$command" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  set -e
  seconds=$((SECONDS - started))
  stage_passed=$(count passing) stage_failed=$(count failing) stage_skipped=$(count pending)
  if [[ $stage == runner-selftest ]]; then
    stage_passed=0 stage_failed=0 stage_skipped=0
    if ((code == 0)); then stage_passed=1; else stage_failed=1; fi
  fi
  # A failing stage must show as a failure in the summary even when it ran no mocha test.
  if ((code != 0 && stage_failed == 0)); then stage_failed=1; fi
  passed=$((passed + stage_passed)) failed=$((failed + stage_failed)) skipped=$((skipped + stage_skipped))
  if ((code != 0)); then
    report+=("$stage: FAILED (exit $code) after ${seconds} s")
    summary
    echo "test.sh: stopped at stage '$stage'"
    exit 1
  fi
  tests=""
  ((stage_passed + stage_failed + stage_skipped > 0)) && tests=", $stage_passed passed, $stage_skipped skipped"
  report+=("$stage: ok in ${seconds} s$tests")
done
summary
