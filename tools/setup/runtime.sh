#!/usr/bin/env bash
# Analysis.Runtime's needs on a clean Debian machine (run by tools/setup.sh, which defines apt_install). Idempotent.
# ONNX Runtime itself comes from NuGet (Microsoft.ML.OnnxRuntime.Managed + Gpu.Linux), restored by the build.
# - the en_US.UTF-8 locale: ONNX Runtime's StringNormalizer needs it (four libonnx-testdata conformance tests).
set -euo pipefail

if ! locale -a 2>/dev/null | grep -qiE '^en_US\.utf-?8$'; then
  apt_install locales
  if grep -qE '^# *en_US\.UTF-8 UTF-8' /etc/locale.gen; then
    sed -i -E 's/^# *(en_US\.UTF-8 UTF-8)/\1/' /etc/locale.gen
  elif ! grep -qE '^en_US\.UTF-8 UTF-8' /etc/locale.gen; then
    echo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen
  fi
  echo "setup: generating the en_US.UTF-8 locale"
  locale-gen >/dev/null
fi
