"""GPT-2 built like Hugging Face's GPT2LMHeadModel: pre-LN blocks, learned positions, fused QKV in a Conv1D
(`c_attn`, weight [in, out]), GELU tanh approximation ("gelu_new"), final LayerNorm, unembedding tied to `wte`."""
import math

import torch
import torch.nn as nn

from masks import causal_padding_bias


class Conv1D(nn.Module):
    """HF's Conv1D: a linear layer whose weight is stored [in, out] (x @ W + b)."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return torch.matmul(x, self.weight) + self.bias


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_head, self.d = c["n_head"], c["n_embd"]
        self.c_attn = Conv1D(self.d, 3 * self.d)
        self.c_proj = Conv1D(self.d, self.d)

    def forward(self, x, bias):
        b, t, _ = x.shape
        hd = self.d // self.n_head
        q, k, v = self.c_attn(x).split(self.d, dim=2)
        q, k, v = (z.view(b, t, self.n_head, hd).transpose(1, 2) for z in (q, k, v))
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + bias
        w = torch.softmax(w, dim=-1)
        return self.c_proj(torch.matmul(w, v).transpose(1, 2).reshape(b, t, self.d))


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_fc = Conv1D(c["n_embd"], 4 * c["n_embd"])
        self.c_proj = Conv1D(4 * c["n_embd"], c["n_embd"])

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c["n_embd"], eps=c["layer_norm_epsilon"])
        self.attn = Attention(c)
        self.ln_2 = nn.LayerNorm(c["n_embd"], eps=c["layer_norm_epsilon"])
        self.mlp = MLP(c)

    def forward(self, x, bias):
        x = x + self.attn(self.ln_1(x), bias)
        return x + self.mlp(self.ln_2(x))


class GPT2LMHeadModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wte = nn.Embedding(c["vocab_size"], c["n_embd"])
        self.wpe = nn.Embedding(c["n_positions"], c["n_embd"])
        self.h = nn.ModuleList([Block(c) for _ in range(c["n_layer"])])
        self.ln_f = nn.LayerNorm(c["n_embd"], eps=c["layer_norm_epsilon"])
        self.lm_head = nn.Linear(c["n_embd"], c["vocab_size"], bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, input_ids, attention_mask):
        pos = torch.arange(input_ids.shape[1], dtype=torch.int64)[None, :]
        x = self.wte(input_ids) + self.wpe(pos)
        bias = causal_padding_bias(attention_mask)
        for block in self.h:
            x = block(x, bias)
        return self.lm_head(self.ln_f(x))


def config(vocab_size, n_embd=64, n_layer=3, n_head=4, n_positions=128):
    return {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": vocab_size,
            "n_embd": n_embd, "n_layer": n_layer, "n_head": n_head, "n_positions": n_positions, "n_inner": None,
            "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "tie_word_embeddings": True,
            "bos_token_id": vocab_size - 1, "eos_token_id": vocab_size - 1}
