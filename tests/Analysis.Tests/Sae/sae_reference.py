"""PyTorch oracle for the SAE trainer: the same loss written densely, gradients by autograd, torch.optim.Adam.

Reads a folder written by SaeTorchTests (cfg.json + float32 .bin files), runs the steps and writes per-step losses
and gradients and the final weights back as .bin files. Debian's python3-torch; test-time only.
"""
import json, sys
import numpy as np
import torch

folder = sys.argv[1]
cfg = json.load(open(f"{folder}/cfg.json"))
d, m, k, B, steps = cfg["d"], cfg["m"], cfg["k"], cfg["batch"], cfg["steps"]
arch, l1, alpha, dead_tokens, rate = cfg["arch"], cfg["l1"], cfg["alpha"], cfg["dead_tokens"], cfg["threshold_rate"]
lrs = cfg["lrs"]

def load(name, *shape):
    return torch.from_numpy(np.fromfile(f"{folder}/{name}.bin", dtype=np.float32).reshape(*shape).copy())

W_enc = load("enc_rows", m, d).T.contiguous().requires_grad_()  # [d_in, d_sae] as SAELens stores it
b_enc = load("enc_bias", m).requires_grad_()
W_dec = load("dec_rows", m, d).requires_grad_()
b_dec = load("dec_bias", d).requires_grad_()
X = load("batches", steps, B, d)
opt = torch.optim.Adam([W_enc, b_enc, W_dec, b_dec], lr=lrs[0], betas=(0.9, 0.999), eps=1e-8, foreach=False)
since_fired = torch.zeros(m, dtype=torch.int64)
threshold = 0.0
losses, grads = [], {n: [] for n in ["enc_rows", "enc_bias", "dec_rows", "dec_bias"]}
for s in range(steps):
    x = X[s]
    dead = since_fired >= dead_tokens
    pre = torch.relu((x - b_dec) @ W_enc + b_enc)
    if arch == "topk":
        vals, idx = pre.topk(k, dim=-1)
        z = torch.zeros_like(pre).scatter(-1, idx, vals)
    elif arch == "batchtopk":
        vals, idx = pre.flatten().topk(k * B)
        z = torch.zeros_like(pre.flatten()).scatter(-1, idx, vals).reshape(B, m)
    else:
        z = pre
    recon = z @ W_dec + b_dec
    e = recon - x
    loss = e.pow(2).sum(-1).mean()
    if arch == "relu":
        loss = loss + l1 * (z * W_dec.norm(dim=1)).sum(-1).mean()
    n_dead = int(dead.sum())
    if arch != "relu" and n_dead > 0 and d // 2 > 0:
        k_aux = min(d // 2, n_dead)
        scale = min(n_dead / (d // 2), 1.0)
        av, ai = torch.where(dead[None], pre, torch.tensor(-float("inf"))).topk(k_aux, dim=-1)
        z_aux = torch.zeros_like(pre).scatter(-1, ai, av)
        e_hat = z_aux @ W_dec
        loss = loss + alpha * scale * (e_hat - (x - recon).detach()).pow(2).sum(-1).mean()
    opt.zero_grad()
    loss.backward()
    with torch.no_grad():
        W_dec.grad -= (W_dec.grad * W_dec).sum(dim=1, keepdim=True) * W_dec
    losses.append(float(loss))
    grads["enc_rows"].append(W_enc.grad.T.contiguous().numpy().copy())
    grads["enc_bias"].append(b_enc.grad.numpy().copy())
    grads["dec_rows"].append(W_dec.grad.numpy().copy())
    grads["dec_bias"].append(b_dec.grad.numpy().copy())
    for group in opt.param_groups:
        group["lr"] = lrs[s]
    opt.step()
    with torch.no_grad():
        W_dec /= W_dec.norm(dim=1, keepdim=True)
        if arch == "batchtopk" and bool((z > 0).any()):
            threshold = (1 - rate) * threshold + rate * float(z[z > 0].min())
        since_fired += B
        since_fired[(z > 0).any(dim=0)] = 0

for n, g in grads.items():
    np.stack(g).astype(np.float32).tofile(f"{folder}/grad_{n}.bin")
W_enc.detach().T.contiguous().numpy().tofile(f"{folder}/out_enc_rows.bin")
b_enc.detach().numpy().tofile(f"{folder}/out_enc_bias.bin")
W_dec.detach().numpy().tofile(f"{folder}/out_dec_rows.bin")
b_dec.detach().numpy().tofile(f"{folder}/out_dec_bias.bin")
json.dump({"losses": losses, "threshold": threshold, "dead": int((since_fired >= dead_tokens).sum())}, open(f"{folder}/out.json", "w"))
