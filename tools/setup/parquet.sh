#!/usr/bin/env bash
# Analysis.Parquet: libzstd for ZSTD pages and liblz4 for LZ4_RAW. DuckDB, the interop tests' and benchmark's independent
# implementation, runs in process from the NuGet package DuckDB.NET.Data.Full (restored by the build), so no node here.
set -euo pipefail
if declare -F apt_install >/dev/null; then
  apt_install libzstd1 liblz4-1
fi
