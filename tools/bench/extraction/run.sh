#!/usr/bin/env bash
# Extraction benchmarks of issue 6, in one run, printed as one table of ratios:
#   1. `analysis extract` (default uncompressed, and snappy) vs the bare forward pass (session.Run alone) of the same
#      hooked GPT-2-small-sized model on the same batches, CPU, hooks blocks.*.hook_resid_post, positions all;
#      interleaved rounds.
#   2. the same extraction vs the Python way (torch 1.13 forward with hooks, same weights, same batches, np.save).
#   3. peak RSS of an extraction of 10k, 100k and 1M tokens (stories260k, tools/demo/stories.jsonl repeated), with
#      the default 1,024-example parts and with 256-example parts.
# Needs: dotnet; Debian's /usr/bin/python3 with torch (tools/export/setup.sh); ~2 GB free under $WORK.
# Usage: tools/bench/extraction/run.sh        (EXAMPLES=64 ROUNDS=2 BATCH=16 MAXLEN=128 WORK=/tmp/analysis-bench-extraction GPT2_RSS=0)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
examples="${EXAMPLES:-64}" rounds="${ROUNDS:-2}" batch="${BATCH:-16}" maxlen="${MAXLEN:-128}"
work="${WORK:-/tmp/analysis-bench-extraction}"
gpt2="${XDG_CACHE_HOME:-$HOME/.cache}/analysis/models/gpt2-small-random"
stories="$root/onnx-models/stories260k"
mkdir -p "$work"
results="$work/results.jsonl"
: > "$results"

if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "Debian's python3-torch is missing: run bash tools/export/setup.sh first" >&2; exit 1
fi
[ -f "$gpt2/config.json" ] || /usr/bin/python3 "$root/tools/export/gpt2_small_random.py" --out "$gpt2"
dotnet build "$here/Analysis.Bench.Extraction.csproj" -c Release -o "$here/bin/out" >/dev/null
bench=(dotnet "$here/bin/out/Analysis.Bench.Extraction.dll")

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"${bench[@]}" texts "$root/tools/demo/stories.jsonl" "$work/long.jsonl" "$examples" 900
"${bench[@]}" throughput "$gpt2" "$work/long.jsonl" "$work/extract-out" "$work/ids.txt" \
  --rounds "$rounds" --batch-size "$batch" --max-length "$maxlen" --also-compression snappy | tee -a "$results" >&2
/usr/bin/python3 "$here/torch_baseline.py" --model "$gpt2" --ids "$work/ids.txt" --out "$work/npy-out" \
  --rounds "$rounds" --batch-size "$batch" | tee -a "$results" >&2
rm -rf "$work/extract-out" "$work/npy-out"

# Peak RSS with the default parts (1,024 examples, ~26.6k tokens here, so the 10k run stops inside its first part) and
# with 256-example parts (~6.6k tokens, so every run writes whole parts).
for tokens in 10000 100000 1000000; do
  "${bench[@]}" repeat "$root/tools/demo/stories.jsonl" "$work/stories-$tokens.jsonl" "$stories" "$tokens" >/dev/null
done
for part in 1024 256; do
  for tokens in 10000 100000 1000000; do
    "${bench[@]}" rss "$stories" "$work/stories-$tokens.jsonl" "$work/rss-out" --max-length 256 --examples-per-part "$part" | tee -a "$results" >&2
    rm -rf "$work/rss-out"
  done
done
# GPT2_RSS=1: the same on the GPT-2-small-sized benchmark model (128-token limit; ~20 more minutes, mostly the 1M run).
if [ "${GPT2_RSS:-0}" = 1 ]; then
  for tokens in 10000 100000 1000000; do
    "${bench[@]}" repeat "$root/tools/demo/stories.jsonl" "$work/gpt2-$tokens.jsonl" "$gpt2" "$tokens" >/dev/null
    "${bench[@]}" rss "$gpt2" "$work/gpt2-$tokens.jsonl" "$work/rss-out" --max-length 128 | tee -a "$results" >&2
    rm -rf "$work/rss-out"
  done
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
/usr/bin/python3 "$here/report.py" "$results"
