#!/usr/bin/python3
"""The Python way to extract activations, as the baseline for `analysis extract`: a torch forward of the same
GPT-2-small-sized random model (rebuilt from tools/export with the same seed, checked against the exporter's
reference logits), forward hooks on every block's output (TransformerLens' blocks.*.hook_resid_post), and one .npy
file per batch and hook. The token ids come from the C# benchmark (our tokenizer, our batch order), so both sides run
exactly the same batches. Prints one JSON object per round: forward alone, and forward + hooks + np.save.

    /usr/bin/python3 torch_baseline.py --model ~/.cache/analysis/models/gpt2-small-random --ids ids.txt --out DIR
"""
import argparse
import json
import os
import shutil
import sys
import time

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "export"))
import arch_gpt2  # noqa: E402
import gpt2_small_random  # noqa: E402


def load_model(folder):
    """Rebuilds the exported module from config.json (shape, seed) and proves it is the same by its logits."""
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    seed = int(cfg["analysis"]["weights"].rsplit("seed ", 1)[1].rstrip(")"))
    shape = {k: cfg[k] for k in ("vocab_size", "n_embd", "n_layer", "n_head", "n_positions")}
    model = gpt2_small_random.hf_init(arch_gpt2.GPT2LMHeadModel(arch_gpt2.config(**shape)), seed)
    with open(os.path.join(folder, "reference.json")) as f:
        case = json.load(f)["cases"][0]
    with torch.inference_mode():
        ids = torch.tensor(case["inputs"]["input_ids"], dtype=torch.int64)
        mask = torch.tensor(case["inputs"]["attention_mask"], dtype=torch.int64)
        logits = model(ids, mask).flatten().numpy()
    error = float(np.abs(logits - np.asarray(case["logits"], dtype=np.float32)).max())
    if error > 1e-4:
        sys.exit(f"the rebuilt model is not the exported one: max logit difference {error} on reference.json")
    return model, error


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="the gpt2-small-random folder (config.json, reference.json)")
    ap.add_argument("--ids", required=True, help="token ids, one example per line, in batch order")
    ap.add_argument("--out", required=True, help="folder for the .npy files (emptied each round)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model, error = load_model(a.model)
    with open(a.ids) as f:
        rows = [[int(t) for t in line.split()] for line in f if line.strip()]
    pad = model.wte.weight.shape[0] - 1
    batches = []
    for start in range(0, len(rows), a.batch_size):
        chunk = rows[start:start + a.batch_size]
        width = max(len(r) for r in chunk)
        ids = torch.full((len(chunk), width), pad, dtype=torch.int64)
        mask = torch.zeros((len(chunk), width), dtype=torch.int64)
        for i, r in enumerate(chunk):
            ids[i, :len(r)] = torch.tensor(r)
            mask[i, :len(r)] = 1
        batches.append((ids, mask, [len(r) for r in chunk]))
    print(json.dumps({"kind": "torch-setup", "threads": torch.get_num_threads(), "maxLogitError": error,
                      "examples": len(rows), "tokens": sum(len(r) for r in rows), "torch": torch.__version__}), flush=True)

    captured = {}

    def hook(layer):
        def save(_module, _inputs, output):
            captured[f"blocks.{layer}.hook_resid_post"] = output
        return save

    def forward_only():
        with torch.inference_mode():
            for ids, mask, _ in batches:
                model(ids, mask)

    def extract():
        if os.path.exists(a.out):
            shutil.rmtree(a.out)
        os.makedirs(a.out)
        handles = [block.register_forward_hook(hook(i)) for i, block in enumerate(model.h)]
        try:
            with torch.inference_mode():
                for j, (ids, mask, lengths) in enumerate(batches):
                    model(ids, mask)
                    for name, act in captured.items():
                        # positions all: every real (unpadded) token's vector, rows in example order
                        x = act.numpy()
                        np.save(os.path.join(a.out, f"batch{j:05d}.{name}.npy"),
                                np.concatenate([x[i, :n] for i, n in enumerate(lengths)]))
                    captured.clear()
        finally:
            for h in handles:
                h.remove()
        return sum(os.path.getsize(os.path.join(a.out, f)) for f in os.listdir(a.out))

    with torch.inference_mode():  # warm-up
        model(*batches[0][:2])
    t = time.perf_counter()
    forward_only()  # once, for reference: the extraction rounds below are what we compare against
    print(json.dumps({"kind": "torch-forward", "forwardSeconds": time.perf_counter() - t, "load": os.getloadavg()[0]}), flush=True)
    for r in range(a.rounds):
        t, cpu = time.perf_counter(), time.process_time()
        size = extract()
        print(json.dumps({"kind": "torch-round", "round": r, "extractSeconds": time.perf_counter() - t,
                          "extractCpuSeconds": time.process_time() - cpu, "bytes": size, "load": os.getloadavg()[0]}), flush=True)


if __name__ == "__main__":
    main()
