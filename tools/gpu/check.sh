#!/usr/bin/env bash
# The GPU acceptance check, for a machine with an NVIDIA GPU, its driver, CUDA 13 and cuDNN 9 (docs/runtime.md says
# exactly which libraries). Runs in under 5 minutes after the first build:
#   1. analysis doctor: ONNX Runtime 1.31 with CUDAExecutionProvider, every CUDA library found, a GPU visible;
#   2. analysis verify --device cuda on every bundled model (logits against the exporting framework's reference);
#   3. extraction throughput, CPU vs CUDA, on the same model, data and settings (tokens/s from each run's summary);
#   4. SAE training with the ONNX Runtime engine on CUDA (the same graphs as on the CPU, only the provider differs):
#      OnnxSaeTrainerTests on CUDA (20 steps equal the SIMD engine, every architecture), then `sae train --device cuda` on
#      step 3's dataset against `--engine onnx --device cpu` (same FVU), and the issue's benchmark step (d 768, 12,288
#      latents, k 32, batch 4,096) on CUDA vs the SIMD engine on this machine's CPU.
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

echo "== 4. SAE training: the ONNX Runtime engine on CUDA"
timeout 600 dotnet test "$root/tests/Analysis.Tests" -c Release --filter "FullyQualifiedName~OnnxSaeTrainerTests" \
  || fail "OnnxSaeTrainerTests (on CUDA the engine must equal the SIMD engine)"
hook=blocks.0.hook_resid_post
for run in "cuda onnx" "cpu onnx"; do
  set -- $run
  timeout 300 "$analysis" sae train --data "$work/out-cpu" --hook "$hook" --latents 512 --k 16 --tokens 204800 --batch-size 1024 \
    --lr 1e-3 --seed 1 --device "$1" --engine "$2" --json -o "$work/sae-$1" > "$work/sae-$1.json" || fail "sae train --device $1 --engine $2"
done
/usr/bin/env python3 - "$work/sae-cuda.json" "$work/sae-cpu.json" <<'PY' || fail "sae train on CUDA does not match the CPU run of the same graphs"
import json, sys
cuda, cpu = (json.load(open(p)) for p in sys.argv[1:3])
assert cuda["engine"] == "onnx on cuda:0", cuda["engine"]
print(f"sae train: CUDA fvu {cuda['fvu']:.4f} l0 {cuda['l0']:.1f} ({cuda['tokens_per_s']:,.0f} tok/s), "
      f"CPU fvu {cpu['fvu']:.4f} l0 {cpu['l0']:.1f} ({cpu['tokens_per_s']:,.0f} tok/s)")
assert abs(cuda["fvu"] - cpu["fvu"]) <= 0.1 * cpu["fvu"] + 0.005, "FVU differs"  # 200 steps: float32 noise may grow, the statistic may not
assert abs(cuda["l0"] - cpu["l0"]) <= 0.5, "L0 differs"
PY
bench="$root/tools/bench/sae"
dotnet build "$bench/Analysis.Bench.Sae.csproj" -c Release -o "$bench/bin/out" > /dev/null || fail "building tools/bench/sae"
dotnet "$bench/bin/out/Analysis.Bench.Sae.dll" data "$work/step" 768 12288 4096 4 || fail "benchmark data"
gpu=$(timeout 300 dotnet "$bench/bin/out/Analysis.Bench.Sae.dll" onnx "$work/step" 768 12288 32 4096 4 cuda) || fail "the SAE step on CUDA"
cpu=$(timeout 300 dotnet "$bench/bin/out/Analysis.Bench.Sae.dll" ours "$work/step" 768 12288 32 4096 4) || fail "the SAE step on the CPU"
echo "$gpu"; echo "$cpu"
/usr/bin/env python3 - "$gpu" "$cpu" <<'PY' || fail "the SAE step on CUDA and on the CPU disagree"
import json, sys
g, c = (json.loads(a) for a in sys.argv[1:3])
print(f"SAE step (d 768, 12,288 latents, k 32, batch 4,096): onnx on CUDA {g['tokens_per_s']:,.0f} tok/s, "
      f"simd on CPU {c['tokens_per_s']:,.0f} tok/s, {g['tokens_per_s'] / c['tokens_per_s']:.1f}x; "
      f"last loss {g['last_loss']:.6f} vs {c['last_loss']:.6f}")
assert g["impl"] == "onnx-cuda:0", g["impl"]
assert abs(g["last_loss"] - c["last_loss"]) <= 1e-3 * abs(c["last_loss"]), "losses differ"
PY
echo "== 5. GenAI generation on the GPU build's libonnxruntime.so"
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
