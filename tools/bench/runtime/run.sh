#!/usr/bin/env bash
# Per-run latency of Analysis.Runtime against ONNX Runtime's own Node.js binding (the same ORT 1.30 library),
# measured in the same run on the same models. Prints a table with the ratio ours / baseline (below 1 = faster).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
models=$(mktemp -d)
trap 'rm -rf "$models"' EXIT
/usr/bin/python3 "$here/make_models.py" "$models"
(cd "$here" && [ -d node_modules/onnxruntime-node ] || npm ci --ignore-scripts --no-audit --no-fund --silent)
dotnet build "$here/Bench.csproj" -c Release -v quiet -nologo >/dev/null
ours=$(dotnet "$here/bin/Release/net10.0/Bench.dll" "$models")
baseline=$(node "$here/bench.mjs" "$models")
/usr/bin/python3 - "$ours" "$baseline" <<'PY'
import json, sys
ours = {j["model"]: j["median_us"] for j in map(json.loads, sys.argv[1].splitlines())}
base = {j["model"]: j["median_us"] for j in map(json.loads, sys.argv[2].splitlines())}
print(f"{'model':<10} {'Analysis.Runtime µs':>20} {'onnxruntime-node µs':>20} {'ratio':>7}")
for m in ours:
    print(f"{m:<10} {ours[m]:>20.1f} {base[m]:>20.1f} {ours[m] / base[m]:>7.2f}")
PY
