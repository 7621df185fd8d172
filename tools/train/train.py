#!/usr/bin/python3
"""Trains a small family of llama2.c-architecture models from scratch and exports log-spaced checkpoints to ONNX.

    /usr/bin/python3 tools/train/train.py --out onnx-models/family          # everything (see README.md there)
    /usr/bin/python3 tools/train/train.py --out /tmp/family --sizes small   # one size

1. Corpus: stories sampled from stories260K (temperature 1, top-p 0.9, fixed seed) with its tok512 tokenizer, so the
   corpus is ours to ship and needs nothing from the network. Stories are joined with BOS (as llama2.c trains).
2. Training: llama2.c's model (interleaved RoPE, RMSNorm, SwiGLU, tied embeddings, GQA), AdamW, warm-up then cosine
   decay, random windows from the training tokens. One thread and torch.use_deterministic_algorithms, so two runs
   give the same bytes.
3. Checkpoints at log-spaced steps (0, 4, 16, …, final): the weights go through tools/export/llama2c.py's own
   functions (its HF-layout torch module and its llama2.c-style NumPy check), so every checkpoint is exported the way
   stories260k is: model.onnx, tokenizer.json, config.json (with "training": step, tokens seen, train/eval loss) and
   reference.json (one prompt's logits and a greedy generation, for `analysis verify`).
4. README.md and loss.svg: loss curves, each checkpoint's eval loss, and samples from the final checkpoints.
"""
import argparse
import json
import math
import multiprocessing
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "export"))
import common  # noqa: E402
import llama2c  # noqa: E402
import llama2c_tokenizer as tok  # noqa: E402

# ../shared beside the repository (models and tokenizers we may not commit); CI has it too.
SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")

SEED = 20240517
# The corpus with the default settings (stories, longest story, sampling batch) and its sha256: the cached file is
# checked against it, and a regenerated one must equal it.
CORPUS_DEFAULTS = (12288, 256, 256)
CORPUS_SHA256 = "0f168403544f93c4c1bb632fd2c9cbd313cff98ff31b6ccc8aed5893fdfa57a1"
BOS, EOS = 1, 2

# Sizes: "small" is stories260K's shape; "large" is ~1M parameters (2x width, same depth).
SIZES = {
    "small": dict(dim=64, hidden_dim=172, n_layers=5, n_heads=8, n_kv_heads=4),
    "large": dict(dim=128, hidden_dim=344, n_layers=5, n_heads=8, n_kv_heads=4),
}
COMMON = dict(vocab_size=512, max_seq_len=256, norm_eps=1e-5, rope_theta=10000.0, shared_classifier=True)


# ---------------------------------------------------------------- llama2.c's model (weights in its layout)
class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, h = c["dim"], c["hidden_dim"]
        self.n_heads, self.n_kv, self.hd = c["n_heads"], c["n_kv_heads"], d // c["n_heads"]
        self.attention_norm = nn.Parameter(torch.ones(d))
        self.ffn_norm = nn.Parameter(torch.ones(d))
        self.wq = nn.Linear(d, d, bias=False)
        self.wk = nn.Linear(d, self.n_kv * self.hd, bias=False)
        self.wv = nn.Linear(d, self.n_kv * self.hd, bias=False)
        self.wo = nn.Linear(d, d, bias=False)
        self.w1 = nn.Linear(d, h, bias=False)
        self.w2 = nn.Linear(h, d, bias=False)
        self.w3 = nn.Linear(d, h, bias=False)

    def attend(self, x, cos, sin, mask, cache=None):
        b, t, _ = x.shape
        q = rope(self.wq(x).view(b, t, self.n_heads, self.hd), cos, sin)
        k = rope(self.wk(x).view(b, t, self.n_kv, self.hd), cos, sin)
        v = self.wv(x).view(b, t, self.n_kv, self.hd)
        if cache is not None:  # incremental decoding: append this step's keys and values
            if cache:
                k = torch.cat([cache[0], k], 1)
                v = torch.cat([cache[1], v], 1)
            cache[:] = [k, v]
        rep = self.n_heads // self.n_kv
        k = k.repeat_interleave(rep, dim=2)
        v = v.repeat_interleave(rep, dim=2)
        s = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(self.hd)
        if mask is not None:
            s = s + mask
        p = torch.softmax(s, -1)
        return self.wo(torch.einsum("bhqk,bkhd->bqhd", p, v).reshape(b, t, -1))

    def forward(self, x, cos, sin, mask, cache=None):
        x = x + self.attend(rmsnorm(x, self.attention_norm), cos, sin, mask, cache)
        h = rmsnorm(x, self.ffn_norm)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h))


def rmsnorm(x, g, eps=1e-5):
    return g * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rope(x, cos, sin):
    """llama2.c's rotary embedding: adjacent pairs (x0, x1) rotate by pos * theta^(-2i/hd)."""
    a, b = x[..., 0::2], x[..., 1::2]
    return torch.stack([a * cos - b * sin, a * sin + b * cos], -1).flatten(-2)


class Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.tok_embeddings = nn.Embedding(c["vocab_size"], c["dim"])
        self.layers = nn.ModuleList([Block(c) for _ in range(c["n_layers"])])
        self.norm = nn.Parameter(torch.ones(c["dim"]))
        hd = c["dim"] // c["n_heads"]
        inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        ang = torch.arange(c["max_seq_len"], dtype=torch.float32)[:, None] * inv[None, :]
        self.register_buffer("cos", ang.cos()[None, :, None, :], persistent=False)
        self.register_buffer("sin", ang.sin()[None, :, None, :], persistent=False)
        # llama2.c's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 * layers).
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * c["n_layers"]) if name.endswith(("wo.weight", "w3.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, ids, start=0, caches=None):
        t = ids.shape[1]
        cos, sin = self.cos[:, start : start + t], self.sin[:, start : start + t]
        mask = None
        if t > 1:
            mask = torch.full((t, t), float("-inf")).triu(1)
        x = self.tok_embeddings(ids)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, mask, None if caches is None else caches[i])
        return rmsnorm(x, self.norm) @ self.tok_embeddings.weight.T  # tied classifier

    def export_weights(self):
        """The weights as tools/export/llama2c.read_checkpoint returns them (llama2.c's layout, float32 numpy)."""
        n = lambda t: t.detach().numpy().astype(np.float32).copy()  # noqa: E731
        L = self.layers
        w = {
            "tok_embeddings": n(self.tok_embeddings.weight),
            "attention_norm": np.stack([n(l.attention_norm) for l in L]),
            "wq": np.stack([n(l.wq.weight) for l in L]), "wk": np.stack([n(l.wk.weight) for l in L]),
            "wv": np.stack([n(l.wv.weight) for l in L]), "wo": np.stack([n(l.wo.weight) for l in L]),
            "ffn_norm": np.stack([n(l.ffn_norm) for l in L]),
            "w1": np.stack([n(l.w1.weight) for l in L]), "w2": np.stack([n(l.w2.weight) for l in L]),
            "w3": np.stack([n(l.w3.weight) for l in L]), "norm": n(self.norm),
        }
        w["output"] = w["tok_embeddings"]
        return w

    def load_weights(self, w):
        t = lambda a: torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
        with torch.no_grad():
            self.tok_embeddings.weight.copy_(t(w["tok_embeddings"]))
            for i, l in enumerate(self.layers):
                l.attention_norm.copy_(t(w["attention_norm"][i]))
                l.ffn_norm.copy_(t(w["ffn_norm"][i]))
                for k in ("wq", "wk", "wv", "wo", "w1", "w2", "w3"):
                    getattr(l, k).weight.copy_(t(w[k][i]))
            self.norm.copy_(t(w["norm"]))


def config_of(size):
    return dict(SIZES[size], **COMMON)


def n_params(model):
    return sum(p.numel() for p in model.parameters())


# ---------------------------------------------------------------- corpus
TOP_K, TOP_P = 64, 0.9


@torch.no_grad()
def sample_corpus(model, n_stories, max_len, batch, seed):
    """Stories from the model, each from BOS until it emits BOS/EOS or reaches max_len tokens.

    Batched decoding with a preallocated KV cache (grouped-query attention without repeating keys). Sampling: temperature 1,
    nucleus (top-p 0.9, as llama2.c's run.c defaults) within the 64 most likely tokens, which replaces a full sort of the
    vocabulary; the token is drawn by inverse CDF with one uniform number per row from a seeded generator. Batches run
    in order and each continues the generator, so a run with fewer stories gives a prefix of a longer one.
    """
    g = torch.Generator().manual_seed(seed)
    layers = model.layers
    nkv, hd, rep = layers[0].n_kv, layers[0].hd, layers[0].n_heads // layers[0].n_kv
    emb = model.tok_embeddings.weight
    stories = []
    while len(stories) < n_stories:
        b = min(batch, n_stories - len(stories))
        keys = torch.zeros(len(layers), b, nkv, max_len, hd)
        values = torch.zeros(len(layers), b, nkv, max_len, hd)
        cur = torch.full((b,), BOS, dtype=torch.int64)
        out = torch.zeros((b, max_len), dtype=torch.int64)
        done = torch.zeros(b, dtype=torch.bool)
        length = torch.full((b,), max_len, dtype=torch.int64)
        for pos in range(max_len):
            cos, sin = model.cos[0, pos, 0], model.sin[0, pos, 0]
            x = emb[cur]
            for i, l in enumerate(layers):
                h = rmsnorm(x, l.attention_norm)
                q = rope(l.wq(h).view(b, nkv, rep, hd), cos, sin)
                keys[i, :, :, pos] = rope(l.wk(h).view(b, nkv, hd), cos, sin)
                values[i, :, :, pos] = l.wv(h).view(b, nkv, hd)
                s = torch.matmul(q, keys[i, :, :, : pos + 1].transpose(-1, -2)) / math.sqrt(hd)
                x = x + l.wo(torch.matmul(torch.softmax(s, -1), values[i, :, :, : pos + 1]).reshape(b, -1))
                h = rmsnorm(x, l.ffn_norm)
                x = x + l.w2(F.silu(l.w1(h)) * l.w3(h))
            probs = torch.softmax(rmsnorm(x, model.norm) @ emb.T, -1)
            sp, si = torch.topk(probs, TOP_K, -1)
            sp = sp * ((sp.cumsum(-1) - sp) < TOP_P)  # the smallest head of the ranking whose mass reaches top_p
            cdf = sp.cumsum(-1)
            u = torch.rand((b, 1), generator=g) * cdf[:, -1:]
            nxt = si.gather(-1, torch.searchsorted(cdf, u).clamp_(max=TOP_K - 1))[:, 0]
            ended = (~done) & ((nxt == BOS) | (nxt == EOS))
            length[ended] = pos
            done |= ended
            out[:, pos] = nxt
            if bool(done.all()):
                break
            cur = nxt
        for i in range(b):
            stories.append(out[i, : int(length[i])].tolist())
    return stories


_teacher = {}


def sample_batch(job):
    """One batch of the corpus (a worker process's job): the teacher is read once per process."""
    teacher_path, n, max_len, batch, seed = job
    torch.set_num_threads(1)
    if teacher_path not in _teacher:
        tcfg, tw = llama2c.read_checkpoint(teacher_path)
        t = Transformer(dict(tcfg, max_seq_len=max(tcfg["max_seq_len"], max_len + 1)))
        t.load_weights(tw)
        _teacher[teacher_path] = t.eval()
    return sample_corpus(_teacher[teacher_path], n, max_len, batch, seed)


def load_or_sample_corpus(a, teacher_path, tokenizer_path):
    """The corpus as stories (token lists), from the cache file when its sha256 matches, else sampled and cached.

    The file holds the stories joined llama2.c's way (BOS before each story) as little-endian uint16 ids; stories never
    contain BOS, so the file alone gives them back. With the default settings its sha256 must equal CORPUS_SHA256.
    """
    name = f"corpus-{SEED}-{a.stories}x{a.story_tokens}-b{a.sample_batch}.u16"
    path = os.path.join(os.path.expanduser(a.corpus_cache), name)
    expected = CORPUS_SHA256 if (a.stories, a.story_tokens, a.sample_batch) == CORPUS_DEFAULTS else None
    if os.path.exists(path) and (expected is None or common.sha256_file(path) == expected):
        data = np.fromfile(path, dtype="<u2").astype(np.int64)
        bos = np.flatnonzero(data == BOS).tolist() + [len(data)]
        return [data[bos[i] + 1 : bos[i + 1]].tolist() for i in range(len(bos) - 1)], path, 0.0
    t0 = time.time()
    stories = []
    batches = [(teacher_path, min(a.sample_batch, a.stories - first), a.story_tokens, a.sample_batch, SEED + k)
               for k, first in enumerate(range(0, a.stories, a.sample_batch))]
    # Each batch has its own seed, so the corpus is the same whatever the number of worker processes.
    with multiprocessing.get_context("fork").Pool(a.jobs) as pool:
        for batch in pool.imap(sample_batch, batches):
            stories += batch
            n = sum(len(s) + 1 for s in stories)
            print(f"  corpus: {len(stories)}/{a.stories} stories, {n:,} tokens, {n / (time.time() - t0):,.0f} tokens/s", flush=True)
    seconds = time.time() - t0
    os.makedirs(os.path.dirname(path), exist_ok=True)
    join(stories).numpy().astype("<u2").tofile(path + ".tmp")
    os.replace(path + ".tmp", path)
    got = common.sha256_file(path)
    if expected is not None and got != expected:
        raise SystemExit(f"{path}: sha256 {got} differs from the committed CORPUS_SHA256 {expected}; sampling is not "
                         "reproducible here (different torch version or CPU?).")
    return stories, path, seconds


def join(stories):
    ids = []
    for s in stories:
        ids.append(BOS)
        ids.extend(s)
    return torch.tensor(ids, dtype=torch.int64)


# ---------------------------------------------------------------- training
def windows(data, starts, seq):
    x = torch.stack([data[s : s + seq] for s in starts.tolist()])
    y = torch.stack([data[s + 1 : s + 1 + seq] for s in starts.tolist()])
    return x, y


def loss_of(model, x, y):
    logits = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


@torch.no_grad()
def eval_loss(model, eval_x, eval_y):
    model.eval()
    total = 0.0
    for i in range(0, eval_x.shape[0], 16):
        total += float(loss_of(model, eval_x[i : i + 16], eval_y[i : i + 16])) * eval_x[i : i + 16].shape[0]
    model.train()
    return total / eval_x.shape[0]


def checkpoint_steps(final):
    steps, s = [0], 4
    while s < final:
        steps.append(s)
        s *= 4
    return steps + [final]


def train(size, train_ids, eval_x, eval_y, a, on_checkpoint):
    c = config_of(size)
    torch.manual_seed(SEED + (0 if size == "small" else 1))
    model = Transformer(c)
    steps = a.steps[size]
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr[size], betas=(0.9, 0.95), weight_decay=0.1)
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, steps - warm))))
    g = torch.Generator().manual_seed(SEED + 7)
    marks = checkpoint_steps(steps)
    curve = []  # (step, train loss of that step's batch)
    recent = []
    for step in range(steps + 1):
        starts = torch.randint(0, len(train_ids) - a.seq - 1, (a.batch,), generator=g)
        x, y = windows(train_ids, starts, a.seq)
        if step in marks:
            with torch.no_grad():
                model.eval()
                batch_loss = float(loss_of(model, x, y))
                model.train()
            tl = float(np.mean(recent)) if recent else batch_loss
            on_checkpoint(size, c, model, step, step * a.batch * a.seq, tl, eval_loss(model, eval_x, eval_y))
            recent = []
        if step == steps:
            break
        loss = loss_of(model, x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        curve.append((step, float(loss)))
        recent.append(float(loss))
        if step % 50 == 0:
            print(f"  {size} step {step}/{steps} loss {float(loss):.3f}", flush=True)
    return model, curve


# ---------------------------------------------------------------- export (through tools/export/llama2c.py)
PROMPT = "Once upon a time"


def export_checkpoint(out, cfg, w, vocab, training, gen_steps):
    os.makedirs(out, exist_ok=True)
    tj = tok.build_tokenizer_json(vocab)
    common.write_json(os.path.join(out, "tokenizer.json"), tj)
    common.write_json(os.path.join(out, "tokenizer_config.json"), tok.tokenizer_config(cfg["max_seq_len"]))
    hf = llama2c.build_torch(cfg, w)
    ids = tok.llama2c_encode(vocab, PROMPT)
    x = torch.tensor([ids])
    mask = torch.ones_like(x)
    with torch.no_grad():
        logits = hf(x, mask)
    err = float(np.abs(logits[0].numpy() - llama2c.run_c_forward(cfg, w, ids)).max())
    if err > 1e-4:
        raise SystemExit(f"{out}: the exported module differs from llama2.c's forward pass by {err:.2e}")
    m = common.export_onnx(hf, {"input_ids": x, "attention_mask": mask}, os.path.join(out, "model.onnx"), 14,
                           ["input_ids", "attention_mask"])
    gen = llama2c.greedy(hf, ids, gen_steps, stop_ids={1, 2})
    text = tok.decode(vocab, ids + gen)
    case = common.reference_case("prompt", [PROMPT], {"input_ids": x, "attention_mask": mask}, logits)
    common.write_reference(os.path.join(out, "reference.json"), training["name"], [case],
                           tolerance={"abs": 1e-4, "rel": 1e-3},
                           extra={"generation": {"method": "greedy argmax, full recomputation, stop at <s> or </s>",
                                                 "prompt": PROMPT, "prompt_ids": ids, "max_new_tokens": gen_steps,
                                                 "stop_ids": [1, 2], "new_ids": gen, "text": text}})
    common.write_json(os.path.join(out, "config.json"), {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "hidden_size": cfg["dim"], "intermediate_size": cfg["hidden_dim"], "num_hidden_layers": cfg["n_layers"],
        "num_attention_heads": cfg["n_heads"], "num_key_value_heads": cfg["n_kv_heads"],
        "vocab_size": cfg["vocab_size"], "max_position_embeddings": cfg["max_seq_len"],
        "rms_norm_eps": cfg["norm_eps"], "rope_theta": cfg["rope_theta"], "hidden_act": "silu",
        "tie_word_embeddings": True, "bos_token_id": 1, "eos_token_id": 2,
        "training": training,
        "analysis": {"weights": "real (trained by tools/train/train.py)", "exporter": "tools/export/llama2c.py",
                     "torch": torch.__version__, "onnx": common.describe_onnx(m)},
    })
    return text


# ---------------------------------------------------------------- README and plot
def svg_plot(curves, marks, path):
    """Training loss (per step, smoothed) and eval loss at each checkpoint, log-x, as a small standalone SVG."""
    W, H, L, R, T, B = 640, 360, 60, 130, 20, 45
    allx = [s + 1 for c in curves.values() for s, _ in c]
    ally = [v for c in curves.values() for _, v in c] + [e for m in marks.values() for _, e in m]
    x0, x1 = 0.0, math.log10(max(allx))
    y0, y1 = math.floor(min(ally)), math.ceil(max(ally))
    px = lambda s: L + (math.log10(s + 1) - x0) / (x1 - x0) * (W - L - R)  # noqa: E731
    py = lambda v: T + (y1 - v) / (y1 - y0) * (H - T - B)  # noqa: E731
    colors = {"small": "#1f77b4", "large": "#d62728"}
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>',
         f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>']
    for e in range(0, int(x1) + 1):
        x = px(10 ** e - 1)
        o.append(f'<line x1="{x:.1f}" y1="{H - B}" x2="{x:.1f}" y2="{H - B + 4}" stroke="black"/>'
                 f'<text x="{x:.1f}" y="{H - B + 16}" text-anchor="middle">{10 ** e - 1 if e else 0}</text>')
    for v in range(int(y0), int(y1) + 1):
        y = py(v)
        o.append(f'<line x1="{L - 4}" y1="{y:.1f}" x2="{W - R}" y2="{y:.1f}" stroke="#eee"/>'
                 f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    o.append(f'<text x="{(L + W - R) / 2}" y="{H - 8}" text-anchor="middle">training step (log scale, step+1)</text>')
    o.append(f'<text x="14" y="{(T + H - B) / 2}" transform="rotate(-90 14 {(T + H - B) / 2})" text-anchor="middle">cross-entropy (nats/token)</text>')
    for k, (name, c) in enumerate(curves.items()):
        col = colors.get(name, "black")
        sm, pts = None, []
        for s, v in c:
            sm = v if sm is None else 0.9 * sm + 0.1 * v
            pts.append(f"{px(s):.1f},{py(sm):.1f}")
        o.append(f'<polyline fill="none" stroke="{col}" stroke-opacity="0.6" points="{" ".join(pts)}"/>')
        for s, e in marks[name]:
            o.append(f'<circle cx="{px(s):.1f}" cy="{py(e):.1f}" r="3.5" fill="{col}"/>')
        y = T + 14 + 34 * k
        o.append(f'<line x1="{W - R + 10}" y1="{y}" x2="{W - R + 30}" y2="{y}" stroke="{col}"/>'
                 f'<text x="{W - R + 34}" y="{y + 4}">{name}: train</text>'
                 f'<circle cx="{W - R + 20}" cy="{y + 15}" r="3.5" fill="{col}"/>'
                 f'<text x="{W - R + 34}" y="{y + 19}">{name}: eval</text>')
    o.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")


def quote(text):
    """A Markdown blockquote of text, line by line (samples hold newlines)."""
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def write_readme(out):
    """README.md from family.json and corpus-sample.txt (so it can be rewritten without retraining)."""
    fam = json.load(open(os.path.join(out, "family.json")))
    lines = ["# A model family: two sizes, log-spaced checkpoints", "",
             "Generated by `tools/train/train.py` (do not edit; rerun the script). See `tools/train/README.md` and",
             "`docs/family.md` for the corpus, the sizes and how to regenerate.", "", "![loss curves](loss.svg)", "",
             "| size | parameters | step | tokens seen | train loss | eval loss |", "|---|---|---|---|---|---|"]
    for c in fam["checkpoints"]:
        lines.append(f"| {c['size']} | {c['parameters']:,} | {c['step']} | {c['tokens_seen']:,} | {c['train_loss']:.3f} | {c['eval_loss']:.3f} |")
    ev = fam["eval"]
    lines += ["", f"Eval loss: cross-entropy on {ev['windows'] * ev['seq']:,} held-out tokens ({ev['windows']} windows of {ev['seq']} "
              "tokens from stories never trained on). Train loss: mean over the steps since the previous checkpoint.", ""]
    for size, texts in fam["samples"].items():
        lines += [f"## Samples from the final {size} checkpoint (temperature 1, top-p 0.9)", ""]
        for t in texts:
            lines += [quote(t), ""]
    corpus = open(os.path.join(out, "corpus-sample.txt")).read().split("\n")[:12]
    lines += ["## The corpus", "", "The first lines of `corpus-sample.txt` (stories sampled from stories260K):", "", quote("\n".join(corpus))]
    across = os.path.join(out, "across-checkpoints.md")  # tools/train/across_table.py
    if os.path.exists(across):
        lines += ["", open(across).read().rstrip()]
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")


_run = {}  # what the training processes inherit (fork)


def train_size(size):
    """Trains one size and exports its checkpoints (a worker process's job); returns what the README needs."""
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    a, out, vocab = _run["a"], _run["out"], _run["vocab"]
    train_ids, eval_x, eval_y = _run["train_ids"], _run["eval_x"], _run["eval_y"]
    t1 = time.time()
    marks, rows = [], []

    def on_checkpoint(size, c, model, step, seen, tl, el):
        name = f"{size}-step{step:05d}"
        print(f"  checkpoint {name}: train {tl:.3f} eval {el:.3f} ({time.time() - t1:.0f}s)", flush=True)
        training = {"name": f"family/{size}/step-{step:05d}", "size": size, "step": step, "tokens_seen": seen,
                    "train_loss": round(tl, 6), "eval_loss": round(el, 6), "parameters": n_params(model),
                    "final_step": a.steps[size], "seed": SEED, "corpus_tokens": len(train_ids),
                    "eval_tokens": int(eval_x.numel()), "script": "tools/train/train.py"}
        export_checkpoint(os.path.join(out, size, f"step-{step:05d}"), c, model.export_weights(), vocab, training, a.gen_steps)
        marks.append((step, el))
        rows.append((size, step, seen, tl, el))

    params = n_params(Transformer(config_of(size)))
    print(f"training {size} ({params} parameters, {a.steps[size]} steps)", flush=True)
    model, curve = train(size, train_ids, eval_x, eval_y, a, on_checkpoint)
    # Three sampled stories (as the corpus was sampled) from the final checkpoint.
    model.eval()
    s = sample_corpus(model, 3, 120, 3, SEED + 11)
    print(f"  {size} trained in {time.time() - t1:.0f}s", flush=True)
    return {"size": size, "marks": marks, "rows": rows, "curve": curve, "params": params,
            "samples": [tok.decode(vocab, [BOS] + x).strip() for x in s]}


def main():
    if sys.argv[1:2] == ["--readme-only"]:  # rewrite README.md from the files a run wrote (after across_table.py)
        write_readme(sys.argv[2])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--teacher", default=os.path.join(SHARED, "models/llama2c-stories260K/stories260K.bin"),
                    help="llama2.c checkpoint the corpus is sampled from (stories260K.bin)")
    ap.add_argument("--tokenizer", default=os.path.join(SHARED, "models/llama2c-stories260K/tok512.bin"))
    ap.add_argument("--sizes", default="small,large")
    ap.add_argument("--stories", type=int, default=CORPUS_DEFAULTS[0], help="stories sampled for the corpus")
    ap.add_argument("--story-tokens", type=int, default=CORPUS_DEFAULTS[1], help="longest story, in tokens")
    ap.add_argument("--sample-batch", type=int, default=CORPUS_DEFAULTS[2], help="stories sampled together")
    ap.add_argument("--corpus-cache", default="~/.cache/analysis/family", help="where the sampled corpus is kept")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (corpus batches; sizes train in parallel)")
    ap.add_argument("--corpus-only", action="store_true", help="sample (or check) the corpus and stop")
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--eval-windows", type=int, default=128)
    ap.add_argument("--steps-small", type=int, default=384)
    ap.add_argument("--steps-large", type=int, default=256)
    ap.add_argument("--gen-steps", type=int, default=60)
    a = ap.parse_args()
    a.steps = {"small": a.steps_small, "large": a.steps_large}
    a.lr = {"small": 5e-3, "large": 3e-3}
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    t0 = time.time()
    out = common.ensure_dir(a.out)

    vocab = tok.read_tok_bin(a.tokenizer)
    stories, corpus_path, corpus_seconds = load_or_sample_corpus(a, a.teacher, a.tokenizer)
    corpus_sha = common.sha256_file(corpus_path)
    print(f"corpus: {len(stories)} stories in {corpus_path} (sha256 {corpus_sha}"
          + (f", sampled in {corpus_seconds:.0f}s)" if corpus_seconds else ", cached)"), flush=True)
    if a.corpus_only:
        return
    n_eval = max(16, len(stories) // 64)
    train_ids, eval_ids = join(stories[n_eval:]), join(stories[:n_eval])
    print(f"corpus: {len(train_ids)} train + {len(eval_ids)} eval tokens", flush=True)
    ge = torch.Generator().manual_seed(SEED + 3)
    ev_starts = torch.randint(0, len(eval_ids) - a.seq - 1, (a.eval_windows,), generator=ge)
    eval_x, eval_y = windows(eval_ids, ev_starts, a.seq)
    with open(os.path.join(out, "corpus-sample.txt"), "w") as f:
        for s in stories[n_eval : n_eval + 20]:
            f.write(tok.decode(vocab, [BOS] + s).strip() + "\n")

    sizes = a.sizes.split(",")
    _run.update(a=a, out=out, vocab=vocab, train_ids=train_ids, eval_x=eval_x, eval_y=eval_y)
    # The sizes are independent (own seeds), so they train in parallel processes with the same results as in turn.
    with multiprocessing.get_context("fork").Pool(min(a.jobs, len(sizes))) as pool:
        runs = pool.map(train_size, sizes)
    marks = {r["size"]: r["marks"] for r in runs}
    curves = {r["size"]: r["curve"] for r in runs}
    samples = {r["size"]: r["samples"] for r in runs}
    params = {r["size"]: r["params"] for r in runs}
    rows = [row for r in runs for row in r["rows"]]

    svg_plot(curves, marks, os.path.join(out, "loss.svg"))
    common.write_json(os.path.join(out, "family.json"), {
        "format": "analysis-family/1",
        "checkpoints": [{"path": f"{s}/step-{st:05d}", "size": s, "step": st, "tokens_seen": seen, "parameters": params[s],
                         "train_loss": round(tl, 6), "eval_loss": round(el, 6)} for s, st, seen, tl, el in rows],
        "curves": {k: [[s, round(v, 4)] for s, v in c] for k, c in curves.items()},
        "eval": {"windows": int(eval_x.shape[0]), "seq": a.seq},
        "corpus": {"file": os.path.basename(corpus_path), "sha256": corpus_sha, "stories": len(stories),
                   "tokens": len(train_ids) + len(eval_ids), "train_tokens": len(train_ids), "eval_stories": n_eval,
                   "sampling": f"stories260K, temperature 1, top-p {TOP_P} within the top {TOP_K}, seed {SEED} + batch"},
        "samples": samples,
    })
    write_readme(out)
    print(f"done in {time.time() - t0:.0f}s: {out}")


if __name__ == "__main__":
    main()
