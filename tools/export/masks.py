"""Additive attention masks the way Hugging Face builds them: 0 where attention is allowed, the dtype's minimum elsewhere."""
import torch


def _bias(allowed, dtype):
    return torch.where(allowed, torch.zeros((), dtype=dtype), torch.tensor(torch.finfo(dtype).min, dtype=dtype))


def causal_padding_bias(attention_mask, dtype=torch.float32):
    """[B, 1, T, T]: query q may see key k when k <= q and k is not padding (decoders)."""
    t = attention_mask.shape[1]
    pos = torch.arange(t, device=attention_mask.device)
    causal = pos[None, :] <= pos[:, None]
    return _bias(causal[None, None, :, :] & attention_mask[:, None, None, :].bool(), dtype)


def padding_bias(attention_mask, dtype=torch.float32):
    """[B, 1, 1, T]: every query may see every non-padding key (encoders)."""
    return _bias(attention_mask[:, None, None, :].bool(), dtype)


def causal_padding_bias_with_past(attention_mask, query_length, dtype=torch.float32):
    """[B, 1, T, P+T] for T new tokens after P cached ones (attention_mask covers all P+T): query q, at absolute position
    P+q, may see key k when k <= P+q and k is not padding. With P = 0 this is causal_padding_bias."""
    total = attention_mask.shape[1]
    keys = torch.arange(total, device=attention_mask.device)
    queries = torch.arange(query_length, device=attention_mask.device) + (total - query_length)
    causal = keys[None, :] <= queries[:, None]
    return _bias(causal[None, None, :, :] & attention_mask[:, None, None, :].bool(), dtype)
