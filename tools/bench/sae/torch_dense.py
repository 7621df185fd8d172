"""PyTorch's dense TopK SAE step (the SAELens/sparsify way: dense latents, autograd), on the same init and batches.

usage: torch_dense.py DIR D M K B STEPS  -> one JSON line: tokens/s over steps 2..STEPS and the last loss.
"""
import json, os, sys, time
import numpy as np
import torch

folder, d, m, k, b, steps = sys.argv[1], *map(int, sys.argv[2:7])
torch.set_num_threads(os.cpu_count())
W_dec = torch.from_numpy(np.fromfile(f"{folder}/dec_rows.bin", dtype=np.float32).reshape(m, d).copy()).requires_grad_()
W_enc = W_dec.detach().T.contiguous().requires_grad_()
b_enc = torch.zeros(m, requires_grad=True)
b_dec = torch.from_numpy(np.fromfile(f"{folder}/dec_bias.bin", dtype=np.float32).copy()).requires_grad_()
X = np.memmap(f"{folder}/batches.bin", dtype=np.float32, mode="r").reshape(-1, b, d)
opt = torch.optim.Adam([W_enc, b_enc, W_dec, b_dec], lr=1e-3)
timed, loss = 0.0, None
for s in range(steps):
    x = torch.from_numpy(np.array(X[s]))
    start = time.perf_counter()
    pre = torch.relu((x - b_dec) @ W_enc + b_enc)
    vals, idx = pre.topk(k, dim=-1)
    z = torch.zeros_like(pre).scatter(-1, idx, vals)
    recon = z @ W_dec + b_dec
    loss = (recon - x).pow(2).sum(-1).mean()
    opt.zero_grad()
    loss.backward()
    with torch.no_grad():
        W_dec.grad -= (W_dec.grad * W_dec).sum(dim=1, keepdim=True) * W_dec
    opt.step()
    with torch.no_grad():
        W_dec /= W_dec.norm(dim=1, keepdim=True)
    if s > 0:
        timed += time.perf_counter() - start
print(json.dumps({"impl": "torch-dense", "tokens_per_s": round((steps - 1) * b / timed, 1), "last_loss": float(loss), "threads": torch.get_num_threads()}))
