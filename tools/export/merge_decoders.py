"""Merges a decoder without past and one with past into one model with an `If` node, the way Optimum's
`optimum.onnx.merge_decoders` builds `decoder_model_merged.onnx` (reimplemented here: Optimum is not installed):

- inputs: the union of both models' inputs (the no-past model's first), then `use_cache_branch` (bool [1]);
  attention_mask's second axis is renamed `attention_mask_sequence_length`, as Optimum does;
- one node `If(use_cache_branch)`: then_branch = the with-past graph, else_branch = the no-past graph; the branches
  have no inputs of their own (they read the outer graph's), and their outputs have the outer outputs' names;
- initializers equal in type, shape and bytes are stored once; weights move to the outer graph, scalars and 1-D
  integer tensors stay inside the branch that uses them (Optimum keeps those in the subgraphs too).
"""
import hashlib

import onnx
from onnx import helper, numpy_helper


def _key(t):
    return (t.data_type, tuple(t.dims), hashlib.sha256(numpy_helper.to_array(t).tobytes()).hexdigest())


def _stays_in_branch(t):
    return len(t.dims) == 0 or (len(t.dims) == 1 and t.data_type in (onnx.TensorProto.INT32, onnx.TensorProto.INT64))


def _deduplicate(models):
    """One name per distinct initializer content; returns (per-model old → new name maps, new name → tensor)."""
    names, tensors, renames = {}, {}, []
    for m in models:
        rename = {}
        for t in m.graph.initializer:
            key = _key(t)
            if key not in names:
                name, n = t.name, 0
                while name in tensors:
                    n += 1
                    name = f"{t.name}_merged_{n}"
                names[key] = name
                shared = onnx.TensorProto()
                shared.CopyFrom(t)
                shared.name = name
                tensors[name] = shared
            rename[t.name] = names[key]
        renames.append(rename)
    return renames, tensors


def _branch(model, rename, tensors, name):
    nodes = []
    for n in model.graph.node:
        copy = onnx.NodeProto()
        copy.CopyFrom(n)
        for i, x in enumerate(copy.input):
            copy.input[i] = rename.get(x, x)
        nodes.append(copy)
    used = sorted({rename[t.name] for t in model.graph.initializer})
    local = [tensors[u] for u in used if _stays_in_branch(tensors[u])]
    return helper.make_graph(nodes, name, inputs=[], outputs=list(model.graph.output), initializer=local,
                             value_info=list(model.graph.value_info))


def merge_decoders(decoder, decoder_with_past, graph_name="merged"):
    if [o.name for o in decoder.graph.output] != [o.name for o in decoder_with_past.graph.output]:
        raise ValueError("both decoders must have the same outputs in the same order")
    renames, tensors = _deduplicate([decoder, decoder_with_past])
    no_past = _branch(decoder, renames[0], tensors, "no_past")
    with_past = _branch(decoder_with_past, renames[1], tensors, "with_past")

    inputs, seen = [], set()
    for m in (decoder, decoder_with_past):
        for i in m.graph.input:
            if i.name in seen:
                continue
            seen.add(i.name)
            copy = onnx.ValueInfoProto()
            copy.CopyFrom(i)
            if copy.name == "attention_mask":
                copy.type.tensor_type.shape.dim[1].dim_param = "attention_mask_sequence_length"
            inputs.append(copy)
    inputs.append(helper.make_tensor_value_info("use_cache_branch", onnx.TensorProto.BOOL, [1]))

    outer = [t for name, t in tensors.items() if not _stays_in_branch(t)]
    if_node = helper.make_node("If", ["use_cache_branch"], [o.name for o in decoder_with_past.graph.output],
                               name="optimum::if", then_branch=with_past, else_branch=no_past)
    graph = helper.make_graph([if_node], graph_name, inputs, list(decoder_with_past.graph.output), initializer=outer)
    opsets = {}
    for o in list(decoder.opset_import) + list(decoder_with_past.opset_import):
        opsets.setdefault(o.domain, o)
    merged = helper.make_model(graph, producer_name="optimum-onnx (reimplemented in tools/export/merge_decoders.py)",
                               opset_imports=list(opsets.values()))
    merged.ir_version = max(decoder.ir_version, decoder_with_past.ir_version)
    return merged
