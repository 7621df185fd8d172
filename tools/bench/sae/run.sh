#!/usr/bin/env bash
# SAE benchmarks of issue 13, printed as ratios measured in the same run:
#   1. tokens/s of our sparse TopK step (SaeTrainer.Step) vs PyTorch's dense TopK step (torch_dense.py): d 768,
#      12,288 latents, k 32, batch 4,096, Adam; same init, same batches; ROUNDS interleaved rounds of STEPS steps each
#      (the first step of each round is not timed). Both start from the same weights on the same batches, so their
#      last losses must agree (the trainer equals dense autograd: tests/Analysis.Tests/Sae/SaeTorchTests.cs).
#      The ONNX Runtime engine (OnnxSaeTrainer, the whole step as ONNX graphs, on ORT's CPU provider) runs in the same
#      rounds, interleaved, and is reported against both (its ratio to torch, and to the SIMD engine).
#   2. peak RSS of `sae train` (TopK, 1,024 latents, 100 steps of 2,048 tokens, 16 MiB shuffle buffer) on datasets of
#      100k and 1M rows (d 64): it should stay flat.
# Needs: dotnet; Debian's /usr/bin/python3 with python3-torch and libopenblas0-pthread (tools/setup/sae.sh).
# Usage: tools/bench/sae/run.sh     (D=768 M=12288 K=32 B=4096 STEPS=4 ROUNDS=3 WORK=/tmp/analysis-bench-sae;
#        RSS=0 skips part 2)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
d="${D:-768}" m="${M:-12288}" k="${K:-32}" b="${B:-4096}" steps="${STEPS:-4}" rounds="${ROUNDS:-3}"
work="${WORK:-/tmp/analysis-bench-sae}"
mkdir -p "$work"
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "python3-torch is missing: bash tools/setup.sh (tools/setup/sae.sh)" >&2; exit 1; }
dotnet build "$here/Analysis.Bench.Sae.csproj" -c Release -o "$here/bin/out" >/dev/null
bench=(dotnet "$here/bin/out/Analysis.Bench.Sae.dll")
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)" >&2
"${bench[@]}" data "$work/step" "$d" "$m" "$b" "$steps"
results="$work/step.jsonl"; : > "$results"
for r in $(seq "$rounds"); do
  "${bench[@]}" ours "$work/step" "$d" "$m" "$k" "$b" "$steps" | tee -a "$results"
  "${bench[@]}" onnx "$work/step" "$d" "$m" "$k" "$b" "$steps" cpu | tee -a "$results"
  /usr/bin/python3 "$here/torch_dense.py" "$work/step" "$d" "$m" "$k" "$b" "$steps" | tee -a "$results"
done
/usr/bin/python3 - "$results" <<'PY'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1])]
ours = [r["tokens_per_s"] for r in rows if r["impl"] == "ours"]
torch = [r["tokens_per_s"] for r in rows if r["impl"] == "torch-dense"]
onnx = [r["tokens_per_s"] for r in rows if r["impl"].startswith("onnx")]
ratios = [o / t for o, t in zip(ours, torch)]
print(f"step: ours {statistics.median(ours):,.0f} tok/s, torch dense {statistics.median(torch):,.0f} tok/s, "
      f"ratio per round {', '.join(f'{x:.2f}' for x in ratios)} (median {statistics.median(ratios):.2f}x)")
onnx_torch = [o / t for o, t in zip(onnx, torch)]
onnx_ours = [o / s for o, s in zip(onnx, ours)]
print(f"onnx engine (ORT CPU): {statistics.median(onnx):,.0f} tok/s; vs torch dense per round {', '.join(f'{x:.2f}' for x in onnx_torch)} "
      f"(median {statistics.median(onnx_torch):.2f}x); vs ours (simd) {', '.join(f'{x:.2f}' for x in onnx_ours)} (median {statistics.median(onnx_ours):.2f}x)")
last = {r["impl"]: r["last_loss"] for r in rows}
print("last loss: " + ", ".join(f"{k} {v:.6f}" for k, v in last.items()))
PY
[ "${RSS:-1}" = 0 ] && { echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2; exit 0; }
"${bench[@]}" dataset "$work/rss-100k" 100000 64
"${bench[@]}" dataset "$work/rss-1m" 1000000 64
small=$("${bench[@]}" rss "$work/rss-100k" 64); echo "$small"
large=$("${bench[@]}" rss "$work/rss-1m" 64); echo "$large"
/usr/bin/python3 -c "import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(f\"peak RSS: 100k rows {a['peak_rss_kb']/1024:.0f} MiB, 1M rows {b['peak_rss_kb']/1024:.0f} MiB (ratio {b['peak_rss_kb']/a['peak_rss_kb']:.2f})\")" "$small" "$large"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
