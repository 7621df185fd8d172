#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need (tools/setup.sh), then every test project.
# Prints one closing line: "Tests: N passed, N failed, N skipped".
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"
bash tools/setup.sh || { echo "test.sh: tools/setup.sh failed; see the lines above." >&2; exit 1; }
log=$(mktemp)
dotnet test Analysis.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# dotnet test prints one "Passed!/Failed! - Failed: F, Passed: P, Skipped: S" line per test assembly.
awk -F'[:,]' '/(Passed|Failed)! +- +Failed:/ { f += $2; p += $4; s += $6 }
  END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
