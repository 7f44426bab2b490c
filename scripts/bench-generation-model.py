#!/usr/bin/python3
"""Writes the generation bench model: a random-weight GPT-2-shaped decoder of 6 layers, width 256
(4 heads of 64), 1,024 positions and GPT-2's vocabulary size (50,257), in the Hub's decoder-only
ONNX layout (onnx/model.onnx with past_key_values.{i}.key|value -> present.{i}.*), with config.json,
generation_config.json and a byte-level BPE tokenizer.json of the same 50,257 tokens. Weights do not
change the cost of a step, so random ones measure what GPT-2-sized logits and cache cost.

The tokenizer is generated, not GPT-2's: the 256 byte symbols, <|endoftext|> (id 50256, as in
GPT-2), then merges of common letter pairs, triples and so on until the vocabulary is full; every id
decodes, so any generated token is printable text.

Not run by CI (the model is about 125 MB and is never committed). Optionally also writes the bench
prompts: 96 JSON lines of 3 to about 200 words, each asking for exactly 32 new tokens.

The transformers.js baseline on the same model and prompts: bench-generation-baseline.mjs.

Usage: bench-generation-model.py OUT_DIR [--prompts samples/bench/generation-prompts.jsonl]
"""
import json
import os
import random
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny-models"))
import generation  # noqa: E402
from tiny_models import added, bytes_to_unicode, write_json  # noqa: E402

VOCAB, WIDTH, HEADS, LAYERS, POSITIONS = 50257, 256, 4, 6, 1024
EOS = VOCAB - 1


def tokenizer():
    alphabet = bytes_to_unicode()
    tokens = [alphabet[b] for b in range(256)]
    common = [alphabet[b] for b in b" etaoinshrdlucmfwypvbgkjqxzETAOINSHRDLUCMFWYPVBGKJQXZ.,'"]
    merges, seen, level = [], set(tokens), list(common)
    while len(tokens) < VOCAB - 1:
        next_level = []
        for left in level:
            for right in common:
                token = left + right
                if token in seen:
                    continue
                seen.add(token)
                tokens.append(token)
                merges.append(left + " " + right)
                next_level.append(token)
                if len(tokens) == VOCAB - 1:
                    break
            if len(tokens) == VOCAB - 1:
                break
        level = next_level
    tokens.append("<|endoftext|>")
    vocab = {t: i for i, t in enumerate(tokens)}
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                  "use_regex": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(EOS, "<|endoftext|>")],
        "normalizer": None, "pre_tokenizer": byte_level, "post_processor": byte_level,
        "decoder": byte_level, "model": generation.bpe_model(vocab, merges),
    }


def write_model(out):
    torch.manual_seed(7)
    model = generation.Gpt2(VOCAB, WIDTH, HEADS, LAYERS, POSITIONS, [], bias=0.0).eval()
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    write_json(os.path.join(out, "config.json"), {
        "_name_or_path": "hubbatch/bench-gpt2-6x256", "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2", "vocab_size": VOCAB, "n_positions": POSITIONS, "n_ctx": POSITIONS,
        "n_embd": WIDTH, "n_layer": LAYERS, "n_head": HEADS, "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5, "bos_token_id": EOS, "eos_token_id": EOS, "use_cache": True})
    write_json(os.path.join(out, "generation_config.json"),
               {"bos_token_id": EOS, "eos_token_id": EOS})
    write_json(os.path.join(out, "tokenizer.json"), tokenizer())
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "model_max_length": POSITIONS, "bos_token": "<|endoftext|>",
        "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "add_prefix_space": False,
        "tokenizer_class": "GPT2Tokenizer", "clean_up_tokenization_spaces": False})
    generation.export_decoder(model, os.path.join(out, "onnx", "model.onnx"), True)
    print("wrote", out)


WORDS = ("the a report says that our team will ship the new version of the app after the review "
         "because customers asked for faster search better offline maps and a clearer invoice page "
         "while the support queue grew during the holiday rush so we plan more tests").split()


def write_prompts(path):
    """96 prompts, 3 to about 200 words, log-uniform so short and long ones are both common."""
    rng = random.Random(12)
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(96):
            length = int(round(3 * (200 / 3) ** rng.random()))
            words = [rng.choice(WORDS) for _ in range(length)]
            text = " ".join(words).capitalize()
            record = {"inputs": text, "parameters": {"max_new_tokens": 32, "min_new_tokens": 32}}
            f.write(json.dumps(record) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    if len(sys.argv) == 2:
        write_model(sys.argv[1])
    elif len(sys.argv) == 4 and sys.argv[2] == "--prompts":
        write_model(sys.argv[1])
        write_prompts(sys.argv[3])
    else:
        sys.exit(__doc__)
