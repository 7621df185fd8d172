#!/usr/bin/python3
"""Exports the small random-weight reference architectures (GPT-2, BERT, GPT-NeoX) to ONNX, each with a real
(truncated) tokenizer, config.json and reference.json. Their purpose is structural: hook discovery and extraction
must work on all of them. Weights are seeded, so a rerun reproduces the same files.

    /usr/bin/python3 tools/export/tiny_models.py --tokenizers /work/shared/tokenizers --out onnx-models
"""
import argparse
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arch_bert  # noqa: E402
import arch_gpt2  # noqa: E402
import arch_neox  # noqa: E402
import common  # noqa: E402
import tiny_tokenizers  # noqa: E402

# ../shared beside the repository (models and tokenizers we may not commit); CI has it too.
SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")

TEXTS = ["Once upon a time, there was a little girl.", "The quick brown fox jumps over the lazy dog.", "Hello world"]


def randomize(model, seed):
    """Seeded weights with unit-scale activations, so logits are spread out and numerics are not trivially tiny."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Embedding):
                m.weight.copy_(torch.randn(m.weight.shape, generator=g))
            elif isinstance(m, nn.LayerNorm):
                m.weight.copy_(1 + 0.1 * torch.randn(m.weight.shape, generator=g))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
            elif isinstance(m, (nn.Linear, arch_gpt2.Conv1D)):
                fan_in = m.weight.shape[1] if isinstance(m, nn.Linear) else m.weight.shape[0]
                if not any(m.weight is e.weight for e in model.modules() if isinstance(e, nn.Embedding)):
                    m.weight.copy_(torch.randn(m.weight.shape, generator=g) / fan_in ** 0.5)
                if m.bias is not None:
                    m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
    return model.eval()


def padding_invariance(model, inputs, rows, names):
    """Each padded row's logits must equal that sequence run alone: proves the padding mask is applied."""
    with torch.no_grad():
        batch = model(*(inputs[n] for n in names))
        worst = 0.0
        for i, r in enumerate(rows):
            single = {n: inputs[n][i : i + 1, : len(r)] for n in names}
            alone = model(*(single[n] for n in names))
            worst = max(worst, float((batch[i, : len(r)] - alone[0]).abs().max()))
    return batch, worst


def export(name, model, cfg, tokenizer, rows, texts, extra_inputs, out_root, opset, source):
    out = common.ensure_dir(os.path.join(out_root, name))
    pad = cfg.get("pad_token_id", cfg.get("eos_token_id", 0))
    ids, mask = common.pad_batch(rows, pad)
    inputs = {"input_ids": ids, "attention_mask": mask, **extra_inputs(rows, ids.shape[1])}
    names = list(inputs)
    batch, worst = padding_invariance(model, inputs, rows, names)
    print(f"{name}: padded rows vs alone: max abs diff {worst:.2e}")
    assert worst < 1e-4, worst
    m = common.export_onnx(model, inputs, os.path.join(out, "model.onnx"), opset, names)

    common.write_json(os.path.join(out, "tokenizer.json"), tokenizer.tokenizer_json(), compact=True)
    common.write_json(os.path.join(out, "tokenizer_config.json"), tokenizer.tokenizer_config(cfg_max(cfg)))
    corpus = tiny_tokenizers.CORPUS
    common.write_json(os.path.join(out, "tokenizer_reference.json"), {
        "format": "analysis-tokenizer-reference/1",
        "about": f"ids from the exporter's reimplementation of the original {source['tokenizer_algorithm']}",
        "cases": [{"text": s, "ids": tokenizer.encode(s)} for s in corpus],
    })
    cases = [common.reference_case("padded-batch", texts, inputs, batch)]
    common.write_reference(os.path.join(out, "reference.json"), name, cases, tolerance={"abs": 1e-4, "rel": 1e-3})
    cfg = dict(cfg)
    cfg["analysis"] = {"weights": f"random (seeded: {source['seed']})", "source": source,
                       "exporter": "tools/export/tiny_models.py", "torch": torch.__version__,
                       "onnx": common.describe_onnx(m)}
    common.write_json(os.path.join(out, "config.json"), cfg)
    print(f"{name}: model.onnx {os.path.getsize(os.path.join(out, 'model.onnx'))} bytes, opset {opset}, "
          f"{sum(p.numel() for p in model.parameters())} parameters")


def cfg_max(cfg):
    return cfg.get("n_positions") or cfg.get("max_position_embeddings")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tokenizers", default=os.path.join(SHARED, "tokenizers"), help="folder with gpt2/ and bert-minilm/")
    ap.add_argument("--out", default="onnx-models")
    a = ap.parse_args()
    torch.set_num_threads(1)
    gpt2_dir, bert_dir = os.path.join(a.tokenizers, "gpt2"), os.path.join(a.tokenizers, "bert-minilm")
    no_extra = lambda rows, t: {}  # noqa: E731

    bpe = tiny_tokenizers.Gpt2Prefix(gpt2_dir, n_merges=255)
    bpe_src = {"tokenizer": "GPT-2 vocab.json/merges.txt, first 256 bytes + 255 merges + <|endoftext|>",
               "tokenizer_sha256": {"vocab.json": common.sha256_file(os.path.join(gpt2_dir, "vocab.json")),
                                    "merges.txt": common.sha256_file(os.path.join(gpt2_dir, "merges.txt"))},
               "tokenizer_algorithm": "GPT-2 byte-level BPE (OpenAI encoder.py)", "license": "MIT (GPT-2 tokenizer)"}
    rows = [bpe.encode(t) for t in TEXTS]

    c = arch_gpt2.config(vocab_size=len(bpe.vocab))
    export("gpt2-tiny", randomize(arch_gpt2.GPT2LMHeadModel(c), 1), c, bpe, rows, TEXTS, no_extra, a.out, 17,
           {**bpe_src, "seed": 1})

    c = arch_neox.config(vocab_size=len(bpe.vocab))
    export("neox-tiny", randomize(arch_neox.GPTNeoXForCausalLM(c), 3), c, bpe, rows, TEXTS, no_extra, a.out, 16,
           {**bpe_src, "seed": 3})

    wp = tiny_tokenizers.BertPrefix(bert_dir, size=1024)
    pair_a, pair_b = "The cat sat on the mat.", "It was happy."
    pair = wp.encode(pair_a) + wp.encode(pair_b)[1:]
    n_a = len(wp.encode(pair_a))
    brows = [wp.encode(t) for t in TEXTS] + [pair]

    def token_types(rs, t):
        tt = torch.zeros((len(rs), t), dtype=torch.int64)
        tt[len(rs) - 1, n_a : len(pair)] = 1  # the sentence pair's second segment
        return {"token_type_ids": tt}

    c = arch_bert.config(vocab_size=len(wp.vocab))
    export("bert-tiny", randomize(arch_bert.BertForMaskedLM(c), 2), c, wp, brows, TEXTS + [[pair_a, pair_b]],
           token_types, a.out, 14,
           {"tokenizer": "uncased BERT vocab.txt (all-MiniLM-L6-v2), 5 specials + first ASCII entries, 1024 total",
            "tokenizer_sha256": {"vocab.txt": common.sha256_file(os.path.join(bert_dir, "vocab.txt"))},
            "tokenizer_algorithm": "BERT BasicTokenizer + WordPiece (google-research/bert tokenization.py)",
            "license": "Apache-2.0 (BERT vocabulary)", "seed": 2})


if __name__ == "__main__":
    main()
