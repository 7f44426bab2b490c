#!/usr/bin/python3
"""Writes the small ONNX graphs the generation stage runs on ONNX Runtime to rearrange a decoder's
key/value cache without copying it through the Java heap (ai.hubbatch.model.decode.CacheGraphs):

  rows-<type>.onnx   y = Pad(Gather(x, rows, axis=0), pads)
                     keeps, repeats or reorders batch rows (finished sequences leave, beams
                     reorder, a prompt's row becomes its beams) and pads or trims (negative pads)
                     the time axis on the left
  merge-<type>.onnx  y = Concat(Pad(Gather(a, a_rows), a_pads), Pad(Gather(b, b_rows), b_pads), axis=0)
                     joins newly prefilled rows to the running batch, each side left-padded to one
                     time length
  last-<type>.onnx   y = Cast<float>(Gather(logits, -1, axis=1))
                     the last position's logits of a prefill, so only [batch, vocab] reaches the heap

for <type> float32 and float16 (the cache's element type follows the model's). Ranks are left open:
the same graph serves [batch, heads, time, head_dim] caches and [batch, time, hidden] encoder states.

Needs Debian's python3-onnx. Usage: cache-graphs.py [OUT_DIR]
(default model/src/main/resources/ai/hubbatch/model/decode)
"""
import os
import sys

import onnx
from onnx import TensorProto, helper

OPSET = 13
TYPES = {"float32": TensorProto.FLOAT, "float16": TensorProto.FLOAT16}


def tensor(name, elem_type, rank=None):
    shape = None if rank is None else [None] * rank
    return helper.make_tensor_value_info(name, elem_type, shape)


def rows_graph(elem_type):
    nodes = [
        helper.make_node("Gather", ["x", "rows"], ["gathered"], axis=0),
        helper.make_node("Pad", ["gathered", "pads"], ["y"], mode="constant"),
    ]
    inputs = [tensor("x", elem_type), tensor("rows", TensorProto.INT64, 1),
              tensor("pads", TensorProto.INT64, 1)]
    return helper.make_graph(nodes, "rows", inputs, [tensor("y", elem_type)])


def merge_graph(elem_type):
    nodes = []
    for side in ("a", "b"):
        nodes.append(helper.make_node("Gather", [side, side + "_rows"], [side + "_gathered"], axis=0))
        nodes.append(helper.make_node("Pad", [side + "_gathered", side + "_pads"], [side + "_padded"],
                                      mode="constant"))
    nodes.append(helper.make_node("Concat", ["a_padded", "b_padded"], ["y"], axis=0))
    inputs = []
    for side in ("a", "b"):
        inputs += [tensor(side, elem_type), tensor(side + "_rows", TensorProto.INT64, 1),
                   tensor(side + "_pads", TensorProto.INT64, 1)]
    return helper.make_graph(nodes, "merge", inputs, [tensor("y", elem_type)])


def last_graph(elem_type):
    last = helper.make_tensor("last", TensorProto.INT64, [], [-1])
    nodes = [
        helper.make_node("Constant", [], ["index"], value=last),
        helper.make_node("Gather", ["logits", "index"], ["row"], axis=1),
        helper.make_node("Cast", ["row"], ["y"], to=TensorProto.FLOAT),
    ]
    return helper.make_graph(nodes, "last", [tensor("logits", elem_type, 3)],
                             [tensor("y", TensorProto.FLOAT, 2)])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "model", "src", "main", "resources", "ai", "hubbatch", "model", "decode")
    os.makedirs(out, exist_ok=True)
    for type_name, elem_type in TYPES.items():
        for name, build in (("rows", rows_graph), ("merge", merge_graph), ("last", last_graph)):
            model = helper.make_model(build(elem_type), producer_name="hubbatch cache-graphs.py",
                                      opset_imports=[helper.make_opsetid("", OPSET)])
            # ir_version 7 (ONNX 1.8): old enough for every ONNX Runtime hubbatch supports
            model.ir_version = 7
            # The checker wants every input shaped; these leave the rank open on purpose, and
            # ONNX Runtime's own load checks them (the Java tests load every one).
            path = os.path.join(out, f"{name}-{type_name}.onnx")
            onnx.save(model, path)
            print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
