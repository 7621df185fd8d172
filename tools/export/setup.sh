#!/usr/bin/env bash
# Installs what the exporters in tools/export need (NOT needed by the build or the tests; CI never runs it):
# Debian's torch 1.13, onnx 1.12, numpy, and OpenBLAS (the reference BLAS is ~30x slower), plus the npm packages
# of tools/export/js (onnxruntime-node, transformers.js) used to cross-check exports. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
missing=()
for p in python3-torch python3-onnx python3-numpy libopenblas0-pthread; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -d "$here/js/node_modules/onnxruntime-node" ] || [ ! -d "$here/js/node_modules/@huggingface/transformers" ]; then
  (cd "$here/js" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi
