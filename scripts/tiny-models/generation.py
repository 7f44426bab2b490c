#!/usr/bin/python3
"""Write the tiny generation models: one Hub-layout ONNX folder per architecture, random weights
with a fixed seed, and the torch copy of each that the checks and the beam-search reference run.

Usage: generation.py OUT_DIR STAGE_DIR   writes the models into OUT_DIR (committed) and, into
                                         STAGE_DIR, what only the generator needs: each model's
                                         torch weights (model.pt, a state dict) and a copy of
                                         tiny-t5 with a merged decoder, the only seq2seq layout
                                         transformers.js loads
       generation.py --check OUT_DIR STAGE_DIR
                                         compares the torch models with the ONNX logits
                                         generation.mjs wrote (expected.json "onnx_logits"), to
                                         1e-4, and every greedy case transformers.js generated
                                         with beam_reference.py's greedy decoding of the torch
                                         model (the same logits processors)

The models (plain torch written with the transformers parameter layouts; transformers itself is not
needed):
  tiny-gpt2          GPT-2: learned positions, LayerNorm, fused qkv; onnx/model.onnx
  tiny-llama         Llama: RoPE, RMSNorm, SiLU MLP, grouped-query attention (4 query heads, 2 KV
                     heads), a Llama-3-style chat template; onnx/model.onnx
  tiny-llama-merged  the same weights as tiny-llama in the older merged layout only:
                     onnx/decoder_model_merged.onnx with use_cache_branch
  tiny-bart          BART: encoder_model.onnx + decoder_model_merged.onnx (use_cache_branch)
  tiny-t5            T5: relative position buckets, no absolute positions; encoder_model.onnx +
                     the older decoder_model.onnx + decoder_with_past_model.onnx pair
Each decoder's output layer has a bias toward its end-of-sequence token, so that greedy decoding
ends some prompts before their max_new_tokens and runs others to the end: both paths get tested.
Runs with Debian's python3-torch (1.13) and python3-onnx.
"""
import copy
import hashlib
import json
import math
import os
import sys

import onnx
import torch
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_models import added, bytes_to_unicode, write_json  # noqa: E402

F = torch.nn.functional

# Words every tokenizer knows as single tokens (with and without a leading space); anything else
# splits into bytes (BPE) or characters (Unigram).
WORDS = """the a of to in and is was it this that for on with at from are you i we they my
your what who where how not no yes do can will have hello there world cat dog sat mat house tree
sun moon day night time city paris france berlin london english german language translate
summarize story news weather today good new old big small water food book music love like want
know think say tell go come make see look give take work play game team one two three many some
more very little long but or then so up out again here about after before user assistant system
question answer please thank help friend""".split()
CAPITALIZED = ["The", "A", "I", "It", "This", "What", "Who", "Where", "How", "Hello", "Paris",
               "France", "Berlin", "London", "English", "German", "My", "Please", "Yes", "No",
               "Tell"]


def byte_level_bpe(specials, extra_words=()):
    """A byte-level BPE vocabulary: the special tokens, the 256 byte symbols, then every word merged
    left to right, spaced forms first so that " word" always ends as one token."""
    alphabet = bytes_to_unicode()
    tokens = list(specials) + [alphabet[b] for b in range(256)]
    merges = []
    words = WORDS + CAPITALIZED + list(extra_words)
    for form in [" " + w for w in words] + words:
        symbols = [alphabet[b] for b in form.encode("utf-8")]
        current = symbols[0]
        for symbol in symbols[1:]:
            merge = current + " " + symbol
            current = current + symbol
            if merge not in merges:
                merges.append(merge)
            if current not in tokens:
                tokens.append(current)
    return {t: i for i, t in enumerate(tokens)}, merges


def bpe_model(vocab, merges):
    return {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
            "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
            "vocab": vocab, "merges": merges}


def byte_level(add_prefix_space=False):
    return {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": True,
            "use_regex": True}


def gpt2_tokenizer():
    vocab, merges = byte_level_bpe(["<|endoftext|>"])
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(0, "<|endoftext|>")],
        "normalizer": None, "pre_tokenizer": byte_level(),
        "post_processor": byte_level(), "decoder": byte_level(),
        "model": bpe_model(vocab, merges),
    }
    config = {"model_max_length": 1024, "bos_token": "<|endoftext|>",
              "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
              "add_prefix_space": False, "tokenizer_class": "GPT2Tokenizer",
              "clean_up_tokenization_spaces": False}
    return tokenizer, config, vocab


# A Llama-3-style template (the Hub's Llama-3 templates do not check roles; this one adds the check
# Mistral's and Gemma's templates make, with raise_exception, so that a bad role fails here too).
LLAMA_CHAT_TEMPLATE = (
    "{{- bos_token }}"
    "{%- if messages[0]['role'] == 'system' %}"
    "{%- set system_message = messages[0]['content'] | trim %}"
    "{%- set loop_messages = messages[1:] %}"
    "{%- else %}"
    "{%- set system_message = '' %}"
    "{%- set loop_messages = messages %}"
    "{%- endif %}"
    "{%- if system_message %}"
    "{{- '<|start_header_id|>system<|end_header_id|>\\n\\n' + system_message + '<|eot_id|>' }}"
    "{%- endif %}"
    "{%- for message in loop_messages %}"
    "{%- if message['role'] not in ['user', 'assistant'] %}"
    "{{- raise_exception('Unknown role: ' + message['role'] + '; this template takes system, "
    "user and assistant') }}"
    "{%- endif %}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' "
    "+ message['content'] | trim + '<|eot_id|>' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{%- endif %}"
)
LLAMA_SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                  "<|end_header_id|>", "<|eot_id|>"]


def llama_tokenizer():
    vocab, merges = byte_level_bpe(LLAMA_SPECIALS)
    bos = "<|begin_of_text|>"
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(vocab[t], t) for t in LLAMA_SPECIALS],
        "normalizer": None, "pre_tokenizer": byte_level(),
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": bos, "type_id": 1}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {bos: {"id": bos, "ids": [vocab[bos]], "tokens": [bos]}},
        },
        "decoder": byte_level(),
        "model": bpe_model(vocab, merges),
    }
    config = {"model_max_length": 128, "bos_token": bos, "eos_token": "<|eot_id|>",
              "pad_token": "<|end_of_text|>", "add_bos_token": True, "add_eos_token": False,
              "tokenizer_class": "PreTrainedTokenizerFast",
              "clean_up_tokenization_spaces": False, "chat_template": LLAMA_CHAT_TEMPLATE}
    return tokenizer, config, vocab


def bart_tokenizer():
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    vocab, merges = byte_level_bpe(specials)
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(vocab[t], t, lstrip=(t == "<mask>")) for t in specials],
        "normalizer": None, "pre_tokenizer": byte_level(),
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": byte_level(),
        "model": bpe_model(vocab, merges),
    }
    config = {"model_max_length": 64, "bos_token": "<s>", "eos_token": "</s>",
              "sep_token": "</s>", "cls_token": "<s>", "unk_token": "<unk>", "pad_token": "<pad>",
              "mask_token": "<mask>", "add_prefix_space": False,
              "tokenizer_class": "BartTokenizer", "clean_up_tokenization_spaces": False}
    return tokenizer, config, vocab


def t5_tokenizer():
    """A SentencePiece-style Unigram vocabulary as T5's tokenizer.json has it: Metaspace
    pre-tokenizer and decoder, </s> appended, every word a piece with a score that beats its
    letters."""
    specials = ["<pad>", "</s>", "<unk>"]
    pieces = [[t, 0.0] for t in specials]
    seen = set(specials)

    def piece(text, score):
        if text not in seen:
            seen.add(text)
            pieces.append([text, score])

    for word in WORDS + CAPITALIZED:
        piece("\u2581" + word, -3.0 - 0.01 * len(pieces) / 100)
        piece(word, -6.0)
    piece("\u2581", -4.0)
    for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?;:'\"()-":
        piece(c, -10.0)
    vocab = {p[0]: i for i, p in enumerate(pieces)}
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(i, t) for i, t in enumerate(specials)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581",
                          "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}},
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always",
                    "split": True},
        "model": {"type": "Unigram", "unk_id": 2, "vocab": pieces, "byte_fallback": False},
    }
    config = {"model_max_length": 64, "eos_token": "</s>", "unk_token": "<unk>",
              "pad_token": "<pad>", "extra_ids": 0, "tokenizer_class": "T5Tokenizer",
              "clean_up_tokenization_spaces": True}
    return tokenizer, config, vocab


# ---------------------------------------------------------------------------------------------
# Models. Every attention takes an additive mask built in the graph from attention_mask and the
# past length, with finfo.min (not -inf) so that a fully masked padding row stays finite.

NEG = torch.finfo(torch.float32).min


def causal_mask(attention_mask, query_length):
    """[batch, 1, query, past + query] additive mask: causal over absolute positions, and
    padding from attention_mask (which covers past and current tokens)."""
    total = attention_mask.shape[1]
    past = total - query_length
    q = torch.arange(query_length, device=attention_mask.device) + past
    k = torch.arange(total, device=attention_mask.device)
    allowed = (k[None, :] <= q[:, None])[None, None] & attention_mask[:, None, None, :].bool()
    return torch.zeros(allowed.shape, dtype=torch.float32).masked_fill(~allowed, NEG)


def padding_mask(attention_mask):
    return (1.0 - attention_mask[:, None, None, :].float()) * NEG


def split_heads(x, heads):
    b, s, _ = x.shape
    return x.view(b, s, heads, -1).transpose(1, 2)


def merge_heads(x):
    b, h, s, d = x.shape
    return x.transpose(1, 2).reshape(b, s, h * d)


def attend(q, k, v, mask, scale=True):
    scores = torch.matmul(q, k.transpose(-1, -2))
    if scale:
        scores = scores / math.sqrt(q.shape[-1])
    return torch.matmul(torch.softmax(scores + mask, dim=-1), v)


class Gpt2Block(torch.nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = torch.nn.LayerNorm(width, eps=1e-5)
        self.c_attn = torch.nn.Linear(width, 3 * width)
        self.c_proj = torch.nn.Linear(width, width)
        self.ln_2 = torch.nn.LayerNorm(width, eps=1e-5)
        self.c_fc = torch.nn.Linear(width, 4 * width)
        self.mlp_proj = torch.nn.Linear(4 * width, width)

    def forward(self, x, mask, past_key, past_value):
        q, k, v = self.c_attn(self.ln_1(x)).chunk(3, dim=-1)
        q, k, v = (split_heads(t, self.heads) for t in (q, k, v))
        k = torch.cat([past_key, k], dim=2)
        v = torch.cat([past_value, v], dim=2)
        x = x + self.c_proj(merge_heads(attend(q, k, v, mask)))
        x = x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))
        return x, k, v


class Gpt2(torch.nn.Module):
    """GPT-2's decoder; forward(input_ids, attention_mask, position_ids, *past) returns (logits,
    *presents) with the past and presents as past_key_values.{i}.key, .value in layer order."""

    def __init__(self, vocab, width, heads, layers, positions, eos, bias=2.5):
        super().__init__()
        self.heads, self.layers, self.head_dim = heads, layers, width // heads
        self.wte = torch.nn.Embedding(vocab, width)
        self.wpe = torch.nn.Embedding(positions, width)
        self.h = torch.nn.ModuleList(Gpt2Block(width, heads) for _ in range(layers))
        self.ln_f = torch.nn.LayerNorm(width, eps=1e-5)
        self.lm_head = torch.nn.Linear(width, vocab)
        eos_bias(self.lm_head, eos, bias)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        x = self.wte(input_ids) + self.wpe(position_ids)
        mask = causal_mask(attention_mask, input_ids.shape[1])
        presents = []
        for i, block in enumerate(self.h):
            x, k, v = block(x, mask, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        return (self.lm_head(self.ln_f(x)), *presents)


class RmsNorm(torch.nn.Module):
    def __init__(self, width, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(1.0 + 0.1 * torch.randn(width))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class LlamaBlock(torch.nn.Module):
    def __init__(self, width, heads, kv_heads, head_dim, intermediate):
        super().__init__()
        self.heads, self.kv_heads = heads, kv_heads
        self.input_layernorm = RmsNorm(width, 1e-6)
        self.q_proj = torch.nn.Linear(width, heads * head_dim, bias=False)
        self.k_proj = torch.nn.Linear(width, kv_heads * head_dim, bias=False)
        self.v_proj = torch.nn.Linear(width, kv_heads * head_dim, bias=False)
        self.o_proj = torch.nn.Linear(heads * head_dim, width, bias=False)
        self.post_attention_layernorm = RmsNorm(width, 1e-6)
        self.gate_proj = torch.nn.Linear(width, intermediate, bias=False)
        self.up_proj = torch.nn.Linear(width, intermediate, bias=False)
        self.down_proj = torch.nn.Linear(intermediate, width, bias=False)

    def forward(self, x, mask, cos, sin, past_key, past_value):
        h = self.input_layernorm(x)
        q = split_heads(self.q_proj(h), self.heads)
        k = split_heads(self.k_proj(h), self.kv_heads)
        v = split_heads(self.v_proj(h), self.kv_heads)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.cat([past_key, k], dim=2)
        v = torch.cat([past_value, v], dim=2)
        attended = attend(q, repeat_kv(k, self.heads), repeat_kv(v, self.heads), mask)
        x = x + self.o_proj(merge_heads(attended))
        h = self.post_attention_layernorm(x)
        x = x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))
        return x, k, v


def repeat_kv(x, heads):
    """transformers' repeat_kv: each KV head serves heads / kv_heads query heads."""
    b, kv_heads, s, d = x.shape
    return x[:, :, None].expand(b, kv_heads, heads // kv_heads, s, d).reshape(b, heads, s, d)


class Llama(torch.nn.Module):
    """Llama's decoder with the same call contract as Gpt2; the cache holds num_key_value_heads."""

    def __init__(self, vocab, width, heads, kv_heads, layers, intermediate, eos, bias=2.5,
                 theta=10000.0):
        super().__init__()
        self.heads, self.layers, self.head_dim = kv_heads, layers, width // heads
        self.embed_tokens = torch.nn.Embedding(vocab, width)
        self.blocks = torch.nn.ModuleList(
            LlamaBlock(width, heads, kv_heads, self.head_dim, intermediate) for _ in range(layers))
        self.norm = RmsNorm(width, 1e-6)
        self.lm_head = torch.nn.Linear(width, vocab)
        eos_bias(self.lm_head, eos, bias)
        inv_freq = 1.0 / theta ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim)
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        x = self.embed_tokens(input_ids)
        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        angles = torch.cat([freqs, freqs], dim=-1)[:, None]
        cos, sin = angles.cos(), angles.sin()
        mask = causal_mask(attention_mask, input_ids.shape[1])
        presents = []
        for i, block in enumerate(self.blocks):
            x, k, v = block(x, mask, cos, sin, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        return (self.lm_head(self.norm(x)), *presents)


def eos_bias(head, eos_ids, bias):
    """Random heads give near-uniform, repetitive greedy paths; wider weights make choices
    distinct, and a bias toward EOS makes some prompts end early."""
    torch.nn.init.normal_(head.weight, std=0.5)
    with torch.no_grad():
        head.bias.zero_()
        for eos in eos_ids:
            head.bias[eos] = bias


class Attention(torch.nn.Module):
    """BART's or T5's multi-head attention projections."""

    def __init__(self, width, heads, head_dim, bias):
        super().__init__()
        self.heads = heads
        self.q = torch.nn.Linear(width, heads * head_dim, bias=bias)
        self.k = torch.nn.Linear(width, heads * head_dim, bias=bias)
        self.v = torch.nn.Linear(width, heads * head_dim, bias=bias)
        self.o = torch.nn.Linear(heads * head_dim, width, bias=bias)

    def keys_values(self, x):
        return split_heads(self.k(x), self.heads), split_heads(self.v(x), self.heads)

    def forward(self, x, k, v, mask, scale):
        return self.o(merge_heads(attend(split_heads(self.q(x), self.heads), k, v, mask, scale)))


class BartLayer(torch.nn.Module):
    def __init__(self, width, heads, ffn, cross):
        super().__init__()
        self.self_attn = Attention(width, heads, width // heads, True)
        self.self_attn_layer_norm = torch.nn.LayerNorm(width)
        self.cross = Attention(width, heads, width // heads, True) if cross else None
        self.cross_layer_norm = torch.nn.LayerNorm(width) if cross else None
        self.fc1 = torch.nn.Linear(width, ffn)
        self.fc2 = torch.nn.Linear(ffn, width)
        self.final_layer_norm = torch.nn.LayerNorm(width)

    def forward(self, x, mask, past=None, cross_kv=None, cross_mask=None):
        k, v = self.self_attn.keys_values(x)
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        x = self.self_attn_layer_norm(x + self.self_attn(x, k, v, mask, True))
        if self.cross is not None:
            x = self.cross_layer_norm(x + self.cross(x, cross_kv[0], cross_kv[1], cross_mask,
                                                     True))
        x = self.final_layer_norm(x + self.fc2(F.gelu(self.fc1(x))))
        return x, k, v


class Bart(torch.nn.Module):
    """BART: post-LayerNorm layers, learned positions offset by 2, a shared embedding, the LM head
    tied to it plus final_logits_bias."""

    def __init__(self, vocab, width, heads, layers, ffn, positions, eos, bias=2.5):
        super().__init__()
        self.heads, self.layers, self.head_dim = heads, layers, width // heads
        self.shared = torch.nn.Embedding(vocab, width)
        torch.nn.init.normal_(self.shared.weight, std=0.5)
        self.encoder_positions = torch.nn.Embedding(positions + 2, width)
        self.decoder_positions = torch.nn.Embedding(positions + 2, width)
        self.encoder_layernorm_embedding = torch.nn.LayerNorm(width)
        self.decoder_layernorm_embedding = torch.nn.LayerNorm(width)
        self.encoder_layers = torch.nn.ModuleList(
            BartLayer(width, heads, ffn, False) for _ in range(layers))
        self.decoder_layers = torch.nn.ModuleList(
            BartLayer(width, heads, ffn, True) for _ in range(layers))
        self.final_logits_bias = torch.nn.Parameter(torch.zeros(vocab))
        with torch.no_grad():
            for e in eos:
                self.final_logits_bias[e] = bias

    def encode(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.shape[1]) + 2
        x = self.shared(input_ids) + self.encoder_positions(positions)[None]
        x = self.encoder_layernorm_embedding(x)
        mask = padding_mask(attention_mask)
        for layer in self.encoder_layers:
            x = layer(x, mask)[0]
        return x

    def cross_kv(self, encoder_hidden_states):
        kv = []
        for layer in self.decoder_layers:
            kv += list(layer.cross.keys_values(encoder_hidden_states))
        return kv

    def decode(self, input_ids, encoder_attention_mask, cross, past):
        """past: [k, v] per layer or None; returns logits, self-attention presents."""
        past_length = 0 if past is None else past[0].shape[2]
        positions = torch.arange(input_ids.shape[1]) + past_length + 2
        x = self.shared(input_ids) + self.decoder_positions(positions)[None]
        x = self.decoder_layernorm_embedding(x)
        ones = torch.ones(input_ids.shape[0], past_length + input_ids.shape[1],
                          dtype=torch.int64)
        mask = causal_mask(ones, input_ids.shape[1])
        cross_mask = padding_mask(encoder_attention_mask)
        presents = []
        for i, layer in enumerate(self.decoder_layers):
            layer_past = None if past is None else past[2 * i: 2 * i + 2]
            x, k, v = layer(x, mask, layer_past, cross[2 * i: 2 * i + 2], cross_mask)
            presents += [k, v]
        logits = F.linear(x, self.shared.weight) + self.final_logits_bias
        return logits, presents


def t5_bucket(relative_position, bidirectional, num_buckets, max_distance):
    """transformers' T5Attention._relative_position_bucket."""
    buckets = torch.zeros_like(relative_position)
    if bidirectional:
        num_buckets //= 2
        buckets = buckets + (relative_position > 0).long() * num_buckets
        relative_position = torch.abs(relative_position)
    else:
        relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    large = max_exact + (torch.log(relative_position.float() / max_exact)
                         / math.log(max_distance / max_exact)
                         * (num_buckets - max_exact)).long()
    large = torch.min(large, torch.full_like(large, num_buckets - 1))
    return buckets + torch.where(is_small, relative_position, large)


class T5Norm(torch.nn.Module):
    def __init__(self, width):
        super().__init__()
        self.weight = torch.nn.Parameter(1.0 + 0.1 * torch.randn(width))

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6))


class T5Layer(torch.nn.Module):
    def __init__(self, width, heads, d_kv, ffn, cross):
        super().__init__()
        self.self_norm = T5Norm(width)
        self.self_attn = Attention(width, heads, d_kv, False)
        self.cross_norm = T5Norm(width) if cross else None
        self.cross = Attention(width, heads, d_kv, False) if cross else None
        self.ff_norm = T5Norm(width)
        self.wi = torch.nn.Linear(width, ffn, bias=False)
        self.wo = torch.nn.Linear(ffn, width, bias=False)

    def forward(self, x, bias, past=None, cross_kv=None, cross_mask=None):
        h = self.self_norm(x)
        k, v = self.self_attn.keys_values(h)
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        x = x + self.self_attn(h, k, v, bias, False)
        if self.cross is not None:
            x = x + self.cross(self.cross_norm(x), cross_kv[0], cross_kv[1], cross_mask, False)
        return x + self.wo(F.relu(self.wi(self.ff_norm(x)))), k, v


class T5(torch.nn.Module):
    """T5 (v1.0 layout, untied head): pre-norm RMS layers, no attention scaling, relative position
    buckets from the first layer's table shared by all layers, no absolute positions."""

    def __init__(self, vocab, width, heads, d_kv, layers, ffn, buckets, max_distance, eos,
                 bias=2.5):
        super().__init__()
        self.heads, self.layers, self.head_dim = heads, layers, d_kv
        self.buckets, self.max_distance = buckets, max_distance
        self.shared = torch.nn.Embedding(vocab, width)
        self.encoder_bias = torch.nn.Embedding(buckets, heads)
        self.decoder_bias = torch.nn.Embedding(buckets, heads)
        self.encoder_layers = torch.nn.ModuleList(
            T5Layer(width, heads, d_kv, ffn, False) for _ in range(layers))
        self.decoder_layers = torch.nn.ModuleList(
            T5Layer(width, heads, d_kv, ffn, True) for _ in range(layers))
        self.encoder_norm = T5Norm(width)
        self.decoder_norm = T5Norm(width)
        self.lm_head = torch.nn.Linear(width, vocab)
        eos_bias(self.lm_head, eos, bias)

    def position_bias(self, table, query_positions, key_length, bidirectional):
        relative = torch.arange(key_length)[None, :] - query_positions[:, None]
        buckets = t5_bucket(relative, bidirectional, self.buckets, self.max_distance)
        return table(buckets).permute(2, 0, 1)[None]

    def encode(self, input_ids, attention_mask):
        x = self.shared(input_ids)
        length = input_ids.shape[1]
        bias = self.position_bias(self.encoder_bias, torch.arange(length), length, True) \
            + padding_mask(attention_mask)
        for layer in self.encoder_layers:
            x = layer(x, bias)[0]
        return self.encoder_norm(x)

    def cross_kv(self, encoder_hidden_states):
        kv = []
        for layer in self.decoder_layers:
            kv += list(layer.cross.keys_values(encoder_hidden_states))
        return kv

    def decode(self, input_ids, encoder_attention_mask, cross, past):
        past_length = 0 if past is None else past[0].shape[2]
        length = input_ids.shape[1]
        x = self.shared(input_ids)
        ones = torch.ones(input_ids.shape[0], past_length + length, dtype=torch.int64)
        bias = self.position_bias(self.decoder_bias, torch.arange(length) + past_length,
                                  past_length + length, False) + causal_mask(ones, length)
        cross_mask = padding_mask(encoder_attention_mask)
        presents = []
        for i, layer in enumerate(self.decoder_layers):
            layer_past = None if past is None else past[2 * i: 2 * i + 2]
            x, k, v = layer(x, bias, layer_past, cross[2 * i: 2 * i + 2], cross_mask)
            presents += [k, v]
        return self.lm_head(self.decoder_norm(x)), presents


# ---------------------------------------------------------------------------------------------
# The graphs each ONNX file holds, as modules whose forward takes that file's inputs in order.

class DecoderNoPast(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids):
        empty = torch.zeros(input_ids.shape[0], self.model.heads, 0, self.model.head_dim)
        return self.model(input_ids, attention_mask, position_ids,
                          *([empty] * (2 * self.model.layers)))


class Encoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model.encode(input_ids, attention_mask)


class Seq2SeqDecoder(torch.nn.Module):
    """decoder_model.onnx: the first step, computing the cross-attention keys and values."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, encoder_attention_mask, encoder_hidden_states):
        cross = self.model.cross_kv(encoder_hidden_states)
        logits, presents = self.model.decode(input_ids, encoder_attention_mask, cross, None)
        return (logits, *interleave(presents, cross))


class Seq2SeqDecoderWithPast(torch.nn.Module):
    """decoder_with_past_model.onnx: later steps; with pass_encoder, also returns the encoder
    past unchanged, as the with-past branch of a merged decoder must."""

    def __init__(self, model, pass_encoder):
        super().__init__()
        self.model = model
        self.pass_encoder = pass_encoder

    def forward(self, input_ids, encoder_attention_mask, *past):
        self_past = [t for i, t in enumerate(past) if i % 4 < 2]
        cross = [t for i, t in enumerate(past) if i % 4 >= 2]
        logits, presents = self.model.decode(input_ids, encoder_attention_mask, cross, self_past)
        if self.pass_encoder:
            return (logits, *interleave(presents, [t * 1.0 for t in cross]))
        return (logits, *presents)


def interleave(self_kv, cross_kv):
    """Per layer: decoder key, decoder value, encoder key, encoder value (optimum's order)."""
    out = []
    for i in range(0, len(self_kv), 2):
        out += self_kv[i:i + 2] + cross_kv[i:i + 2]
    return out


def decoder_past_names(layers, prefix):
    return [f"{prefix}.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]


def seq2seq_past_names(layers, prefix):
    return [f"{prefix}.{i}.{part}.{kind}" for i in range(layers)
            for part in ("decoder", "encoder") for kind in ("key", "value")]


def export(module, args, path, input_names, output_names, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                          dynamic_axes=axes, opset_version=14, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


def export_decoder(model, path, with_past):
    """A decoder-only graph in the Hub's layout; with_past=False: no past inputs (the no-cache
    branch of a merged file)."""
    b, s, p = 2, 3, 2
    ids = torch.randint(0, 100, (b, s))
    mask = torch.ones(b, p + s, dtype=torch.int64) if with_past else torch.ones(b, s,
                                                                               dtype=torch.int64)
    positions = torch.arange(s)[None].repeat(b, 1) + (p if with_past else 0)
    past = [torch.randn(b, model.heads, p, model.head_dim) for _ in range(2 * model.layers)]
    past_names = decoder_past_names(model.layers, "past_key_values")
    present_names = decoder_past_names(model.layers, "present")
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"}}
    for name in past_names:
        axes[name] = {0: "batch_size", 2: "past_sequence_length"}
    for name in present_names:
        axes[name] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
    if with_past:
        export(model, (ids, mask, positions, *past), path,
               ["input_ids", "attention_mask", "position_ids"] + past_names,
               ["logits"] + present_names, axes)
    else:
        for name in past_names:
            del axes[name]
        export(DecoderNoPast(model), (ids, mask, positions), path,
               ["input_ids", "attention_mask", "position_ids"], ["logits"] + present_names, axes)


def export_seq2seq(model, folder, width):
    """encoder_model.onnx, decoder_model.onnx and decoder_with_past_model.onnx (the latter two
    into folder, the caller merges or keeps them); returns nothing."""
    b, s, e, p = 2, 3, 5, 2
    enc_ids = torch.randint(0, 100, (b, e))
    enc_mask = torch.ones(b, e, dtype=torch.int64)
    export(Encoder(model), (enc_ids, enc_mask), os.path.join(folder, "encoder_model.onnx"),
           ["input_ids", "attention_mask"], ["last_hidden_state"],
           {"input_ids": {0: "batch_size", 1: "encoder_sequence_length"},
            "attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
            "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}})
    ids = torch.randint(0, 100, (b, s))
    hidden = torch.randn(b, e, width)
    present = seq2seq_past_names(model.layers, "present")
    past = seq2seq_past_names(model.layers, "past_key_values")
    axes = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
            "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
            "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
            "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for name in present:
        axes[name] = {0: "batch_size", 2: "encoder_sequence_length_out" if ".encoder." in name
                      else "past_decoder_sequence_length + decoder_sequence_length"}
    for name in past:
        axes[name] = {0: "batch_size", 2: "encoder_sequence_length_out" if ".encoder." in name
                      else "past_decoder_sequence_length"}
    export(Seq2SeqDecoder(model), (ids, enc_mask, hidden),
           os.path.join(folder, "decoder_model.onnx"),
           ["input_ids", "encoder_attention_mask", "encoder_hidden_states"], ["logits"] + present,
           {k: v for k, v in axes.items() if not k.startswith("past")})
    one = torch.randint(0, 100, (b, 1))
    past_values = []
    for name in past:
        length = e if ".encoder." in name else p
        past_values.append(torch.randn(b, model.heads, length, model.head_dim))
    with_past_axes = {k: v for k, v in axes.items() if k != "encoder_hidden_states"}
    decoder_only = [n for n in present if ".decoder." in n]
    export(Seq2SeqDecoderWithPast(model, False), (one, enc_mask, *past_values),
           os.path.join(folder, "decoder_with_past_model.onnx"),
           ["input_ids", "encoder_attention_mask"] + past, ["logits"] + decoder_only,
           {k: v for k, v in with_past_axes.items() if not k.startswith("present.")
            or k in decoder_only})
    export(Seq2SeqDecoderWithPast(model, True), (one, enc_mask, *past_values),
           os.path.join(folder, "decoder_with_past_model.merging.onnx"),
           ["input_ids", "encoder_attention_mask"] + past, ["logits"] + present, with_past_axes)


# ---------------------------------------------------------------------------------------------
# Merging: one graph whose If node runs the with-past graph when use_cache_branch is true and
# the no-past graph otherwise, as optimum's merged decoders do. Weights are moved to the outer
# graph and shared by both branches (identical tensors are stored once).

def merge(no_past_path, with_past_path, out_path):
    no_past = onnx.load(no_past_path)
    with_past = onnx.load(with_past_path)
    assert [o.name for o in no_past.graph.output] == [o.name for o in with_past.graph.output]
    shared = {}
    initializers = []

    def hoist(graph, prefix):
        renames = {}
        for init in graph.initializer:
            array = numpy_helper.to_array(init)
            key = (array.dtype.str, array.shape, hashlib.sha256(array.tobytes()).hexdigest())
            if key not in shared:
                shared[key] = f"shared_{len(shared)}"
                tensor = copy.deepcopy(init)
                tensor.name = shared[key]
                initializers.append(tensor)
            renames[init.name] = shared[key]
        outer = {i.name for i in graph.input}
        branch = helper.make_graph([], prefix + "graph", [], [])
        for node in graph.node:
            node = copy.deepcopy(node)
            node.name = prefix + node.name
            node.input[:] = [renames.get(n) or (n if n in outer or not n else prefix + n)
                             for n in node.input]
            node.output[:] = [prefix + n for n in node.output]
            if any(a.type == onnx.AttributeProto.GRAPH for a in node.attribute):
                raise ValueError("nested subgraphs are not expected in the exported decoders")
            branch.node.append(node)
        for output in graph.output:
            value = copy.deepcopy(output)
            value.name = prefix + output.name
            branch.output.append(value)
        return branch

    else_branch = hoist(no_past.graph, "no_past/")
    then_branch = hoist(with_past.graph, "with_past/")
    inputs = {i.name: i for i in no_past.graph.input}
    inputs.update({i.name: i for i in with_past.graph.input})
    cache_branch = helper.make_tensor_value_info("use_cache_branch", onnx.TensorProto.BOOL, [1])
    cond = helper.make_node("Squeeze", ["use_cache_branch"], ["use_cache_branch_scalar"],
                            name="squeeze_use_cache_branch")
    node = helper.make_node("If", ["use_cache_branch_scalar"],
                            [o.name for o in with_past.graph.output], name="optimum::if",
                            then_branch=then_branch, else_branch=else_branch)
    ordered = [inputs[n] for n in ordered_inputs(inputs)] + [cache_branch]
    graph = helper.make_graph([cond, node], "merged_decoder", ordered,
                              list(with_past.graph.output), initializers)
    model = helper.make_model(graph, opset_imports=with_past.opset_import,
                              producer_name="hubbatch tiny-models")
    model.ir_version = with_past.ir_version
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


def ordered_inputs(inputs):
    first = [n for n in ("input_ids", "attention_mask", "position_ids", "encoder_attention_mask",
                         "encoder_hidden_states") if n in inputs]
    return first + sorted((n for n in inputs if n not in first), key=past_order)


def past_order(name):
    parts = name.split(".")
    return int(parts[1]), ".".join(parts[2:])


# ---------------------------------------------------------------------------------------------

def gpt2_config(vocab):
    return {
        "_name_or_path": "hubbatch/tiny-gpt2", "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2", "vocab_size": len(vocab), "n_positions": 128, "n_ctx": 128,
        "n_embd": 32, "n_layer": 2, "n_head": 2, "n_inner": None,
        "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
        "bos_token_id": 0, "eos_token_id": 0, "use_cache": True,
        "task_specific_params": {"text-generation": {"do_sample": False, "max_length": 50}},
    }


def llama_config(vocab):
    return {
        "_name_or_path": "hubbatch/tiny-llama", "architectures": ["LlamaForCausalLM"],
        "model_type": "llama", "vocab_size": len(vocab), "hidden_size": 32,
        "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 2, "head_dim": 8, "hidden_act": "silu",
        "max_position_embeddings": 128, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
        "tie_word_embeddings": False, "bos_token_id": vocab["<|begin_of_text|>"],
        "eos_token_id": vocab["<|end_of_text|>"], "use_cache": True,
    }


def bart_config(vocab):
    return {
        "_name_or_path": "hubbatch/tiny-bart", "architectures": ["BartForConditionalGeneration"],
        "model_type": "bart", "vocab_size": len(vocab), "d_model": 32,
        "encoder_layers": 2, "decoder_layers": 2, "encoder_attention_heads": 2,
        "decoder_attention_heads": 2, "encoder_ffn_dim": 64, "decoder_ffn_dim": 64,
        "activation_function": "gelu", "max_position_embeddings": 64, "scale_embedding": False,
        "normalize_before": False, "add_final_layer_norm": False, "is_encoder_decoder": True,
        "bos_token_id": 0, "pad_token_id": 1, "eos_token_id": 2,
        "decoder_start_token_id": 2, "forced_bos_token_id": 0, "forced_eos_token_id": 2,
        "use_cache": True,
    }


def t5_config(vocab):
    return {
        "_name_or_path": "hubbatch/tiny-t5", "architectures": ["T5ForConditionalGeneration"],
        "model_type": "t5", "vocab_size": len(vocab), "d_model": 32, "d_kv": 8, "d_ff": 64,
        "num_layers": 2, "num_decoder_layers": 2, "num_heads": 4,
        "relative_attention_num_buckets": 8, "relative_attention_max_distance": 20,
        "feed_forward_proj": "relu", "layer_norm_epsilon": 1e-6, "tie_word_embeddings": False,
        "is_encoder_decoder": True, "pad_token_id": 0, "eos_token_id": 1,
        "decoder_start_token_id": 0, "use_cache": True,
        # Only the prefixes: the pipelines of transformers.js read nothing else from here, so the
        # expected values stay comparable (Python's pipelines would also apply generation
        # parameters from these entries).
        "task_specific_params": {
            "summarization": {"prefix": "summarize: "},
            "translation_en_to_de": {"prefix": "translate English to German: "},
            "translation_en_to_fr": {"prefix": "translate English to French: "},
        },
    }


def sharpen(model):
    """torch's default initialisation leaves a 32-wide random model nearly blind to its context
    (every prompt continues alike); wider projections make attention, and so the outputs, depend
    on the whole input. The output layers keep their own initialisation (eos_bias)."""
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) and not name.endswith("lm_head"):
            torch.nn.init.normal_(module.weight, std=SHARPNESS)
    return model


SHARPNESS = 0.35


def build(name, seed):
    """(torch model, config, tokenizer, tokenizer_config, generation_config, layout)."""
    torch.manual_seed(seed)
    if name == "tiny-gpt2":
        tokenizer, tok_config, vocab = gpt2_tokenizer()
        model = sharpen(Gpt2(len(vocab), 32, 2, 2, 128, [0]))
        gen = {"bos_token_id": 0, "eos_token_id": 0}
        return model, gpt2_config(vocab), tokenizer, tok_config, gen, "decoder"
    if name in ("tiny-llama", "tiny-llama-merged"):
        tokenizer, tok_config, vocab = llama_tokenizer()
        eos = [vocab["<|end_of_text|>"], vocab["<|eot_id|>"]]
        model = sharpen(Llama(len(vocab), 32, 4, 2, 2, 64, eos, bias=3.5))
        gen = {"bos_token_id": vocab["<|begin_of_text|>"], "eos_token_id": eos,
               "pad_token_id": vocab["<|end_of_text|>"]}
        layout = "decoder" if name == "tiny-llama" else "decoder-merged"
        return model, llama_config(vocab), tokenizer, tok_config, gen, layout
    if name == "tiny-bart":
        tokenizer, tok_config, vocab = bart_tokenizer()
        model = sharpen(Bart(len(vocab), 32, 2, 2, 64, 64, [2]))
        gen = {"bos_token_id": 0, "decoder_start_token_id": 2, "eos_token_id": 2,
               "forced_bos_token_id": 0, "forced_eos_token_id": 2, "pad_token_id": 1}
        return model, bart_config(vocab), tokenizer, tok_config, gen, "seq2seq-merged"
    tokenizer, tok_config, vocab = t5_tokenizer()
    model = sharpen(T5(len(vocab), 32, 4, 8, 2, 64, 8, 20, [1]))
    gen = {"decoder_start_token_id": 0, "eos_token_id": 1, "pad_token_id": 0}
    return model, t5_config(vocab), tokenizer, tok_config, gen, "seq2seq-pair"


# name: seed (tiny-llama-merged shares tiny-llama's seed, so its weights are the same)
MODELS = {"tiny-gpt2": 2001, "tiny-llama": 2002, "tiny-llama-merged": 2002, "tiny-bart": 2003,
          "tiny-t5": 2004}


def write_model(out, stage, name, seed):
    model, config, tokenizer, tok_config, gen, layout = build(name, seed)
    model.eval()
    folder = os.path.join(out, name)
    onnx_dir = os.path.join(folder, "onnx")
    os.makedirs(onnx_dir, exist_ok=True)
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "generation_config.json"), gen)
    write_json(os.path.join(folder, "tokenizer.json"), tokenizer)
    write_json(os.path.join(folder, "tokenizer_config.json"), tok_config)
    os.makedirs(os.path.join(stage, name), exist_ok=True)
    torch.save(model.state_dict(), os.path.join(stage, name, "model.pt"))
    work = os.path.join(stage, name, "parts")
    os.makedirs(work, exist_ok=True)
    if layout == "decoder":
        export_decoder(model, os.path.join(onnx_dir, "model.onnx"), True)
    elif layout == "decoder-merged":
        export_decoder(model, os.path.join(work, "no_past.onnx"), False)
        export_decoder(model, os.path.join(work, "with_past.onnx"), True)
        merge(os.path.join(work, "no_past.onnx"), os.path.join(work, "with_past.onnx"),
              os.path.join(onnx_dir, "decoder_model_merged.onnx"))
    else:
        export_seq2seq(model, work, config["d_model"])
        copy_file(os.path.join(work, "encoder_model.onnx"),
                  os.path.join(onnx_dir, "encoder_model.onnx"))
        merge(os.path.join(work, "decoder_model.onnx"),
              os.path.join(work, "decoder_with_past_model.merging.onnx"),
              os.path.join(work, "decoder_model_merged.onnx"))
        if layout == "seq2seq-merged":
            copy_file(os.path.join(work, "decoder_model_merged.onnx"),
                      os.path.join(onnx_dir, "decoder_model_merged.onnx"))
        else:
            for part in ("decoder_model.onnx", "decoder_with_past_model.onnx"):
                copy_file(os.path.join(work, part), os.path.join(onnx_dir, part))
            # transformers.js loads only the merged seq2seq layout: it runs on this copy, whose
            # merged decoder is an If over the very graphs of the committed pair.
            view = os.path.join(stage, "transformers-js", name)
            for file in os.listdir(folder):
                if file.endswith(".json"):
                    copy_file(os.path.join(folder, file), os.path.join(view, file))
            for part in ("encoder_model.onnx", "decoder_model_merged.onnx"):
                copy_file(os.path.join(work, part), os.path.join(view, "onnx", part))
    print("wrote", folder)


def copy_file(source, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(source, "rb") as src, open(target, "wb") as dst:
        dst.write(src.read())


def load(stage, name):
    model = build(name, MODELS[name])[0]
    model.load_state_dict(torch.load(os.path.join(stage, name, "model.pt")))
    return model.eval()


# ---------------------------------------------------------------------------------------------
# Torch decoding, for the checks and for beam_reference.py: one sequence, full recomputation
# through the cache path the ONNX files use.

class Runner:
    """Step-by-step logits of one model for a batch of same-length rows (no padding)."""

    def __init__(self, model, encoder_ids=None):
        self.model = model
        self.seq2seq = hasattr(model, "encode")
        if self.seq2seq:
            ids = torch.tensor([encoder_ids])
            self.encoder_mask = torch.ones_like(ids)
            with torch.no_grad():
                hidden = model.encode(ids, self.encoder_mask)
                self.cross = model.cross_kv(hidden)

    def logits(self, rows, past):
        """rows: token lists (the whole sequence so far); past: the cache from the previous call
        or None. Returns (last-position logits [rows, vocab], new cache)."""
        with torch.no_grad():
            if past is None:
                ids = torch.tensor(rows)
            else:
                ids = torch.tensor([[r[-1]] for r in rows])
            if self.seq2seq:
                cross = [c.expand(len(rows), -1, -1, -1) for c in self.cross]
                mask = self.encoder_mask.expand(len(rows), -1)
                logits, presents = self.model.decode(ids, mask, cross, past)
                return logits[:, -1], presents
            total = len(rows[0])
            mask = torch.ones(len(rows), total, dtype=torch.int64)
            positions = torch.arange(total - ids.shape[1], total)[None].repeat(len(rows), 1)
            if past is None:
                past = [torch.zeros(len(rows), self.model.heads, 0, self.model.head_dim)
                        for _ in range(2 * self.model.layers)]
            logits, *presents = self.model(ids, mask, positions, *past)
            return logits[:, -1], presents


def reorder(past, index):
    return [t[index] for t in past]


def check(out, stage):
    for name in MODELS:
        model = load(stage, name)
        with open(os.path.join(out, name, "expected.json"), encoding="utf-8") as f:
            expected = json.load(f)
        for case in expected["onnx_logits"]:
            runner = Runner(model, case.get("encoder_ids"))
            logits, past = runner.logits([case["ids"]], None)
            rows = [case["ids"] + [case["next"]]]
            later, _ = runner.logits(rows, past)
            for got, want, step in ((logits, case["first"], "first"),
                                    (later, case["second"], "second")):
                gap = (got[0] - torch.tensor(want)).abs().max().item()
                if gap > 1e-4:
                    sys.exit(f"{name} {case['file']} {step} step: torch and ONNX differ by {gap}")
        import beam_reference
        base = beam_reference.model_config(os.path.join(out, name))
        for case in expected["greedy"]:
            seq2seq = "decoder_input_ids" in case
            start = case["decoder_input_ids"] if seq2seq else case["input_ids"]
            generated = beam_reference.greedy(model, start, case["input_ids"] if seq2seq else None,
                                              {**base, **case["parameters"]})
            if generated != case["generated_ids"]:
                sys.exit(f"{name} {case['name']}: torch greedy {generated} != transformers.js "
                         f"{case['generated_ids']}")
        print("checked", name)


def main(out, stage):
    for name, seed in MODELS.items():
        write_model(out, stage, name, seed)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        check(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3:
        main(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
