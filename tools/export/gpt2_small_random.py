#!/usr/bin/python3
"""Generates a GPT-2-small-sized (124M parameters) random-weight model for benchmarks, into a cache folder.
Never committed. Same module as gpt2-tiny (tools/export/arch_gpt2.py) with GPT-2 small's shape and GPT-2's own
50,257-token tokenizer; weights use Hugging Face's initialisation (normal, std 0.02), seeded.

    /usr/bin/python3 tools/export/gpt2_small_random.py            # -> ~/.cache/analysis/models/gpt2-small-random/
    /usr/bin/python3 tools/export/gpt2_small_random.py --out DIR --force

Does nothing when DIR already holds a complete export (config.json is written last).
"""
import argparse
import os
import shutil
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arch_gpt2  # noqa: E402
import common  # noqa: E402

# ../shared beside the repository (models and tokenizers we may not commit); CI has it too.
SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")


def default_out():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "analysis", "models", "gpt2-small-random")


def hf_init(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Embedding, nn.Linear, arch_gpt2.Conv1D)):
                m.weight.copy_(0.02 * torch.randn(m.weight.shape, generator=g))
                if getattr(m, "bias", None) is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.LayerNorm):
                m.weight.fill_(1.0)
                m.bias.zero_()
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=default_out())
    ap.add_argument("--tokenizer", default=os.path.join(SHARED, "tokenizers/gpt2"), help="folder with GPT-2's tokenizer.json")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--seed", type=int, default=124)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    if os.path.exists(os.path.join(a.out, "config.json")) and not a.force:
        print(f"{a.out}: already generated (use --force to redo)")
        return
    out = common.ensure_dir(a.out)
    cfg = arch_gpt2.config(vocab_size=50257, n_embd=768, n_layer=12, n_head=12, n_positions=1024)
    model = hf_init(arch_gpt2.GPT2LMHeadModel(cfg), a.seed)
    n_params = sum(p.numel() for p in model.parameters())

    ids = torch.tensor([[464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13],
                        [7454, 2402, 257, 640, 11, 50256, 50256, 50256, 50256, 50256]], dtype=torch.int64)
    mask = (torch.arange(10)[None, :] < torch.tensor([[10], [5]])).to(torch.int64)
    inputs = {"input_ids": ids, "attention_mask": mask}
    m = common.export_onnx(model, inputs, os.path.join(out, "model.onnx"), a.opset, ["input_ids", "attention_mask"])
    with torch.no_grad():
        logits = model(ids, mask)
    common.write_reference(os.path.join(out, "reference.json"), "gpt2-small-random",
                           [common.reference_case("padded-batch", ["The quick brown fox jumps over the lazy dog.",
                                                                    "Once upon a time,"], inputs, logits)],
                           tolerance={"abs": 1e-4, "rel": 1e-3})
    tok = os.path.join(a.tokenizer, "tokenizer.json")
    shutil.copyfile(tok, os.path.join(out, "tokenizer.json"))
    common.write_json(os.path.join(out, "tokenizer_config.json"),
                      {"tokenizer_class": "GPT2Tokenizer", "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                       "unk_token": "<|endoftext|>", "model_max_length": 1024})
    cfg["analysis"] = {"weights": f"random (HF init, std 0.02, seed {a.seed})", "parameters": n_params,
                       "source": {"tokenizer": "GPT-2 tokenizer.json", "tokenizer_sha256": common.sha256_file(tok)},
                       "exporter": "tools/export/gpt2_small_random.py", "torch": torch.__version__,
                       "onnx": common.describe_onnx(m)}
    common.write_json(os.path.join(out, "config.json"), cfg)
    print(f"{out}: {n_params} parameters, model.onnx {os.path.getsize(os.path.join(out, 'model.onnx'))} bytes")


if __name__ == "__main__":
    main()
