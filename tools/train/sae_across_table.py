"""Prints the numbers docs/sae.md quotes from tools/train/sae_across_checkpoints.sh's outputs (compare.json of the
series and of the seed baseline, and the training metrics).  Usage: sae_across_table.py WORK_FOLDER"""
import glob
import json
import os
import sys

work = sys.argv[1]
series = json.load(open(os.path.join(work, "cmp", "compare.json")))
seed = json.load(open(os.path.join(work, "cmp-seed", "compare.json")))


def layer(path):
    return os.path.basename(path).split(".")[1]


def step(path):
    return os.path.basename(os.path.dirname(path))


baseline = {}
for p in seed["pairs"]:
    best = p["best_cosine_a_to_b"]
    baseline[layer(p["a"])] = (sum(best) / len(best), sum(c >= 0.7 for c in best), sum(c >= 0.5 for c in best), p)

print("| layer | mean best cosine at step " + " / ".join(str(s) for s in series["trajectories"][0]["steps"])
      + " | matched ≥ 0.7 | matched ≥ 0.5 | seed baseline: mean best cosine, matched ≥ 0.7, ≥ 0.5 |")
print("|---|---|---|---|---|")
for t in series["trajectories"]:
    cos = t["cosine"]
    at_half = [sum(f[j] >= 0.5 for f in cos) for j in range(len(t["steps"]))]
    mean, at7, at5, _ = baseline[t["hook"].split(".")[1]]
    print(f"| {t['hook'].split('.')[1]} | " + " / ".join(f"{m:.3f}" for m in t["mean_cosine"])
          + " | " + " / ".join(map(str, t["matched"])) + " | " + " / ".join(map(str, at_half))
          + f" | {mean:.3f}, {at7}, {at5} |")
print()
for t in series["trajectories"]:
    births = ", ".join(f"{n} at step {s}" for s, n in zip(t["steps"], t["birth_histogram"]) if n)
    print(f"births (threshold {t['threshold']}) {t['hook']}: {births}")
print()
print("neighbouring checkpoints: one-to-one mean cosine / mean code correlation / best-match agreement (live latents)")
for p in series["pairs"] + [b[3] for b in baseline.values()]:
    c = p["correlation"]
    kind = "seed" if "sae-seed" in p["b"] else f"{step(p['a'])} -> {step(p['b'])}"
    print(f"  layer {layer(p['a'])} {kind}: {p['one_to_one_mean_cosine']:.3f} / {c['one_to_one_mean_correlation']:.3f}"
          f" / {100 * c['best_match_agreement']:.1f}% ({c['live_latents']})")
print()
print("effective features exp(H) of d, L0, dead fraction")
for s in series["saes"] + [s for s in seed["saes"] if "sae-seed" in s["sae"]]:
    tag = " (seed baseline)" if "sae-seed" in s["sae"] else ""
    print(f"  layer {s['layer']} step {s['step']}{tag}: {s['effective_features']:.1f} of {s['d_sae']}, L0 {s['l0']:.1f},"
          f" dead {100 * s['dead_fraction']:.1f}%")
print()
print("training FVU per SAE")
for f in sorted(glob.glob(os.path.join(work, "train-*.json"))):
    run = json.load(open(f))
    print(f"  {os.path.basename(f)[6:-5]}: " + ", ".join(f"layer {s['hook'].split('.')[1]} {s['fvu']:.4f}" for s in run["saes"]))
