"""Writes the benchmark models into the folder given as argument (Debian's python3-onnx; no network).

add.onnx: the libonnx-testdata Add, [3,4,5] + [3,4,5] (measures per-call overhead).
mlp.onnx: 4 blocks of x + Gelu-free MLP (MatMul 512x2048, Relu, MatMul 2048x512, Add residual) on [1,64,512]
          float32 (measures a run dominated by compute, with 64x512 float input and output copies avoided).
"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

out = sys.argv[1]
rng = np.random.default_rng(0)

add = helper.make_graph(
    [helper.make_node("Add", ["x", "y"], ["sum"])], "add",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4, 5]), helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 4, 5])],
    [helper.make_tensor_value_info("sum", TensorProto.FLOAT, [3, 4, 5])])
onnx.save(helper.make_model(add, opset_imports=[helper.make_opsetid("", 17)]), f"{out}/add.onnx")

nodes, inits, x = [], [], "x"
for b in range(4):
    w1 = numpy_helper.from_array((rng.standard_normal((512, 2048)) * 0.02).astype(np.float32), f"w1_{b}")
    w2 = numpy_helper.from_array((rng.standard_normal((2048, 512)) * 0.02).astype(np.float32), f"w2_{b}")
    inits += [w1, w2]
    nodes += [helper.make_node("MatMul", [x, w1.name], [f"h_{b}"]),
              helper.make_node("Relu", [f"h_{b}"], [f"a_{b}"]),
              helper.make_node("MatMul", [f"a_{b}", w2.name], [f"m_{b}"]),
              helper.make_node("Add", [x, f"m_{b}"], [f"r_{b}"])]
    x = f"r_{b}"
nodes.append(helper.make_node("Identity", [x], ["y"]))
mlp = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64, 512])],
                        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64, 512])], inits)
onnx.save(helper.make_model(mlp, opset_imports=[helper.make_opsetid("", 17)]), f"{out}/mlp.onnx")
