#!/usr/bin/env bash
# Peak memory of `analysis attention` (statistics computed inside the graph, [layers × heads × 4] numbers per example
# leave ONNX Runtime) at T = 128 and T = 512 tokens per example, against the baseline that takes the full patterns out:
# `analysis extract --hooks 'blocks.*.attn.hook_pattern'` on the same texts (what computing the statistics from stored
# patterns needs first), and against the forward pass with a small output (`analysis extract --hooks
# blocks.4.hook_resid_post`: the model computes its [batch × heads × T × T] scores whatever we read from it).
# Interleaved rounds; peak RSS from GNU time; the output folders' sizes show what is stored.
# Model: stories260k (5 layers × 8 heads, context 512). Every text is longer than 512 tokens and truncated to T.
# Usage: tools/bench/attention/run.sh        (EXAMPLES=16 ROUNDS=2 BATCH=8 WORK=/tmp/analysis-bench-attention)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
examples="${EXAMPLES:-16}" rounds="${ROUNDS:-2}" batch="${BATCH:-8}"
work="${WORK:-/tmp/analysis-bench-attention}"
model="$root/onnx-models/stories260k/model.onnx"
mkdir -p "$work"
"$root/analysis" --help >/dev/null # builds the CLI once, outside the measurements
cli=(dotnet "$root/.build/cli/analysis.dll")

# Long texts: consecutive stories joined until each has ~4,000 characters (> 512 tokens of this tokenizer).
/usr/bin/python3 - "$root/tools/demo/stories.jsonl" "$work/long.jsonl" "$examples" <<'PY'
import json, sys
lines = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    i = 0
    for _ in range(int(sys.argv[3])):
        text = ""
        while len(text) < 4000:
            text += lines[i % len(lines)] + " "
            i += 1
        out.write(json.dumps({"text": text.strip()}) + "\n")
PY

measure() { # name T command… → one line: name T peak_rss_kib seconds output_bytes
  local name=$1 t=$2; shift 2
  rm -rf "$work/out"
  local start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  local end=$(date +%s.%N)
  echo "$name $t $(cat "$work/rss") $(echo "$end - $start" | bc) $(du -sb "$work/out" | cut -f1)" | tee -a "$work/results.txt"
}
: > "$work/results.txt"
# Warm the hooked-graph caches so that no measured run pays for building them.
"${cli[@]}" attention --model "$model" --data "$work/long.jsonl" --max-length 16 --device cpu -o "$work/out" >/dev/null 2>&1
rm -rf "$work/out"
for hook in 'blocks.*.attn.hook_pattern' 'blocks.4.hook_resid_post'; do
  "${cli[@]}" extract --model "$model" --data "$work/long.jsonl" --hooks "$hook" --max-length 16 --device cpu --out "$work/out" --overwrite >/dev/null 2>&1
  rm -rf "$work/out"
done
for round in $(seq "$rounds"); do
  for t in 128 512; do
    measure attention "$t" "${cli[@]}" attention --model "$model" --data "$work/long.jsonl" --max-length "$t" --batch-size "$batch" --device cpu -o "$work/out"
    measure forward-resid "$t" "${cli[@]}" extract --model "$model" --data "$work/long.jsonl" --hooks 'blocks.4.hook_resid_post' \
      --max-length "$t" --batch-size "$batch" --device cpu --out "$work/out" --overwrite
    measure extract-patterns "$t" "${cli[@]}" extract --model "$model" --data "$work/long.jsonl" --hooks 'blocks.*.attn.hook_pattern' \
      --max-length "$t" --batch-size "$batch" --device cpu --out "$work/out" --overwrite
  done
done
rm -rf "$work/out"
/usr/bin/python3 - "$work/results.txt" <<'PY'
import sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, t, rss, seconds, size = line.split()
    runs[(name, int(t))].append((int(rss), float(seconds), int(size)))
print(f"{'run':18} {'T':>4} {'peak RSS MiB':>13} {'seconds':>8} {'output MiB':>11}")
for (name, t), values in sorted(runs.items()):
    rss = min(v[0] for v in values) / 1024
    print(f"{name:18} {t:4} {rss:13.1f} {min(v[1] for v in values):8.2f} {values[0][2] / 2**20:11.2f}")
def peak(name, t): return min(v[0] for v in runs[(name, t)])
print(f"attention peak RSS, T=512 / T=128: {peak('attention', 512) / peak('attention', 128):.2f} (patterns grow 16x)")
print(f"extract-patterns peak RSS, T=512 / T=128: {peak('extract-patterns', 512) / peak('extract-patterns', 128):.2f}")
print(f"forward-resid peak RSS, T=512 / T=128: {peak('forward-resid', 512) / peak('forward-resid', 128):.2f}")
print(f"at T=512, attention / forward-resid peak RSS: {peak('attention', 512) / peak('forward-resid', 512):.2f}")
print(f"at T=512, attention / extract-patterns peak RSS: {peak('attention', 512) / peak('extract-patterns', 512):.2f}")
PY
