#!/usr/bin/env bash
# ONNX's own test models with expected outputs: the runtime conformance and round-trip tests read them.
set -euo pipefail
apt_install libonnx-testdata
