"""BERT built like Hugging Face's BertForMaskedLM: word + position + token-type embeddings with LayerNorm,
post-LN encoder layers (LayerNorm(x + sublayer(x))), exact-erf GELU, bidirectional attention with a padding mask,
and the MLM head (dense, GELU, LayerNorm, decoder tied to the word embeddings plus a bias) giving `logits`."""
import math

import torch
import torch.nn as nn

from masks import padding_bias


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, input_ids, token_type_ids):
        pos = torch.arange(input_ids.shape[1], dtype=torch.int64)[None, :]
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + self.position_embeddings(pos)
        return self.LayerNorm(x)


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n, self.d = c["num_attention_heads"], c["hidden_size"]
        self.query = nn.Linear(self.d, self.d)
        self.key = nn.Linear(self.d, self.d)
        self.value = nn.Linear(self.d, self.d)

    def forward(self, x, bias):
        b, t, _ = x.shape
        hd = self.d // self.n
        q, k, v = (m(x).view(b, t, self.n, hd).transpose(1, 2) for m in (self.query, self.key, self.value))
        w = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + bias, dim=-1)
        return torch.matmul(w, v).transpose(1, 2).reshape(b, t, self.d)


class AddNorm(nn.Module):
    """BertSelfOutput / BertOutput: dense projection, then LayerNorm of the residual sum (post-LN)."""

    def __init__(self, n_in, c):
        super().__init__()
        self.dense = nn.Linear(n_in, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention_self = SelfAttention(c)
        self.attention_output = AddNorm(c["hidden_size"], c)
        self.intermediate = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.output = AddNorm(c["intermediate_size"], c)

    def forward(self, x, bias):
        x = self.attention_output(self.attention_self(x, bias), x)
        return self.output(nn.functional.gelu(self.intermediate(x)), x)


class BertForMaskedLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.layer = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])
        self.transform = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.transform_LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.decoder = nn.Linear(c["hidden_size"], c["vocab_size"])
        self.decoder.weight = self.embeddings.word_embeddings.weight

    def forward(self, input_ids, attention_mask, token_type_ids):
        x = self.embeddings(input_ids, token_type_ids)
        bias = padding_bias(attention_mask)
        for layer in self.layer:
            x = layer(x, bias)
        h = self.transform_LayerNorm(nn.functional.gelu(self.transform(x)))
        return self.decoder(h)


def config(vocab_size, hidden=64, layers=2, heads=4, intermediate=256, max_pos=128):
    return {"architectures": ["BertForMaskedLM"], "model_type": "bert", "vocab_size": vocab_size,
            "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
            "intermediate_size": intermediate, "hidden_act": "gelu", "max_position_embeddings": max_pos,
            "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0, "position_embedding_type": "absolute",
            "tie_word_embeddings": True}
