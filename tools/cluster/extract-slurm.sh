#!/usr/bin/env bash
# A Slurm job array that extracts one activation dataset with 8 disjoint shards.
#   sbatch tools/cluster/extract-slurm.sh
# Each task runs `analysis extract` with the same arguments; the tool reads SLURM_ARRAY_TASK_ID and
# SLURM_ARRAY_TASK_COUNT and writes only its own parts into the shared --out directory (on a shared filesystem).
# A task that dies can be resubmitted alone (sbatch --array=3 ...): it resumes its unfinished parts.
# The last task to finish writes _manifest.json; `analysis dataset merge-manifest DIR` does the same by hand.
#SBATCH --job-name=analysis-extract
#SBATCH --array=0-7
#SBATCH --cpus-per-task=8
#SBATCH --mem=32G
#SBATCH --gres=gpu:1
#SBATCH --time=04:00:00
#SBATCH --output=logs/extract-%A_%a.out
set -euo pipefail

REPO=${REPO:-$HOME/analysis}
MODEL=${MODEL:-/shared/models/pythia-410m/model.onnx}
TOKENIZER=${TOKENIZER:-/shared/models/pythia-410m/tokenizer.json}
DATA=${DATA:-/shared/data/corpus.jsonl}
OUT=${OUT:-/shared/activations/pythia-410m-resid}

# On GPU nodes (CUDA 13 and cuDNN 9 installed) --device auto uses the GPU; `analysis doctor` says what is missing (docs/runtime.md).
"$REPO/analysis" extract \
  --model "$MODEL" --tokenizer "$TOKENIZER" --data "$DATA" \
  --hooks 'blocks.*.hook_resid_post' --positions all --max-length 512 --batch-size 16 \
  --device auto --out "$OUT"
