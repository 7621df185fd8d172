"""GPT-NeoX / Pythia built like Hugging Face's GPTNeoXForCausalLM: fused per-head QKV (`query_key_value`, laid out
[head, (q|k|v), head_dim]), partial rotary embeddings (rotate_half on the first rotary_pct of each head),
parallel residual x + attn(ln1(x)) + mlp(ln2(x)), exact GELU, final LayerNorm, untied `embed_out`."""
import math

import torch
import torch.nn as nn

from masks import causal_padding_bias


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n, self.d = c["num_attention_heads"], c["hidden_size"]
        self.hd = self.d // self.n
        self.rot = int(self.hd * c["rotary_pct"])
        self.query_key_value = nn.Linear(self.d, 3 * self.d)
        self.dense = nn.Linear(self.d, self.d)
        inv_freq = 1.0 / (c["rotary_emb_base"] ** (torch.arange(0, self.rot, 2, dtype=torch.float32) / self.rot))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, x, bias):
        b, t, _ = x.shape
        qkv = self.query_key_value(x).view(b, t, self.n, 3 * self.hd).permute(0, 2, 1, 3)
        q, k, v = qkv[..., : self.hd], qkv[..., self.hd : 2 * self.hd], qkv[..., 2 * self.hd :]
        freqs = torch.arange(t, dtype=torch.float32)[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]

        def rope(z):
            zr, zp = z[..., : self.rot], z[..., self.rot :]
            return torch.cat((zr * cos + rotate_half(zr) * sin, zp), dim=-1)

        q, k = rope(q), rope(k)
        w = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.hd) + bias, dim=-1)
        return self.dense(torch.matmul(w, v).transpose(1, 2).reshape(b, t, self.d))


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense_h_to_4h = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.dense_4h_to_h = nn.Linear(c["intermediate_size"], c["hidden_size"])

    def forward(self, x):
        return self.dense_4h_to_h(nn.functional.gelu(self.dense_h_to_4h(x)))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.post_attention_layernorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.attention = Attention(c)
        self.mlp = MLP(c)

    def forward(self, x, bias):
        # use_parallel_residual: both branches read the same x and are added together.
        return x + self.attention(self.input_layernorm(x), bias) + self.mlp(self.post_attention_layernorm(x))


class GPTNeoXForCausalLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_in = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])
        self.final_layer_norm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.embed_out = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)

    def forward(self, input_ids, attention_mask):
        x = self.embed_in(input_ids)
        bias = causal_padding_bias(attention_mask)
        for layer in self.layers:
            x = layer(x, bias)
        return self.embed_out(self.final_layer_norm(x))


def config(vocab_size, hidden=64, layers=3, heads=4, intermediate=256, max_pos=128):
    return {"architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox", "vocab_size": vocab_size,
            "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
            "intermediate_size": intermediate, "hidden_act": "gelu", "rotary_pct": 0.25, "rotary_emb_base": 10000,
            "max_position_embeddings": max_pos, "layer_norm_eps": 1e-5, "use_parallel_residual": True,
            "tie_word_embeddings": False, "bos_token_id": vocab_size - 1, "eos_token_id": vocab_size - 1}
