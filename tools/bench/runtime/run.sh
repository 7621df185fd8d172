#!/usr/bin/env bash
# Per-call latency of Analysis.Runtime against the official managed API it wraps (same process, same ORT 1.31 library),
# and against the old C-API binding's numbers in docs/runtime.md (ORT 1.30, measured the same way on this machine).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
models=$(mktemp -d)
trap 'rm -rf "$models"' EXIT
/usr/bin/python3 "$here/make_models.py" "$models"
dotnet build "$here/Bench.csproj" -c Release -v quiet -nologo -o "$models/bin" >/dev/null || { echo "run.sh: the build failed" >&2; exit 1; }
result=$(dotnet "$models/bin/Bench.dll" "$models")
/usr/bin/python3 - "$result" <<'PY'
import json, sys
old = {"add.onnx": 3.9, "mlp.onnx": 16824.0}  # the C-API binding over ORT 1.30 (docs/runtime.md, before issue 12)
print(f"{'model':<10} {'Analysis.Runtime µs':>20} {'official API µs':>16} {'ratio':>6} {'old binding µs':>15}")
for j in map(json.loads, sys.argv[1].splitlines()):
    m = j["model"]
    print(f"{m:<10} {j['ours_us']:>20.1f} {j['official_us']:>16.1f} {j['ours_us'] / j['official_us']:>6.2f} {old[m]:>15.1f}")
PY
