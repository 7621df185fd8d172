#!/usr/bin/env bash
# Numerics and report tests: headless Chromium renders the HTML report; Debian's python3 with scikit-learn,
# numpy and onnx is the independent reference for probe/PCA/PLS parity and the probe's ONNX export
# (also used by tools/bench/numerics/compare.py, which additionally wants libopenblas0-pthread for a fair baseline).
set -euo pipefail
apt_install chromium python3-numpy python3-sklearn python3-onnx libopenblas0-pthread
