"""llama2c.LlamaForCausalLM run with a KV cache, the way Hugging Face runs Llama with `use_cache=True` and Optimum exports
it: positions come in as `position_ids` (RoPE angles from them), each layer's past keys/values [batch, kv_heads, past,
head_dim] (after RoPE, before repeat_kv) are concatenated in front of this step's, `attention_mask` covers past + current
positions, and every layer's keys/values come out as `present`. The modules hold the plain model's own submodules, so
the weights are its weights.
"""
import torch
import torch.nn as nn

from masks import causal_padding_bias_with_past


class CachedAttention(nn.Module):
    def __init__(self, attn):
        super().__init__()
        self.attn = attn  # llama2c.Attention: its projections and RoPE
        self.n_heads, self.n_kv, self.head_dim, self.o_proj = attn.n_heads, attn.n_kv, attn.head_dim, attn.o_proj

    def forward(self, x, cos, sin, bias, past):
        from llama2c import repeat_kv
        b, t, _ = x.shape
        q, k, v = self.attn.project(x, cos, sin)
        if past is not None:
            k = torch.cat((past[0], k), dim=-2)
            v = torch.cat((past[1], v), dim=-2)
        rep = self.n_heads // self.n_kv
        scores = torch.matmul(q, repeat_kv(k, rep).transpose(2, 3)) / (self.head_dim ** 0.5) + bias
        probs = torch.softmax(scores, dim=-1)
        out = torch.matmul(probs, repeat_kv(v, rep)).transpose(1, 2).reshape(b, t, -1)
        return self.o_proj(out), k, v


class CachedLayer(nn.Module):
    def __init__(self, layer):
        super().__init__()
        self.input_layernorm, self.post_attention_layernorm, self.mlp = layer.input_layernorm, layer.post_attention_layernorm, layer.mlp
        self.self_attn = CachedAttention(layer.self_attn)

    def forward(self, x, cos, sin, bias, past):
        a, k, v = self.self_attn(self.input_layernorm(x), cos, sin, bias, past)
        x = x + a
        return x + self.mlp(self.post_attention_layernorm(x)), k, v


class LlamaWithPast(nn.Module):
    """Optimum's `model.onnx` for Llama: (input_ids, attention_mask, position_ids, past) -> (logits, present)."""

    def __init__(self, model):
        super().__init__()
        self.embed_tokens, self.norm, self.lm_head = model.embed_tokens, model.norm, model.lm_head
        self.layers = nn.ModuleList([CachedLayer(layer) for layer in model.layers])
        self.register_buffer("inv_freq", model.inv_freq.clone(), persistent=False)

    def forward(self, input_ids, attention_mask, position_ids, past_key_values):
        freqs = position_ids.to(torch.float32)[:, :, None] * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]  # [B, 1, T, head_dim]
        bias = causal_padding_bias_with_past(attention_mask, input_ids.shape[1])
        x = self.embed_tokens(input_ids)
        present = []
        for i, layer in enumerate(self.layers):
            x, k, v = layer(x, cos, sin, bias, None if past_key_values is None else past_key_values[i])
            present.append((k, v))
        return self.lm_head(self.norm(x)), tuple(present)
