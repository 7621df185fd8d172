"""arch_gpt2.GPT2LMHeadModel run the way Hugging Face runs GPT-2 with `use_cache=True`, which is what Optimum exports:
positions come in as `position_ids`, each layer's past keys/values [batch, heads, past, head_dim] are concatenated in
front of this step's, `attention_mask` covers past + current positions, and every layer's keys/values come out as
`present`. The modules here hold the plain model's own submodules (no parameters of their own), so the weights are its
weights; they are laid out as in Hugging Face (`transformer.h.{i}.attn.c_attn`, `lm_head`), so torch names the exported
nodes by the same module scopes as an Optimum export of GPT-2 (/transformer/h.0/attn/...).
"""
import math

import torch
import torch.nn as nn

from masks import causal_padding_bias_with_past


class CachedAttention(nn.Module):
    """arch_gpt2.Attention with a cache: returns the output and this layer's keys/values including the past."""

    def __init__(self, attn):
        super().__init__()
        self.n_head, self.d = attn.n_head, attn.d
        self.c_attn, self.c_proj = attn.c_attn, attn.c_proj

    def forward(self, x, bias, past):
        b, t, _ = x.shape
        hd = self.d // self.n_head
        q, k, v = self.c_attn(x).split(self.d, dim=2)
        q, k, v = (z.view(b, t, self.n_head, hd).transpose(1, 2) for z in (q, k, v))
        if past is not None:
            k = torch.cat((past[0], k), dim=-2)
            v = torch.cat((past[1], v), dim=-2)
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + bias
        w = torch.softmax(w, dim=-1)
        return self.c_proj(torch.matmul(w, v).transpose(1, 2).reshape(b, t, self.d)), k, v


class CachedBlock(nn.Module):
    def __init__(self, block):
        super().__init__()
        self.ln_1, self.ln_2, self.mlp = block.ln_1, block.ln_2, block.mlp
        self.attn = CachedAttention(block.attn)

    def forward(self, x, bias, past):
        a, k, v = self.attn(self.ln_1(x), bias, past)
        x = x + a
        return x + self.mlp(self.ln_2(x)), k, v


class CachedGPT2Model(nn.Module):
    """HF's GPT2Model (`transformer`): embeddings, blocks, final norm; `past` is None or ((key, value) per layer)."""

    def __init__(self, model):
        super().__init__()
        self.wte, self.wpe, self.ln_f = model.wte, model.wpe, model.ln_f
        self.h = nn.ModuleList([CachedBlock(b) for b in model.h])

    def forward(self, input_ids, attention_mask, position_ids, past):
        x = self.wte(input_ids) + self.wpe(position_ids)
        bias = causal_padding_bias_with_past(attention_mask, input_ids.shape[1])
        present = []
        for i, block in enumerate(self.h):
            x, k, v = block(x, bias, None if past is None else past[i])
            present.append((k, v))
        return self.ln_f(x), tuple(present)


class DecoderWithPast(nn.Module):
    """Optimum's `model.onnx` (and legacy `decoder_with_past_model.onnx`); arguments in GPT2LMHeadModel.forward's order."""

    def __init__(self, model):
        super().__init__()
        self.transformer = CachedGPT2Model(model)
        self.lm_head = model.lm_head

    def forward(self, input_ids, past_key_values, attention_mask, position_ids):
        x, present = self.transformer(input_ids, attention_mask, position_ids, past_key_values)
        return self.lm_head(x), present


class DecoderWithoutPast(DecoderWithPast):
    """Optimum's legacy `decoder_model.onnx`: no cache comes in, the keys/values of these tokens come out."""

    def forward(self, input_ids, attention_mask, position_ids):
        x, present = self.transformer(input_ids, attention_mask, position_ids, None)
        return self.lm_head(x), present
