#!/usr/bin/env bash
# Analysis.Parquet: libzstd for ZSTD pages, liblz4 for LZ4_RAW, and DuckDB for node (the interop tests' and
# benchmark's independent implementation). DuckDB's platform package ships its .node binary, so no install scripts run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if declare -F apt_install >/dev/null; then apt_install libzstd1 liblz4-1; fi
command -v node >/dev/null || { echo "setup/parquet.sh: node (Node.js 18+) is required for the Parquet interop tests; install it (apt-get install nodejs npm)." >&2; exit 1; }
interop="$root/tools/parquet-interop"
if [ ! -f "$interop/node_modules/@duckdb/node-bindings-linux-x64/duckdb.node" ] || [ "$interop/package-lock.json" -nt "$interop/node_modules/.package-lock.json" ]; then
  (cd "$interop" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi
