#!/usr/bin/python3
"""Convert a BERT encoder exported to ONNX (as the Hub's optimum/Xenova exports are) into
TorchScript with the same weights, for DJL's PyTorch engine.

Usage: onnx_bert_to_torchscript.py MODEL.onnx CONFIG.json OUT.pt

The ONNX file's initializers are read with the `onnx` package; named ones map to BERT parameters
directly, and the unnamed MatMul weights are matched to their layer through the bias that the
following Add consumes. A BERT written in plain torch is filled with them and traced with
(input_ids, attention_mask, token_type_ids), the input order of Hub exports. Runs with Debian's
python3-torch (1.13) and python3-onnx; the TorchScript it writes loads in libtorch 2.x.
"""
import json
import math
import sys

import onnx
import torch
from onnx import numpy_helper


class SelfAttention(torch.nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.head_size = hidden // heads
        self.query = torch.nn.Linear(hidden, hidden)
        self.key = torch.nn.Linear(hidden, hidden)
        self.value = torch.nn.Linear(hidden, hidden)

    def split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_size).permute(0, 2, 1, 3)

    def forward(self, x, mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size) + mask
        context = torch.matmul(torch.softmax(scores, dim=-1), v)
        b, _, n, _ = context.shape
        return context.permute(0, 2, 1, 3).reshape(b, n, self.heads * self.head_size)


class Layer(torch.nn.Module):
    def __init__(self, hidden, heads, intermediate, eps):
        super().__init__()
        self.attention = SelfAttention(hidden, heads)
        self.attention_dense = torch.nn.Linear(hidden, hidden)
        self.attention_norm = torch.nn.LayerNorm(hidden, eps=eps)
        self.intermediate = torch.nn.Linear(hidden, intermediate)
        self.output = torch.nn.Linear(intermediate, hidden)
        self.output_norm = torch.nn.LayerNorm(hidden, eps=eps)

    def forward(self, x, mask):
        x = self.attention_norm(self.attention_dense(self.attention(x, mask)) + x)
        h = torch.nn.functional.gelu(self.intermediate(x))
        return self.output_norm(self.output(h) + x)


class Bert(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        hidden = config["hidden_size"]
        eps = config.get("layer_norm_eps", 1e-12)
        self.word = torch.nn.Embedding(config["vocab_size"], hidden)
        self.position = torch.nn.Embedding(config["max_position_embeddings"], hidden)
        self.token_type = torch.nn.Embedding(config["type_vocab_size"], hidden)
        self.norm = torch.nn.LayerNorm(hidden, eps=eps)
        self.layers = torch.nn.ModuleList(
            Layer(hidden, config["num_attention_heads"], config["intermediate_size"], eps)
            for _ in range(config["num_hidden_layers"]))

    def forward(self, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids)
        x = self.norm(x)
        mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, mask)
        return (x,)


def onnx_weights(path):
    """Every weight of the export under its transformers name (Linear weights as [out, in])."""
    graph = onnx.load(path).graph
    init = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    weights = {name: tensor for name, tensor in init.items() if not name.startswith("onnx::")}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in init:
            continue
        add = next(n for n in consumers[node.output[0]] if n.op_type == "Add")
        bias = next(i for i in add.input if i.endswith(".bias"))
        weights[bias[: -len("bias")] + "weight"] = init[node.input[1]].t().contiguous()
    return weights


def torch_name(name):
    """Maps a transformers BERT parameter name to this module's."""
    name = name.removeprefix("bert.")
    replacements = [
        ("embeddings.word_embeddings", "word"),
        ("embeddings.position_embeddings", "position"),
        ("embeddings.token_type_embeddings", "token_type"),
        ("embeddings.LayerNorm", "norm"),
        ("encoder.layer.", "layers."),
        ("attention.self.", "attention."),
        ("attention.output.dense", "attention_dense"),
        ("attention.output.LayerNorm", "attention_norm"),
        ("intermediate.dense", "intermediate"),
        ("output.dense", "output"),
        ("output.LayerNorm", "output_norm"),
    ]
    for old, new in replacements:
        name = name.replace(old, new)
    return name


def main(onnx_path, config_path, out_path):
    with open(config_path) as f:
        config = json.load(f)
    model = Bert(config).eval()
    state = {torch_name(k): v for k, v in onnx_weights(onnx_path).items()
             if k != "embeddings.position_ids"}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        sys.exit(f"weights do not match: missing {missing}, unexpected {unexpected}")
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 1012, 102]])
    example = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
    traced.save(out_path)
    with torch.no_grad():
        hidden = traced(*example)[0]
        mean = hidden.mean(dim=1)[0]
        print("first five of the un-normalised mean of 'This is a test.':",
              [round(v, 6) for v in mean[:5].tolist()])


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
