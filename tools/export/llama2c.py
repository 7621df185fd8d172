#!/usr/bin/python3
"""Exports a llama2.c checkpoint (legacy format) and its tokenizer to ONNX + Hugging Face tokenizer.json.

    /usr/bin/python3 tools/export/llama2c.py --checkpoint stories260K.bin --tokenizer tok512.bin --out onnx-models/stories260k
    /usr/bin/python3 tools/export/llama2c.py --checkpoint stories260K.bin --tokenizer tok512.bin --kv-cache --out onnx-models/stories260k-kv

With --kv-cache the model.onnx is the with-past decoder Optimum writes (arch_llama_cache.py): inputs input_ids,
attention_mask [batch, past + sequence], position_ids, past_key_values.{i}.key/value [batch, kv_heads, past, head_dim];
outputs logits and present.{i}.key/value. What ONNX Runtime GenAI runs; checked before writing that an empty past gives
the plain model's logits, that a prefix's present fed back as past gives the full run's logits, and that greedy
decoding one token at a time through the cache gives the same tokens as full recomputation.

The torch module mirrors Hugging Face's LlamaForCausalLM (q/k/v/o projections with the HF row permutation for
rotate_half RoPE, repeat_kv for grouped-query attention, RMSNorm, SwiGLU, tied lm_head). Before exporting, its
logits are checked against an independent NumPy forward pass written the way llama2.c's run.c computes
(interleaved RoPE on the unpermuted weights, one token at a time with a KV cache).
The tokenizer.json is checked against llama2.c's own encoding algorithm on a varied corpus.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import arch_llama_cache  # noqa: E402
import common  # noqa: E402
import llama2c_tokenizer as tok  # noqa: E402
from masks import causal_padding_bias  # noqa: E402

PROMPT = "Once upon a time"


# ---------------------------------------------------------------- checkpoint
def read_checkpoint(path):
    """Reads llama2.c's legacy format: 7 int32 header fields, then float32 weights (see PROVENANCE.md)."""
    data = open(path, "rb").read()
    dim, hidden, n_layers, n_heads, n_kv, vocab, seq_len = struct.unpack_from("<7i", data, 0)
    shared = vocab > 0
    vocab = abs(vocab)
    w = np.frombuffer(data, dtype="<f4", offset=28)
    head = dim // n_heads
    kv_dim = dim * n_kv // n_heads
    shapes = [
        ("tok_embeddings", (vocab, dim)),
        ("attention_norm", (n_layers, dim)),
        ("wq", (n_layers, dim, dim)),
        ("wk", (n_layers, kv_dim, dim)),
        ("wv", (n_layers, kv_dim, dim)),
        ("wo", (n_layers, dim, dim)),
        ("ffn_norm", (n_layers, dim)),
        ("w1", (n_layers, hidden, dim)),
        ("w2", (n_layers, dim, hidden)),
        ("w3", (n_layers, hidden, dim)),
        ("norm", (dim,)),
        ("freq_cis", (seq_len, head)),  # legacy precomputed RoPE tables (real and imag halves): skipped
    ]
    out, o = {}, 0
    for name, shape in shapes:
        n = int(np.prod(shape))
        out[name] = w[o : o + n].reshape(shape).astype(np.float32)
        o += n
    if shared:
        out["output"] = out["tok_embeddings"]
    else:
        out["output"] = w[o : o + vocab * dim].reshape(vocab, dim).astype(np.float32)
        o += vocab * dim
    if o != len(w):
        raise ValueError(f"{path}: {len(w) - o} float32 values left after the weights; not a legacy llama2.c checkpoint")
    cfg = dict(dim=dim, hidden_dim=hidden, n_layers=n_layers, n_heads=n_heads, n_kv_heads=n_kv,
               vocab_size=vocab, max_seq_len=seq_len, shared_classifier=shared, norm_eps=1e-5, rope_theta=10000.0)
    return cfg, out


# ---------------------------------------------------------------- HF-style torch module
class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(var + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def repeat_kv(x, n_rep):
    """[B, KV, T, D] -> [B, KV*n_rep, T, D], Hugging Face's expand/reshape form (exports cleanly, unlike repeat_interleave)."""
    if n_rep == 1:
        return x
    b, kv, t, d = x.shape
    return x[:, :, None, :, :].expand(b, kv, n_rep, t, d).reshape(b, kv * n_rep, t, d)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_heads, self.n_kv = c["n_heads"], c["n_kv_heads"]
        self.head_dim = c["dim"] // c["n_heads"]
        self.q_proj = nn.Linear(c["dim"], self.n_heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(c["dim"], self.n_kv * self.head_dim, bias=False)
        self.v_proj = nn.Linear(c["dim"], self.n_kv * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.n_heads * self.head_dim, c["dim"], bias=False)

    def project(self, x, cos, sin):
        """Queries, keys (both rotated) and values, [B, heads or kv heads, T, head_dim]."""
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.n_kv, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.n_kv, self.head_dim).transpose(1, 2)
        return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin, v

    def forward(self, x, cos, sin, bias):
        b, t, _ = x.shape
        q, k, v = self.project(x, cos, sin)
        rep = self.n_heads // self.n_kv
        k, v = repeat_kv(k, rep), repeat_kv(v, rep)
        scores = torch.matmul(q, k.transpose(2, 3)) / (self.head_dim ** 0.5) + bias
        probs = torch.softmax(scores, dim=-1)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, -1)
        return self.o_proj(out)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = nn.Linear(c["dim"], c["hidden_dim"], bias=False)
        self.up_proj = nn.Linear(c["dim"], c["hidden_dim"], bias=False)
        self.down_proj = nn.Linear(c["hidden_dim"], c["dim"], bias=False)

    def forward(self, x):
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c["dim"], c["norm_eps"])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c["dim"], c["norm_eps"])
        self.mlp = MLP(c)

    def forward(self, x, cos, sin, bias):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, bias)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaForCausalLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["dim"])
        self.layers = nn.ModuleList([DecoderLayer(c) for _ in range(c["n_layers"])])
        self.norm = RMSNorm(c["dim"], c["norm_eps"])
        self.lm_head = nn.Linear(c["dim"], c["vocab_size"], bias=False)
        hd = c["dim"] // c["n_heads"]
        inv_freq = 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, input_ids, attention_mask):
        t = input_ids.shape[1]
        pos = torch.arange(t, dtype=torch.float32)
        freqs = pos[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        bias = causal_padding_bias(attention_mask, torch.float32)
        x = self.embed_tokens(input_ids)
        for layer in self.layers:
            x = layer(x, cos, sin, bias)
        return self.lm_head(self.norm(x))


def hf_permute(w, n_heads):
    """Hugging Face's conversion permutation: interleaved RoPE pairs -> rotate_half halves, per head."""
    d1, d2 = w.shape
    return w.reshape(n_heads, d1 // n_heads // 2, 2, d2).transpose(0, 2, 1, 3).reshape(d1, d2)


def build_torch(cfg, w):
    m = LlamaForCausalLM(cfg)
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
    with torch.no_grad():
        m.embed_tokens.weight.copy_(t(w["tok_embeddings"]))
        for i, layer in enumerate(m.layers):
            layer.input_layernorm.weight.copy_(t(w["attention_norm"][i]))
            layer.self_attn.q_proj.weight.copy_(t(hf_permute(w["wq"][i], cfg["n_heads"])))
            layer.self_attn.k_proj.weight.copy_(t(hf_permute(w["wk"][i], cfg["n_kv_heads"])))
            layer.self_attn.v_proj.weight.copy_(t(w["wv"][i]))
            layer.self_attn.o_proj.weight.copy_(t(w["wo"][i]))
            layer.post_attention_layernorm.weight.copy_(t(w["ffn_norm"][i]))
            layer.mlp.gate_proj.weight.copy_(t(w["w1"][i]))
            layer.mlp.down_proj.weight.copy_(t(w["w2"][i]))
            layer.mlp.up_proj.weight.copy_(t(w["w3"][i]))
        m.norm.weight.copy_(t(w["norm"]))
    if cfg["shared_classifier"]:
        m.lm_head.weight = m.embed_tokens.weight  # tied, as in the checkpoint
    else:
        with torch.no_grad():
            m.lm_head.weight.copy_(t(w["output"]))
    return m.eval()


# ---------------------------------------------------------------- llama2.c-style NumPy forward (independent check)
def run_c_forward(cfg, w, tokens):
    """Logits for each position of one sequence, computed like llama2.c's run.c (float64 for a tight reference)."""
    dim, nh, nkv = cfg["dim"], cfg["n_heads"], cfg["n_kv_heads"]
    hs = dim // nh
    rep = nh // nkv
    f = lambda a: a.astype(np.float64)  # noqa: E731

    def rmsnorm(x, g):
        return g * (x / np.sqrt(np.mean(x * x) + 1e-5))

    def rope(vec, pos, n):
        v = vec.reshape(n, hs // 2, 2).copy()
        i = np.arange(hs // 2)
        freq = 1.0 / (cfg["rope_theta"] ** (2 * i / hs))
        c, s = np.cos(pos * freq), np.sin(pos * freq)
        a, b = v[..., 0].copy(), v[..., 1].copy()
        v[..., 0], v[..., 1] = a * c - b * s, a * s + b * c
        return v.reshape(-1)

    L = cfg["n_layers"]
    kc = [[] for _ in range(L)]
    vc = [[] for _ in range(L)]
    out = []
    for pos, token in enumerate(tokens):
        x = f(w["tok_embeddings"][token])
        for l in range(L):
            xb = rmsnorm(x, f(w["attention_norm"][l]))
            q = rope(f(w["wq"][l]) @ xb, pos, nh)
            k = rope(f(w["wk"][l]) @ xb, pos, nkv)
            v = f(w["wv"][l]) @ xb
            kc[l].append(k)
            vc[l].append(v)
            K = np.stack(kc[l]).reshape(pos + 1, nkv, hs)
            V = np.stack(vc[l]).reshape(pos + 1, nkv, hs)
            att_out = np.zeros(dim)
            for h in range(nh):
                qh = q[h * hs : (h + 1) * hs]
                sc = K[:, h // rep, :] @ qh / np.sqrt(hs)
                sc = np.exp(sc - sc.max())
                sc /= sc.sum()
                att_out[h * hs : (h + 1) * hs] = sc @ V[:, h // rep, :]
            x = x + f(w["wo"][l]) @ att_out
            xb = rmsnorm(x, f(w["ffn_norm"][l]))
            h1 = f(w["w1"][l]) @ xb
            h3 = f(w["w3"][l]) @ xb
            x = x + f(w["w2"][l]) @ (h1 / (1 + np.exp(-h1)) * h3)
        x = rmsnorm(x, f(w["norm"]))
        out.append(f(w["output"]) @ x)
    return np.stack(out)


# ---------------------------------------------------------------- generation
def greedy(model, ids, steps, stop_ids):
    """Greedy decoding with full recomputation (no KV cache): the simplest thing any runtime can reproduce."""
    ids = list(ids)
    new = []
    with torch.no_grad():
        for _ in range(steps):
            x = torch.tensor([ids], dtype=torch.int64)
            logits = model(x, torch.ones_like(x))
            nxt = int(torch.argmax(logits[0, -1]))
            if nxt in stop_ids:
                break
            ids.append(nxt)
            new.append(nxt)
    return new


def generation_reference(method, prompt_ids, steps, new_ids, text):
    """reference.json's `generation`: the greedy continuation of PROMPT, stopping at <s> or </s>."""
    return {"method": method, "prompt": PROMPT, "prompt_ids": prompt_ids, "max_new_tokens": steps, "stop_ids": [1, 2],
            "new_ids": new_ids, "text": text}


def hf_config(cfg):
    """The Hugging Face LlamaConfig fields of the checkpoint (config.json without our provenance)."""
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": cfg["dim"], "intermediate_size": cfg["hidden_dim"], "num_hidden_layers": cfg["n_layers"],
        "num_attention_heads": cfg["n_heads"], "num_key_value_heads": cfg["n_kv_heads"],
        "vocab_size": cfg["vocab_size"], "max_position_embeddings": cfg["max_seq_len"],
        "rms_norm_eps": cfg["norm_eps"], "rope_theta": cfg["rope_theta"], "hidden_act": "silu",
        "tie_word_embeddings": cfg["shared_classifier"], "bos_token_id": 1, "eos_token_id": 2,
    }


# ---------------------------------------------------------------- with a KV cache (--kv-cache)
def past_names(n_layers, prefix):
    return [f"{prefix}.{i}.{kv}" for i in range(n_layers) for kv in ("key", "value")]


def empty_past(cfg, batch):
    hd = cfg["dim"] // cfg["n_heads"]
    return tuple((torch.zeros(batch, cfg["n_kv_heads"], 0, hd), torch.zeros(batch, cfg["n_kv_heads"], 0, hd))
                 for _ in range(cfg["n_layers"]))


def hf_position_ids(mask):
    """What Optimum's ORTModelForCausalLM feeds: the running count of real tokens, 1 on padding."""
    return (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)


def greedy_cached(with_past, cfg, ids, steps, stop_ids):
    """Greedy decoding through the cache: the prompt once, then one token per step with the present fed back."""
    new, past, total = [], empty_past(cfg, 1), list(ids)
    step = torch.tensor([ids])
    with torch.no_grad():
        for _ in range(steps):
            start = len(total) - step.shape[1]
            positions = torch.arange(start, len(total))[None, :]
            logits, past = with_past(step, torch.ones(1, len(total), dtype=torch.int64), positions, past)
            nxt = int(torch.argmax(logits[0, -1]))
            if nxt in stop_ids:
                break
            new.append(nxt)
            total.append(nxt)
            step = torch.tensor([[nxt]])
    return new


def export_with_past(a, out, cfg, model, vocab, prompt_ids, texts, rows):
    with_past = arch_llama_cache.LlamaWithPast(model).eval()
    ids, mask = common.pad_batch(rows, pad_id=0)
    positions = hf_position_ids(mask)
    with torch.no_grad():
        plain = model(ids, mask)
        logits, _ = with_past(ids, mask, positions, empty_past(cfg, len(rows)))
        real = mask[..., None].to(torch.float32)
        d_empty = float(((logits - plain).abs() * real).max())
        k = 3
        _, present = with_past(ids[:, :k], mask[:, :k], positions[:, :k], empty_past(cfg, len(rows)))
        rest, _ = with_past(ids[:, k:], mask, positions[:, k:], present)
        d_cache = float(((rest - plain[:, k:]).abs() * real[:, k:]).max())
    print(f"empty past vs plain model (real tokens): {d_empty:.2e}; prefix of {k} then cached continuation: {d_cache:.2e}")
    assert d_empty <= 1e-5 and d_cache <= 1e-4

    gen = greedy(model, prompt_ids, a.steps, stop_ids={1, 2})
    cached = greedy_cached(with_past, cfg, prompt_ids, a.steps, stop_ids={1, 2})
    print(f"greedy through the cache == full recomputation: {cached == gen} ({len(gen)} tokens)")
    assert cached == gen

    # Dummy shapes all different, so no dynamic size is mistaken for another while tracing.
    batch, past, seq = 2, 3, 4
    g = torch.Generator().manual_seed(0)
    hd = cfg["dim"] // cfg["n_heads"]
    dummy_ids = torch.randint(0, cfg["vocab_size"], (batch, seq), generator=g)
    dummy_past = tuple((torch.randn(batch, cfg["n_kv_heads"], past, hd, generator=g),
                        torch.randn(batch, cfg["n_kv_heads"], past, hd, generator=g)) for _ in range(cfg["n_layers"]))
    dummy_mask = torch.ones(batch, past + seq, dtype=torch.int64)
    dummy_pos = torch.arange(past, past + seq)[None, :].expand(batch, seq).contiguous()
    past_in, present_out = past_names(cfg["n_layers"], "past_key_values"), past_names(cfg["n_layers"], "present")
    total = "past_sequence_length + sequence_length"
    dynamic = {"input_ids": {0: "batch_size", 1: "sequence_length"}, "position_ids": {0: "batch_size", 1: "sequence_length"},
               "attention_mask": {0: "batch_size", 1: total}, "logits": {0: "batch_size", 1: "sequence_length"},
               **{n: {0: "batch_size", 2: "past_sequence_length"} for n in past_in},
               **{n: {0: "batch_size", 2: total} for n in present_out}}
    model_path = os.path.join(out, "model.onnx")
    m = common.export_checked(with_past, (dummy_ids, dummy_mask, dummy_pos, dummy_past), model_path, a.opset,
                              ["input_ids", "attention_mask", "position_ids", *past_in], ["logits", *present_out], dynamic)

    text = tok.decode(vocab, prompt_ids + gen)
    single_ids = torch.tensor([prompt_ids])
    single_mask = torch.ones(1, len(prompt_ids), dtype=torch.int64)
    with torch.no_grad():
        single, _ = with_past(single_ids, single_mask, hf_position_ids(single_mask), empty_past(cfg, 1))
    cases = [
        common.reference_case("prompt", [PROMPT], {"input_ids": single_ids, "attention_mask": single_mask,
                                                   "position_ids": hf_position_ids(single_mask)}, single),
        common.reference_case("padded-batch", texts, {"input_ids": ids, "attention_mask": mask, "position_ids": positions}, logits),
    ]
    common.write_reference(os.path.join(out, "reference.json"), "stories260k-kv", cases, tolerance={"abs": 1e-4, "rel": 1e-3},
                           extra={"about": "first-step inputs as Optimum's ORTModelForCausalLM feeds them; the cache inputs "
                                           "(an empty past) are left for the runner to fill",
                                  "generation": generation_reference(
                                      "greedy argmax, full recomputation of the plain model (equal to decoding through the cache, "
                                      "checked), stop at <s> or </s>", prompt_ids, a.steps, gen, text)})
    common.write_json(os.path.join(out, "config.json"), {
        **hf_config(cfg), "use_cache": True,
        "analysis": {
            "weights": "real (trained), the weights of stories260k",
            "source": {"checkpoint": os.path.basename(a.checkpoint), "checkpoint_sha256": common.sha256_file(a.checkpoint),
                       "tokenizer": os.path.basename(a.tokenizer), "tokenizer_sha256": common.sha256_file(a.tokenizer),
                       "origin": "karpathy/tinyllamas stories260K (llama2.c legacy format)", "license": "MIT",
                       "layout": "Hugging Face Optimum's Llama export with a KV cache (with-past decoder)"},
            "exporter": "tools/export/llama2c.py --kv-cache", "torch": torch.__version__,
            "onnx": common.describe_onnx(m),
            "notes": "position_ids drive RoPE; the cache holds keys after RoPE, kv_heads wide (before repeat_kv)",
        },
    })
    print(f"wrote {out}: model.onnx {os.path.getsize(model_path)} bytes, opset {a.opset}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--opset", type=int, default=14)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--kv-cache", action="store_true", help="export the with-past decoder (KV cache inputs and outputs)")
    a = ap.parse_args()
    out = common.ensure_dir(a.out)
    torch.set_num_threads(1)

    cfg, w = read_checkpoint(a.checkpoint)
    vocab = tok.read_tok_bin(a.tokenizer)
    if len(vocab) != cfg["vocab_size"]:
        raise ValueError(f"tokenizer has {len(vocab)} tokens, checkpoint vocab is {cfg['vocab_size']}")

    # Tokenizer: tokenizer.json + config, checked against llama2.c's encoder.
    tj = tok.build_tokenizer_json(vocab)
    common.write_json(os.path.join(out, "tokenizer.json"), tj)
    common.write_json(os.path.join(out, "tokenizer_config.json"), tok.tokenizer_config(cfg["max_seq_len"]))
    corpus = tok.corpus()
    expected = [tok.llama2c_encode(vocab, s) for s in corpus]
    got = [tok.hf_bpe_encode(tj, s) for s in corpus]
    bad = [(s, e, g) for s, e, g in zip(corpus, expected, got) if e != g]
    if bad:
        raise SystemExit(f"tokenizer.json disagrees with llama2.c on {len(bad)} texts, first: {bad[0]!r}")
    print(f"tokenizer.json == llama2.c encoding on {len(corpus)} texts ({sum(map(len, expected))} tokens)")
    common.write_json(os.path.join(out, "tokenizer_reference.json"), {
        "format": "analysis-tokenizer-reference/1",
        "about": "llama2.c's encode() (BOS added, dummy-prefix space, highest-score pair merges, byte fallback) on each text",
        "cases": [{"text": s, "ids": e} for s, e in zip(corpus, expected)],
    })

    # Model: torch vs llama2.c-style reference, then export.
    model = build_torch(cfg, w)
    prompt_ids = tok.llama2c_encode(vocab, PROMPT)
    with torch.no_grad():
        t_logits = model(torch.tensor([prompt_ids]), torch.ones(1, len(prompt_ids), dtype=torch.int64))[0].numpy()
    c_logits = run_c_forward(cfg, w, prompt_ids)
    err = float(np.abs(t_logits - c_logits).max())
    print(f"torch (HF layout) vs llama2.c-style float64 forward on {PROMPT!r}: max abs diff {err:.2e}")
    if err > 1e-4:
        raise SystemExit("the torch module does not reproduce llama2.c's forward pass")

    texts = [PROMPT, "Lily wanted to play with the big red ball.", "The cat sat."]
    rows = [tok.llama2c_encode(vocab, s) for s in texts]
    if a.kv_cache:
        return export_with_past(a, out, cfg, model, vocab, prompt_ids, texts, rows)
    ids, mask = common.pad_batch(rows, pad_id=0)
    model_path = os.path.join(out, "model.onnx")
    m = common.export_onnx(model, {"input_ids": ids, "attention_mask": mask}, model_path, a.opset,
                           ["input_ids", "attention_mask"])

    with torch.no_grad():
        batch_logits = model(ids, mask)
        single = model(torch.tensor([prompt_ids]), torch.ones(1, len(prompt_ids), dtype=torch.int64))
    # Padding must not change the unpadded rows: row 0 of the batch equals the single-sequence run.
    pad_err = float((batch_logits[0, : len(prompt_ids)] - single[0]).abs().max())
    print(f"padded batch vs single sequence: max abs diff {pad_err:.2e}")
    assert pad_err < 1e-4, pad_err

    gen = greedy(model, prompt_ids, a.steps, stop_ids={1, 2})
    text = tok.decode(vocab, prompt_ids + gen)
    print(f"greedy continuation ({len(gen)} tokens): {text!r}")

    cases = [
        common.reference_case("prompt", [PROMPT], {"input_ids": torch.tensor([prompt_ids]),
                              "attention_mask": torch.ones(1, len(prompt_ids), dtype=torch.int64)}, single),
        common.reference_case("padded-batch", texts, {"input_ids": ids, "attention_mask": mask}, batch_logits),
    ]
    common.write_reference(os.path.join(out, "reference.json"), "stories260k", cases,
                           tolerance={"abs": 1e-4, "rel": 1e-3},
                           extra={"generation": generation_reference("greedy argmax, full recomputation, stop at <s> or </s>",
                                                                     prompt_ids, a.steps, gen, text)})

    common.write_json(os.path.join(out, "config.json"), {
        **hf_config(cfg),
        "analysis": {
            "weights": "real (trained)",
            "source": {"checkpoint": os.path.basename(a.checkpoint), "checkpoint_sha256": common.sha256_file(a.checkpoint),
                       "tokenizer": os.path.basename(a.tokenizer), "tokenizer_sha256": common.sha256_file(a.tokenizer),
                       "origin": "karpathy/tinyllamas stories260K (llama2.c legacy format)", "license": "MIT"},
            "exporter": "tools/export/llama2c.py", "torch": torch.__version__,
            "onnx": common.describe_onnx(m),
            "notes": "positions are 0..T-1 per row (right padding is exact; left padding shifts positions)",
        },
    })
    print(f"wrote {out}: model.onnx {os.path.getsize(model_path)} bytes, opset {a.opset}")


if __name__ == "__main__":
    main()
