"""Exports tiny random-weight transformers with Debian's torch so hook discovery is tested on what torch.onnx really emits.

Run: /usr/bin/python3 export_tiny.py   (writes tiny_*.onnx next to this file, a few KB each).
Each family differs where discovery must cope: RMSNorm + SwiGLU (Llama), LayerNorm op vs its decomposition and
GELU via Erf (GPT-2), parallel residual (GPT-NeoX), post-LN without a final norm (BERT).
"""
import math, os, sys
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)
D, H, V, T, L = 16, 2, 32, 8, 2
here = os.path.dirname(os.path.abspath(__file__))


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__(); self.eps = eps; self.weight = nn.Parameter(torch.rand(d) + 0.5)
    def forward(self, x):  # as llama2.c's model.py writes it
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def attention(q, k, v, causal):
    b, t, _ = q.shape
    q, k, v = (z.view(b, t, H, D // H).transpose(1, 2) for z in (q, k, v))
    s = q @ k.transpose(-2, -1) / math.sqrt(D // H)
    if causal:
        mask = torch.triu(torch.full((T, T), float("-inf")), diagonal=1)[:t, :t]
        s = s + mask
    p = F.softmax(s, dim=-1)
    return (p @ v).transpose(1, 2).contiguous().view(b, t, D)


class LlamaBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention_norm, self.ffn_norm = RMSNorm(D), RMSNorm(D)
        self.wq, self.wk, self.wv, self.wo = (nn.Linear(D, D, bias=False) for _ in range(4))
        self.w1, self.w2, self.w3 = nn.Linear(D, 32, bias=False), nn.Linear(32, D, bias=False), nn.Linear(D, 32, bias=False)
    def forward(self, x):
        a = self.attention_norm(x)
        h = x + self.wo(attention(self.wq(a), self.wk(a), self.wv(a), True))
        f = self.ffn_norm(h)
        return h + self.w2(F.silu(self.w1(f)) * self.w3(f))


class Llama(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok_embeddings = nn.Embedding(V, D); self.layers = nn.ModuleList(LlamaBlock() for _ in range(L))
        self.norm = RMSNorm(D); self.output = nn.Linear(D, V, bias=False)
    def forward(self, input_ids):
        x = self.tok_embeddings(input_ids)
        for layer in self.layers: x = layer(x)
        return self.output(self.norm(x))


class Gpt2Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.c_attn, self.c_proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.c_fc, self.mlp_proj = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)
    def forward(self, x):
        q, k, v = self.c_attn(self.ln_1(x)).split(D, dim=2)
        x = x + self.c_proj(attention(q, k, v, True))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class Gpt2(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, D), nn.Embedding(T, D)
        self.h = nn.ModuleList(Gpt2Block() for _ in range(L)); self.ln_f = nn.LayerNorm(D)
    def forward(self, input_ids):
        pos = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.wte(input_ids) + self.wpe(pos)
        for block in self.h: x = block(x)
        return self.ln_f(x) @ self.wte.weight.t()


class NeoxBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_layernorm, self.post_attention_layernorm = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.dense = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.up, self.down = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)
    def forward(self, x):  # parallel residual: both branches read the block's input
        q, k, v = self.qkv(self.input_layernorm(x)).chunk(3, dim=-1)
        attn = self.dense(attention(q, k, v, True))
        mlp = self.down(F.gelu(self.up(self.post_attention_layernorm(x))))
        return x + attn + mlp


class Neox(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_in = nn.Embedding(V, D); self.layers = nn.ModuleList(NeoxBlock() for _ in range(L))
        self.final_layer_norm = nn.LayerNorm(D); self.embed_out = nn.Linear(D, V, bias=False)
    def forward(self, input_ids):
        x = self.embed_in(input_ids)
        for layer in self.layers: x = layer(x)
        return self.embed_out(self.final_layer_norm(x))


class BertLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.ln_attn, self.ln_out = nn.LayerNorm(D), nn.LayerNorm(D)
        self.intermediate, self.output = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)
    def forward(self, x):  # post-LN: the norm follows each residual add
        x = self.ln_attn(x + self.o(attention(self.q(x), self.k(x), self.v(x), False)))
        return self.ln_out(x + self.output(F.gelu(self.intermediate(x))))


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.word, self.position, self.token_type = nn.Embedding(V, D), nn.Embedding(T, D), nn.Embedding(2, D)
        self.ln = nn.LayerNorm(D); self.layers = nn.ModuleList(BertLayer() for _ in range(L))
    def forward(self, input_ids, token_type_ids):
        pos = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.ln(self.word(input_ids) + self.position(pos) + self.token_type(token_type_ids))
        for layer in self.layers: x = layer(x)
        return x


def export(model, name, opset, inputs):
    ids = torch.randint(0, V, (2, 5))
    args = tuple(ids if n == "input_ids" else torch.zeros_like(ids) for n in inputs)
    axes = {n: {0: "batch", 1: "sequence"} for n in inputs}
    axes["out"] = {0: "batch", 1: "sequence"}
    torch.onnx.export(model.eval(), args, os.path.join(here, name + ".onnx"), input_names=list(inputs),
                      output_names=["out"], dynamic_axes=axes, opset_version=opset)


export(Llama(), "tiny_llama", 14, ["input_ids"])
export(Gpt2(), "tiny_gpt2", 17, ["input_ids"])
export(Gpt2(), "tiny_gpt2_opset14", 14, ["input_ids"])
export(Neox(), "tiny_neox", 17, ["input_ids"])
export(Bert(), "tiny_bert", 14, ["input_ids", "token_type_ids"])
