#!/usr/bin/env bash
# Analysis.Onnx tests check our output against onnx's own checker, shape inference and external-data writer
# (Debian's python3-onnx on /usr/bin/python3). torch is needed only to regenerate the tiny test models.
set -euo pipefail
apt_install python3 python3-onnx python3-numpy
