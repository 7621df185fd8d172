#!/usr/bin/python3
"""Exports gpt2-tiny (same weights) the way `optimum-cli export onnx --task text-generation-with-past` exports GPT-2,
with a KV cache, into onnx-models/gpt2-tiny-optimum/:

- model.onnx: the with-past decoder current Optimum writes. Inputs input_ids, past_key_values.{i}.key/value
  [batch_size, heads, past_sequence_length, head_dim], attention_mask [batch_size, past_sequence_length +
  sequence_length], position_ids; outputs logits and present.{i}.key/value. Opset 14 (Optimum's for GPT-2).
- decoder_model_merged.onnx: what `--legacy` (and Optimum before 1.14) writes: the no-past and with-past decoders
  under one If node chosen by the bool input use_cache_branch (merge_decoders.py).

Checks before writing: the seeded weights reproduce gpt2-tiny's stored logits; with an empty past, and without a
past, the logits equal the plain model's; feeding a prefix's present back as past gives the full run's logits.

    /usr/bin/python3 tools/export/optimum_gpt2.py --plain onnx-models/gpt2-tiny --out onnx-models/gpt2-tiny-optimum
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arch_gpt2  # noqa: E402
import arch_gpt2_cache  # noqa: E402
import common  # noqa: E402
import merge_decoders  # noqa: E402
from tiny_models import TEXTS, randomize  # noqa: E402

OPSET = 14
SEED = 1  # gpt2-tiny's (tools/export/tiny_models.py)


def names(n_layer, prefix):
    return [f"{prefix}.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]


def hf_position_ids(mask):
    """What Optimum's ORTModelForCausalLM feeds: the running count of real tokens, 1 on padding."""
    return (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)


def empty_past(c, batch):
    hd = c["n_embd"] // c["n_head"]
    return tuple((torch.zeros(batch, c["n_head"], 0, hd), torch.zeros(batch, c["n_head"], 0, hd)) for _ in range(c["n_layer"]))


def real_positions_diff(a, b, mask):
    return float(((a - b).abs() * mask[..., None]).max())


def check(model, with_past, without_past, c, plain_reference):
    """Everything the export must agree with, in torch; returns the reference inputs and logits."""
    case = plain_reference["cases"][0]
    ids = torch.tensor(case["inputs"]["input_ids"])
    mask = torch.tensor(case["inputs"]["attention_mask"])
    stored = torch.tensor(case["logits"]).reshape(case["logits_shape"])
    positions = hf_position_ids(mask)
    with torch.no_grad():
        plain = model(ids, mask)
        same = float((plain - stored).abs().max())
        print(f"seed {SEED} vs gpt2-tiny's reference.json: max abs {same:.2e}")
        assert same <= 1e-6, "the weights are not gpt2-tiny's"

        logits, _ = with_past(ids, empty_past(c, len(ids)), mask, positions)
        d_with = real_positions_diff(logits, plain, mask)
        d_without = real_positions_diff(without_past(ids, mask, positions)[0], plain, mask)
        print(f"empty past / no past vs plain model (real tokens): {d_with:.2e} / {d_without:.2e}")
        assert d_with <= 1e-5 and d_without <= 1e-5

        # The cache is real: run a prefix, feed its present back as past, run the rest.
        k = 3
        _, present = with_past(ids[:, :k], empty_past(c, len(ids)), mask[:, :k], positions[:, :k])
        rest, _ = with_past(ids[:, k:], present, mask, positions[:, k:])
        d_cache = real_positions_diff(rest, plain[:, k:], mask[:, k:])
        print(f"prefix of {k} then cached continuation vs one full run (real tokens): {d_cache:.2e} "
              f"(logits up to {float(plain.abs().max()):.1f}; the summation order differs)")
        assert d_cache <= 1e-4
    return {"input_ids": ids, "attention_mask": mask, "position_ids": positions}, logits


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plain", default="onnx-models/gpt2-tiny", help="the gpt2-tiny folder (reference.json, tokenizer)")
    ap.add_argument("--out", default="onnx-models/gpt2-tiny-optimum")
    a = ap.parse_args()
    torch.set_num_threads(1)
    out = common.ensure_dir(a.out)
    with open(os.path.join(a.plain, "config.json")) as f:
        plain_config = json.load(f)
    with open(os.path.join(a.plain, "reference.json")) as f:
        plain_reference = json.load(f)

    c = arch_gpt2.config(vocab_size=plain_config["vocab_size"])
    assert c == {k: v for k, v in plain_config.items() if k != "analysis"}, "gpt2-tiny's config changed"
    model = randomize(arch_gpt2.GPT2LMHeadModel(c), SEED)
    with_past = arch_gpt2_cache.DecoderWithPast(model).eval()
    without_past = arch_gpt2_cache.DecoderWithoutPast(model).eval()
    inputs, logits = check(model, with_past, without_past, c, plain_reference)

    # Dummy shapes all different, so no dynamic size is mistaken for another while tracing.
    batch, past, seq = 2, 3, 4
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(0, c["vocab_size"], (batch, seq), generator=g)
    hd = c["n_embd"] // c["n_head"]
    past_kv = tuple((torch.randn(batch, c["n_head"], past, hd, generator=g), torch.randn(batch, c["n_head"], past, hd, generator=g))
                    for _ in range(c["n_layer"]))
    full_mask = torch.ones(batch, past + seq, dtype=torch.int64)
    pos = torch.arange(past, past + seq)[None, :].expand(batch, seq).contiguous()
    past_in, present_out = names(c["n_layer"], "past_key_values"), names(c["n_layer"], "present")
    total = "past_sequence_length + sequence_length"

    dynamic = {"input_ids": {0: "batch_size", 1: "sequence_length"}, "position_ids": {0: "batch_size", 1: "sequence_length"},
               "attention_mask": {0: "batch_size", 1: total}, "logits": {0: "batch_size", 1: "sequence_length"},
               **{n: {0: "batch_size", 2: "past_sequence_length"} for n in past_in}, **{n: {0: "batch_size", 2: total} for n in present_out}}
    model_path = os.path.join(out, "model.onnx")
    m_past = common.export_checked(with_past, (ids, past_kv, full_mask, pos), model_path, OPSET,
                                   ["input_ids", *past_in, "attention_mask", "position_ids"], ["logits", *present_out], dynamic)

    dynamic_np = {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
                  "position_ids": {0: "batch_size", 1: "sequence_length"}, "logits": {0: "batch_size", 1: "sequence_length"},
                  **{n: {0: "batch_size", 2: "sequence_length"} for n in present_out}}
    with tempfile.TemporaryDirectory() as tmp:
        m_no_past = common.export_checked(without_past, (ids, full_mask[:, :seq], pos - past), os.path.join(tmp, "decoder_model.onnx"),
                                          OPSET, ["input_ids", "attention_mask", "position_ids"], ["logits", *present_out], dynamic_np)
    merged = merge_decoders.merge_decoders(m_no_past, m_past)
    onnx.checker.check_model(merged, full_check=True)
    merged_path = os.path.join(out, "decoder_model_merged.onnx")
    onnx.save(merged, merged_path)

    for name in ("tokenizer.json", "tokenizer_config.json", "tokenizer_reference.json"):
        shutil.copyfile(os.path.join(a.plain, name), os.path.join(out, name))
    cases = [common.reference_case("padded-batch", TEXTS, inputs, logits)]
    common.write_reference(os.path.join(out, "reference.json"), "gpt2-tiny-optimum", cases, tolerance={"abs": 1e-4, "rel": 1e-3},
                           extra={"about": "inputs as Optimum's ORTModelForCausalLM feeds them on a first step; the cache inputs "
                                           "(empty past, use_cache_branch = false) are left for the runner to fill"})
    cfg = dict(c, use_cache=True)
    cfg["analysis"] = {
        "weights": f"random (seeded: {SEED}), the weights of gpt2-tiny",
        "source": {"model": "onnx-models/gpt2-tiny", "layout": "Hugging Face Optimum's GPT-2 export with a KV cache"},
        "exporter": "tools/export/optimum_gpt2.py", "torch": torch.__version__, "onnx_package": onnx.__version__,
        "files": {"model.onnx": common.describe_onnx(m_past), "decoder_model_merged.onnx": common.describe_onnx(merged)},
    }
    common.write_json(os.path.join(out, "config.json"), cfg)
    for p in (model_path, merged_path):
        print(f"{p}: {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    main()
