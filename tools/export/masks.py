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
