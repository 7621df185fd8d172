#!/usr/bin/env bash
# Generation speed (issue 16): tokens/s of `analysis generate`'s library call vs the raw ONNX Runtime GenAI API on the same
# KV-cache model, prompt and tokens (greedy), interleaved rounds, as ratios (target >= 0.9).
# Models: onnx-models/stories260k-kv and onnx-models/gpt2-tiny-optimum (both bundled).
# Usage: tools/bench/generation/run.sh     (ROUNDS=7 REPEATS=5 TOKENS=200)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
dotnet build "$here/Analysis.Bench.Generation.csproj" -c Release -o "$here/bin/out" >/dev/null
bench=(dotnet "$here/bin/out/Analysis.Bench.Generation.dll")
opts=(--rounds "${ROUNDS:-7}" --repeats "${REPEATS:-5}" --tokens "${TOKENS:-200}")
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"${bench[@]}" "$root/onnx-models/stories260k-kv/model.onnx" "${opts[@]}"
# gpt2-tiny's context is 128 positions: 100 new tokens after the prompt.
"${bench[@]}" "$root/onnx-models/gpt2-tiny-optimum/model.onnx" --rounds "${ROUNDS:-7}" --repeats "${REPEATS:-5}" --tokens 100 --prompt "The quick brown fox"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
