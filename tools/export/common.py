"""Shared pieces of the exporters: ONNX export with dynamic axes, checking, and the files every export writes.

Every export folder holds model.onnx, tokenizer.json (+ tokenizer_config.json), config.json and reference.json.
reference.json ("analysis-reference/1") holds fixed inputs and the exporter's own logits for them, so that
`analysis verify` can compare any runtime against the framework that produced the model.
"""
import hashlib
import json
import os

import numpy as np
import onnx
import torch


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(path, obj, compact=False):
    with open(path, "w", encoding="utf-8") as f:
        if compact:
            json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
        else:
            json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")


def export_onnx(model, inputs, path, opset, input_names):
    """Exports with torch.onnx.export: dynamic batch and sequence axes, int64 inputs, one output `logits`."""
    model.eval()
    dynamic = {name: {0: "batch", 1: "sequence"} for name in input_names}
    dynamic["logits"] = {0: "batch", 1: "sequence"}
    return export_checked(model, tuple(inputs[name] for name in input_names), path, opset, list(input_names), ["logits"], dynamic)


def export_checked(module, args, path, opset, input_names, output_names, dynamic_axes):
    """torch.onnx.export with constant folding, then onnx's full check of the file; returns the loaded model."""
    with torch.no_grad():
        torch.onnx.export(
            module,
            args,
            path,
            input_names=input_names,
            output_names=output_names,
            dynamic_axes=dynamic_axes,
            opset_version=opset,
            do_constant_folding=True,
        )
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    return m


def pad_batch(rows, pad_id):
    """Right-pads token id rows into int64 input_ids and attention_mask tensors."""
    t = max(len(r) for r in rows)
    ids = torch.full((len(rows), t), pad_id, dtype=torch.int64)
    mask = torch.zeros((len(rows), t), dtype=torch.int64)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r, dtype=torch.int64)
        mask[i, : len(r)] = 1
    return ids, mask


def reference_case(name, texts, inputs, logits):
    """One reference.json case: the inputs by graph input name and the logits flattened row-major."""
    arr = logits.detach().to(torch.float32).numpy()
    return {
        "name": name,
        "texts": texts,
        "inputs": {k: v.tolist() for k, v in inputs.items()},
        "logits_shape": list(arr.shape),
        # 9 significant digits round-trip float32 exactly.
        "logits": [float(f"{x:.9g}") for x in arr.reshape(-1)],
    }


def write_reference(path, model_name, cases, tolerance, extra=None):
    obj = {
        "format": "analysis-reference/1",
        "model": model_name,
        "producer": f"torch {torch.__version__}",
        "tolerance": tolerance,
        "cases": cases,
    }
    if extra:
        obj.update(extra)
    write_json(path, obj, compact=True)


def describe_onnx(m):
    return {
        "opset": max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")),
        "inputs": [i.name for i in m.graph.input],
        "outputs": [o.name for o in m.graph.output],
        "nodes": len(m.graph.node),
    }


def ensure_dir(path):
    os.makedirs(path, exist_ok=True)
    return path


def seeded(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
