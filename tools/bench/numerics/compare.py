#!/usr/bin/python3
"""Parity and speed of our probes, PCA and PLS against scikit-learn on the same data.

Run from the repository root:  /usr/bin/python3 tools/bench/numerics/compare.py [--rows 50000 --dim 768 --classes 10]
It writes a synthetic dataset, runs scikit-learn and tools/bench/numerics/NumericsBench on it, checks the
tolerances of issue 7 and prints speed ratios (sklearn seconds / our seconds; > 1 means we are faster).
"""
import argparse, json, os, struct, subprocess, sys, tempfile, time

import numpy as np
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss, r2_score

ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, default=50000)
ap.add_argument("--dim", type=int, default=768)
ap.add_argument("--classes", type=int, default=10)
ap.add_argument("--seed", type=int, default=0)
args = ap.parse_args()
n, d, k = args.rows, args.dim, args.classes
rng = np.random.default_rng(args.seed)

# Activations-like data: a decaying spectrum, class structure in a 32-dim subspace, and a linear target.
basis = np.linalg.qr(rng.standard_normal((d, d)))[0]
spectrum = 1.0 / np.sqrt(1.0 + np.arange(d))
X = (rng.standard_normal((n, d)) * spectrum) @ basis.T
y = rng.integers(0, k, n)
means = rng.standard_normal((k, 32)) @ basis[:, :32].T * 0.12
X += means[y]
X += 0.5  # a non-zero mean, as real activations have
X = X.astype(np.float32)
w_true = rng.standard_normal(d) / np.sqrt(d)
target = X.astype(np.float64) @ w_true + 0.3 * rng.standard_normal(n)
n_train = int(n * 0.8)
Xtr, Xte, ytr, yte, ttr, tte = X[:n_train], X[n_train:], y[:n_train], y[n_train:], target[:n_train], target[n_train:]

work = tempfile.mkdtemp(prefix="numerics-bench-")
data = os.path.join(work, "data.bin")
with open(data, "wb") as f:
    f.write(struct.pack("<4i", n, d, k, n_train))
    f.write(X.tobytes()); f.write(y.astype(np.int32).tobytes()); f.write(target.astype(np.float64).tobytes())

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
project = os.path.join(root, "tools/bench/numerics/NumericsBench")
subprocess.run(["dotnet", "build", project, "-c", "Release", "-v", "q", "-nologo"], check=True, stdout=subprocess.DEVNULL)
out = os.path.join(work, "ours.json")
subprocess.run(["dotnet", "run", "--no-build", "-c", "Release", "--project", project, "--", data, out], check=True)
ours = json.load(open(out))

def timed(f):
    t = time.perf_counter(); r = f(); return r, time.perf_counter() - t

rows, failures = [], []
def check(name, ok, detail):
    rows.append((name, "ok" if ok else "FAIL", detail))
    if not ok: failures.append(name)

# Logistic regression (lbfgs, C=1, multinomial). max_iter high enough to converge (default 100 stops early here).
lr, t_lr = timed(lambda: LogisticRegression(C=1.0, max_iter=1000).fit(Xtr, ytr))
acc = accuracy_score(yte, lr.predict(Xte)); ll = log_loss(yte, lr.predict_proba(Xte))
o = ours["logistic"]
check("logistic accuracy", abs(o["accuracy"] - acc) * 100 <= 0.5, f"ours {o['accuracy']:.4f} sklearn {acc:.4f}")
check("logistic log-loss", abs(o["log_loss"] - ll) / ll <= 0.01, f"ours {o['log_loss']:.5f} sklearn {ll:.5f}")
lr100, t_lr100 = timed(lambda: LogisticRegression(C=1.0).fit(Xtr, ytr))

ridge, t_ridge = timed(lambda: Ridge(alpha=1.0).fit(Xtr, ttr))
rel = np.linalg.norm(np.array(ours["ridge"]["coef"]) - ridge.coef_) / np.linalg.norm(ridge.coef_)
check("ridge coefficients", rel <= 1e-4, f"relative error {rel:.2e}")

pca, t_pca = timed(lambda: PCA(n_components=10, svd_solver="full").fit(Xtr))
o = ours["pca"]
dr = np.max(np.abs(np.array(o["ratio"]) - pca.explained_variance_ratio_))
check("PCA explained variance ratio", dr <= 1e-5, f"max abs diff {dr:.2e}")
comps = np.array(o["components"]).reshape(10, d)
cos = np.abs(np.sum(comps * pca.components_, axis=1))
check("PCA components (up to sign)", np.min(cos) >= 1 - 1e-4, f"min |cos| {np.min(cos):.6f}")
rpca, t_rpca = timed(lambda: PCA(n_components=10, svd_solver="randomized", random_state=0).fit(Xtr))
dr2 = np.max(np.abs(np.array(ours["pca_randomized"]["ratio"]) - rpca.explained_variance_ratio_))
check("randomized PCA ratio", dr2 <= 1e-4, f"max abs diff {dr2:.2e}")

pls, t_pls = timed(lambda: PLSRegression(n_components=5, scale=True).fit(Xtr, ttr))
r2_s = r2_score(tte, pls.predict(Xte).ravel()); r2_o = r2_score(tte, np.array(ours["pls"]["prediction"]))
check("PLS prediction R2", abs(r2_s - r2_o) <= 1e-3, f"ours {r2_o:.5f} sklearn {r2_s:.5f}")

speed = [
    ("logistic (sklearn max_iter=1000)", t_lr, ours["logistic"]["seconds"]),
    ("logistic (sklearn default max_iter=100)", t_lr100, ours["logistic"]["seconds"]),
    ("ridge", t_ridge, ours["ridge"]["seconds"]),
    ("PCA exact (full SVD)", t_pca, ours["pca"]["seconds"]),
    ("PCA randomized", t_rpca, ours["pca_randomized"]["seconds"]),
    ("PLS 5 components", t_pls, ours["pls"]["seconds"]),
]
print(f"\nData: {n} x {d}, {k} classes, train {n_train}, test {n - n_train}")
for name, status, detail in rows: print(f"  {status:4} {name:32} {detail}")
print("\nSpeed (seconds; ratio = sklearn / ours):")
for name, ts, to in speed: print(f"  {name:40} sklearn {ts:7.2f}  ours {to:7.2f}  ratio {ts / to:5.2f}x")
sys.exit(1 if failures else 0)
