#!/usr/bin/env bash
# Intervention overhead (issue 16): a forward pass through models with interventions compiled in (one steering edit, or
# steering on every residual stream plus replacement on every MLP activation; nothing fed, and fed) vs the clean model, on the
# same batch, interleaved, as ratios. Models: stories260k (bundled) and, when present, the GPT-2-small-sized random
# model of the extraction benchmark (tools/export/gpt2_small_random.py, needs Debian's python3-torch).
# Usage: tools/bench/interventions/run.sh     (ROUNDS=7 ITERATIONS=20 GPT2_ITERATIONS=3 BATCH=8 LENGTH=128)
# Where the time goes: dotnet tools/bench/interventions/bin/out/Analysis.Bench.Interventions.dll MODEL --profile DIR --iterations 3 --broadcast-steering
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
gpt2="${XDG_CACHE_HOME:-$HOME/.cache}/analysis/models/gpt2-small-random"
dotnet build "$here/Analysis.Bench.Interventions.csproj" -c Release -o "$here/bin/out" >/dev/null
bench=(dotnet "$here/bin/out/Analysis.Bench.Interventions.dll")
opts=(--rounds "${ROUNDS:-7}" --batch "${BATCH:-8}" --length "${LENGTH:-128}")
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"${bench[@]}" "$root/onnx-models/stories260k/model.onnx" "${opts[@]}" --iterations "${ITERATIONS:-20}"
if [ -f "$gpt2/model.onnx" ]; then
  "${bench[@]}" "$gpt2/model.onnx" "${opts[@]}" --iterations "${GPT2_ITERATIONS:-3}"
else
  echo "(no $gpt2/model.onnx: run /usr/bin/python3 tools/export/gpt2_small_random.py --out $gpt2 for the GPT-2-small-sized row)"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
