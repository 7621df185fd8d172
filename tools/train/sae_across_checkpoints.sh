#!/usr/bin/env bash
# SAE trajectories across the family's checkpoints, as in docs/sae.md "Measured (compare, on the model family)": all
# demo stories through every checkpoint, one TopK SAE pass over layers 1–3 per checkpoint (a different seed each, so
# the decoders do not share an initialisation), `sae compare` over the series with the data, a seed baseline (a second
# SAE per layer on the last checkpoint, another seed) and the report; then the numbers the docs quote.
#   bash tools/train/sae_across_checkpoints.sh [FAMILY_SIZE_FOLDER] [WORK_FOLDER]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
family=${1:-$root/onnx-models/family/small}
work=${2:-/tmp/family-sae}
analysis=${ANALYSIS:-$root/analysis}
hooks=(--hook blocks.1.hook_resid_post --hook blocks.2.hook_resid_post --hook blocks.3.hook_resid_post)
train=(--architecture topk --latents 128 --k 8 --tokens 600000 --batch-size 1024 --lr 2e-3 --json)
mkdir -p "$work"
rm -rf "$work/sae" "$work/sae-seed" "$work/cmp" "$work/cmp-seed"   # the SAE outputs of an earlier run
$analysis extract --model "$family" --data "$root/tools/demo/stories.jsonl" --hooks 'blocks.*.hook_resid_post' \
    --overwrite --out "$work/acts"
seed=1
for c in "$work"/acts/step-*/; do n=$(basename "$c")
  $analysis sae train --data "$c" "${hooks[@]}" "${train[@]}" --seed $seed -o "$work/sae/$n" > "$work/train-$n.json"
  seed=$((seed + 1)); last=$n
done
$analysis sae train --data "$work/acts/$last" "${hooks[@]}" "${train[@]}" --seed 101 -o "$work/sae-seed/$last" > "$work/train-seed.json"
$analysis sae compare "$work"/sae/step-* --data "$work"/acts/step-* -o "$work/cmp"
$analysis sae compare "$work/sae/$last" "$work/sae-seed/$last" --data "$work/acts/$last" "$work/acts/$last" -o "$work/cmp-seed"
$analysis report "$work/cmp" --out "$work/report.html"
/usr/bin/python3 "$root/tools/train/sae_across_table.py" "$work"
