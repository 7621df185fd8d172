#!/usr/bin/env bash
# SAE tests: Debian's python3-torch is the dense autograd oracle for the sparse trainer (tests only), and
# tools/bench/sae compares against it (libopenblas0-pthread for a fair baseline). scipy's linear_sum_assignment is the
# oracle of sae compare's optimal one-to-one matching (LinearAssignmentTests).
set -euo pipefail
apt_install python3 python3-numpy python3-scipy python3-torch python3-onnx libopenblas0-pthread
