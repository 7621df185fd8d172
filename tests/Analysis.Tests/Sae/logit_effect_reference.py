"""Oracle for SaeFeaturesTests: the logit effect of every decoder row of an SAE on stories260k, by the textbook formula.

effect_j = RMSNorm(u_j) @ W_U with u_j = W_dec[j] scaled to unit RMS, RMSNorm(u) = u / sqrt(mean(u^2) + eps) * gamma.
W_dec is read from sae_weights.safetensors by the format's own rules; gamma, eps and W_U from the ONNX file's final
norm (the initializer 'norm.weight', the epsilon constant added before its Sqrt) and the MatMul producing 'logits'.
Prints the [features x vocab] matrix as JSON.
"""
import json
import struct
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model_path, sae_path = sys.argv[1], sys.argv[2]

with open(sae_path, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
meta = header["W_dec"]
assert meta["dtype"] == "F32"
start, end = meta["data_offsets"]
w_dec = np.frombuffer(data[start:end], dtype="<f4").reshape(meta["shape"]).astype(np.float64)

graph = onnx.load(model_path).graph
inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
consts = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in graph.node if n.op_type == "Constant"}
gamma = inits["norm.weight"].astype(np.float64)
unembed = next(n for n in graph.node if n.op_type == "MatMul" and n.output[0] == "logits")
w_u = inits[unembed.input[1]].astype(np.float64)
eps = float(consts["/norm/Constant_1_output_0"])

d = w_dec.shape[1]
u = w_dec / np.linalg.norm(w_dec, axis=1, keepdims=True) * np.sqrt(d)
normed = u / np.sqrt((u ** 2).mean(axis=1, keepdims=True) + eps) * gamma
print(json.dumps((normed @ w_u).tolist()))
