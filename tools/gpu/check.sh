#!/usr/bin/env bash
# The GPU acceptance check, for a machine with an NVIDIA GPU, its driver, CUDA 13 and cuDNN 9 (docs/runtime.md says
# exactly which libraries). Runs in under 5 minutes after the first build:
#   1. analysis doctor: ONNX Runtime 1.31 with CUDAExecutionProvider, every CUDA library found, a GPU visible;
#   2. analysis verify --device cuda on every bundled model (logits against the exporting framework's reference);
#   3. extraction throughput, CPU vs CUDA, on the same model, data and settings (tokens/s from each run's summary).
# Usage: tools/gpu/check.sh [MODEL_DIR]   (default: the GPT-2-small-sized benchmark model if it is in the cache,
#        else onnx-models/gpt2-tiny); EXAMPLES=N limits the extraction input (default 1000 lines of the demo data).
# Exits non-zero at the first failing step, naming it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
analysis="$root/analysis"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "gpu/check.sh: FAILED: $*" >&2; exit 1; }

echo "== 1. analysis doctor"
"$analysis" doctor || fail "analysis doctor did not run"
"$analysis" doctor --json > "$work/doctor.json"
/usr/bin/env python3 - "$work/doctor.json" <<'PY' || fail "doctor does not report a usable CUDA (see above)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["onnxruntime_version"].startswith("1.31"), r["onnxruntime_version"]
assert "CUDAExecutionProvider" in r["providers"], r["providers"]
missing = [l["file"] for l in r["cuda"]["libraries"] if l["required"] and not l["found"]]
assert not missing, f"missing: {missing}"
assert r["cuda"]["gpus"], "no GPU visible"
print("doctor: CUDA ready on", "; ".join(r["cuda"]["gpus"]))
PY

echo "== 2. analysis verify --device cuda on every bundled model"
for reference in "$root"/onnx-models/*/reference.json; do
  model=$(dirname "$reference")
  timeout 120 "$analysis" verify "$model" --device cuda || fail "verify --device cuda on $model"
done

echo "== 3. extraction throughput, CPU vs CUDA"
model="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/analysis/models/gpt2-small-random}"
[ -f "$model/model.onnx" ] || model="$root/onnx-models/gpt2-tiny"
head -n "${EXAMPLES:-1000}" "$root/tools/demo/stories.jsonl" > "$work/data.jsonl"
for device in cpu cuda; do
  timeout 200 "$analysis" extract --model "$model/model.onnx" --data "$work/data.jsonl" --hooks 'blocks.*.hook_resid_post' \
    --max-length 128 --batch-size 32 --device "$device" -o "$work/out-$device" > "$work/summary-$device.txt" \
    || fail "extract --device $device"
  cat "$work/summary-$device.txt"
done
rate() { sed -nE 's/.*tokens [0-9,]+ \(([0-9,]+)\/s\).*/\1/p' "$1" | tr -d ,; }
cpu=$(rate "$work/summary-cpu.txt"); cuda=$(rate "$work/summary-cuda.txt")
echo "extraction on $(basename "$model"): CPU $cpu tok/s, CUDA $cuda tok/s, CUDA/CPU $(awk -v a="$cuda" -v b="$cpu" 'BEGIN { printf "%.1f", a / b }')x"
grep -q "on cuda:0" "$work/summary-cuda.txt" || fail "the CUDA extraction did not run on cuda:0"

echo "== 4. GenAI generation on the GPU build's libonnxruntime.so"
# GenAI dlopens ONNX Runtime itself: it must reuse ours (the GPU build), and give the reference's greedy tokens.
ORTGENAI_LOG_ORT_LIB=1 timeout 120 "$analysis" generate --model "$root/onnx-models/stories260k-kv/model.onnx" \
  --prompt "Once upon a time" --max-new-tokens 100 --json > "$work/genai.json" 2> "$work/genai.log" || fail "generate through GenAI"
python3 - "$work/genai.json" "$root/onnx-models/stories260k-kv/reference.json" <<'PY' || fail "GenAI generation differs from the reference"
import json, sys
out, ref = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["generation"]["new_ids"]
assert out["method"].startswith("ONNX Runtime GenAI"), out["method"]
assert out["token_ids"] == ref, "tokens differ"
print("GenAI: 100 greedy tokens equal the torch reference")
PY
grep -i "onnxruntime" "$work/genai.log" | head -5 || true
"$analysis" doctor --json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert "CUDAExecutionProvider" in r["providers"]; print("doctor after GenAI: CUDA listed")' \
  || fail "doctor does not list CUDA"
echo "gpu/check.sh: all steps passed"
