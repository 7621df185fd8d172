#!/usr/bin/env bash
# Positions selected in the graph vs on the CPU: `analysis extract --positions last` (or $POSITIONS) on the
# GPT-2-small-sized model, the same extraction with each hook's full output fetched and selected on the CPU, and with a
# gather per hook in the graph (only the selected rows fetched); interleaved rounds, alternating which goes first; also
# the bare forward pass of each graph. Prints one table (report.py); checks both write the same part files.
# Usage: tools/bench/extraction/positions.sh   (EXAMPLES=64 ROUNDS=4 BATCH=16 MAXLEN=128 POSITIONS=last WORK=/tmp/analysis-bench-positions)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
examples="${EXAMPLES:-64}" rounds="${ROUNDS:-4}" batch="${BATCH:-16}" maxlen="${MAXLEN:-128}" positions="${POSITIONS:-last}"
work="${WORK:-/tmp/analysis-bench-positions}"
gpt2="${XDG_CACHE_HOME:-$HOME/.cache}/analysis/models/gpt2-small-random"
mkdir -p "$work"
results="$work/results.jsonl"
: > "$results"

[ -f "$gpt2/config.json" ] || /usr/bin/python3 "$root/tools/export/gpt2_small_random.py" --out "$gpt2"
dotnet build "$here/Analysis.Bench.Extraction.csproj" -c Release -o "$here/bin/out" >/dev/null
bench=(dotnet "$here/bin/out/Analysis.Bench.Extraction.dll")

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"${bench[@]}" texts "$root/tools/demo/stories.jsonl" "$work/long.jsonl" "$examples" 900
"${bench[@]}" positions "$gpt2" "$work/long.jsonl" "$work/extract-out" \
  --rounds "$rounds" --batch-size "$batch" --max-length "$maxlen" --positions "$positions" --compression uncompressed | tee -a "$results" >&2
rm -rf "$work/extract-out"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
/usr/bin/python3 "$here/report.py" "$results"
