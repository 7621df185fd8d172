#!/usr/bin/env bash
# The family's analyses across checkpoints, as in onnx-models/family/README.md: first-character probe, PCA and the
# number line on every checkpoint of one size, and the report with their layer × step heatmaps.
#   bash tools/train/across_checkpoints.sh [FAMILY_SIZE_FOLDER] [WORK_FOLDER]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
family=${1:-$root/onnx-models/family/small}
work=${2:-/tmp/family-across}
analysis=${ANALYSIS:-$root/analysis}
mkdir -p "$work"
head -n 300 "$root/tools/demo/stories.jsonl" > "$work/stories.jsonl"
$analysis extract --model "$family" --data "$work/stories.jsonl" --hooks hook_embed 'blocks.*.hook_resid_post' \
    --max-length 64 --threads 1 --overwrite --out "$work/acts"
$analysis probe --data "$work/acts" --label-from token:first-char --group-by token --seeds 0 --out "$work/probe"
$analysis pca --data "$work/acts" --components 5 --out "$work/pca"
$analysis extract --model "$family" --data "$root/tools/demo/numbers.jsonl" --span-field count_text --positions mean-span \
    --hooks hook_embed 'blocks.*.hook_resid_post' --threads 1 --overwrite --out "$work/numbers"
$analysis pls --data "$work/numbers" --label count --out "$work/pls"
$analysis report "$work/probe" "$work/pca" "$work/pls" --out "$work/report.html"
/usr/bin/python3 "$root/tools/train/across_table.py" "$work" "$(dirname "$family")"
