#!/usr/bin/python3
"""Writes FAMILY/across-checkpoints.md: the layer × step tables of tools/train/across_checkpoints.sh's results.

    /usr/bin/python3 tools/train/across_table.py WORK_FOLDER FAMILY_FOLDER

train.py's README.md includes the file when it exists, so the family's README shows how the probe, PCA and the number
line change with training.
"""
import json
import os
import sys


def table(title, hooks, checkpoints, values):
    steps = [str(c["step"]) for c in checkpoints]
    lines = [f"**{title}**", "", "| hook | " + " | ".join(f"step {s}" for s in steps) + " |", "|---" * (len(steps) + 1) + "|"]
    for h, row in zip(hooks, values):
        lines.append(f"| `{h}` | " + " | ".join("—" if v is None else f"{v:.3f}" for v in row) + " |")
    return lines + [""]


def main():
    work, family = sys.argv[1], sys.argv[2]
    load = lambda name: json.load(open(os.path.join(work, name, "results.json")))  # noqa: E731
    out = ["## Across checkpoints", "",
           "From `bash tools/train/across_checkpoints.sh` (the `small` checkpoints; 300 stories of `tools/demo/stories.jsonl`",
           "for the probe and PCA, `tools/demo/numbers.jsonl` for the number line; the report draws these as heatmaps).", ""]
    p = load("probe")["checkpointProbes"][0]
    out += table("First-character probe accuracy (test tokens never seen in training; seed 0)", p["hooks"], p["checkpoints"], p["accuracy"])
    for entry in ("checkpointPca", "checkpointNumberLines"):
        for m in load("pca" if entry == "checkpointPca" else "pls")[entry]:
            out += table(m["title"], m["hooks"], m["checkpoints"], m["values"])
    with open(os.path.join(family, "across-checkpoints.md"), "w") as f:
        f.write("\n".join(out).rstrip() + "\n")


if __name__ == "__main__":
    main()
