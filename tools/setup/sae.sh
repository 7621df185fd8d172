#!/usr/bin/env bash
# SAE tests: Debian's python3-torch is the dense autograd oracle for the sparse trainer (tests only), and
# tools/bench/sae compares against it (libopenblas0-pthread for a fair baseline).
set -euo pipefail
apt_install python3 python3-numpy python3-torch python3-onnx libopenblas0-pthread
