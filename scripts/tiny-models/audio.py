#!/usr/bin/python3
"""Write the tiny audio test models: Hub-layout folders with random weights and a fixed seed.

Usage: audio.py OUT_DIR

- tiny-wav2vec2-ctc: a wav2vec2 (conv feature encoder with wav2vec2's kernels and strides, 320
  samples per frame at 16 kHz; group norm on the first conv; post-norm transformer) with a CTC head
  over wav2vec2-base-960h's character vocabulary. onnx/model.onnx: input_values -> logits.
- tiny-wav2vec2-classifier: the same body with wav2vec2's sequence-classification head (projector,
  mean over frames, classifier). onnx/model.onnx: input_values -> logits.
- tiny-whisper: a Whisper encoder-decoder (80 mel bins, 3000 frames, strided conv front,
  sinusoidal encoder positions, pre-norm layers, tied output embedding) with a byte-level BPE
  vocabulary and Whisper's special and timestamp tokens, kept small. onnx/encoder_model.onnx:
  input_features -> last_hidden_state; onnx/decoder_model_merged.onnx: input_ids,
  encoder_hidden_states, past_key_values.{i}.decoder|encoder.key|value, use_cache_branch ->
  logits, present.{i}.decoder|encoder.key|value, one If node over the decoder exported without and
  with a past, as optimum merges them.

The models are written in plain torch with the transformers parameter layout, exported with
torch.onnx (opset 14). Runs with Debian's python3-torch (1.13) and python3-onnx.
"""
import json
import math
import os
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from onnx_bert_to_torchscript import Layer  # noqa: E402  (BERT's post-norm layer: wav2vec2's too)
from tiny_models import bytes_to_unicode, write_json  # noqa: E402

OPSET = 14
gelu = torch.nn.functional.gelu

# ---------------------------------------------------------------- wav2vec2

CONV_DIM = [16] * 7
CONV_KERNEL = [10, 3, 3, 3, 3, 2, 2]
CONV_STRIDE = [5, 2, 2, 2, 2, 2, 2]
W2V_HIDDEN, W2V_LAYERS, W2V_HEADS, W2V_INTERMEDIATE = 32, 2, 2, 64
POS_KERNEL, POS_GROUPS = 16, 4
# facebook/wav2vec2-base-960h's vocabulary.
CTC_VOCAB = ["<pad>", "<s>", "</s>", "<unk>", "|"] + list("ETAONIHSRDLUMWCFGYPBVK'XJQZ")
CLASS_LABELS = ["speech", "silence", "music", "noise", "dog_bark", "siren", "applause"]


class ConvLayer(torch.nn.Module):
    def __init__(self, cin, cout, kernel, stride, group_norm):
        super().__init__()
        self.conv = torch.nn.Conv1d(cin, cout, kernel, stride, bias=False)
        self.layer_norm = torch.nn.GroupNorm(cout, cout, affine=True) if group_norm else None

    def forward(self, x):
        x = self.conv(x)
        if self.layer_norm is not None:
            x = self.layer_norm(x)
        return gelu(x)


class Wav2Vec2(torch.nn.Module):
    """Wav2Vec2Model with feat_extract_norm="group" and post-norm layers (wav2vec2-base)."""

    def __init__(self):
        super().__init__()
        dims = [1] + CONV_DIM
        self.conv_layers = torch.nn.ModuleList(
            ConvLayer(dims[i], dims[i + 1], CONV_KERNEL[i], CONV_STRIDE[i], i == 0)
            for i in range(len(CONV_KERNEL)))
        self.projection_norm = torch.nn.LayerNorm(CONV_DIM[-1], eps=1e-5)
        self.projection = torch.nn.Linear(CONV_DIM[-1], W2V_HIDDEN)
        self.pos_conv = torch.nn.Conv1d(W2V_HIDDEN, W2V_HIDDEN, POS_KERNEL, padding=POS_KERNEL // 2,
                                        groups=POS_GROUPS)
        self.encoder_norm = torch.nn.LayerNorm(W2V_HIDDEN, eps=1e-5)
        self.layers = torch.nn.ModuleList(Layer(W2V_HIDDEN, W2V_HEADS, W2V_INTERMEDIATE, 1e-5)
                                          for _ in range(W2V_LAYERS))

    def forward(self, input_values):
        x = input_values[:, None, :]
        for layer in self.conv_layers:
            x = layer(x)
        x = self.projection(self.projection_norm(x.transpose(1, 2)))
        position = self.pos_conv(x.transpose(1, 2))
        if POS_KERNEL % 2 == 0:
            position = position[:, :, :-1]
        x = self.encoder_norm(x + gelu(position).transpose(1, 2))
        for layer in self.layers:
            x = layer(x, 0.0)
        return x


class Wav2Vec2ForCTC(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.wav2vec2 = Wav2Vec2()
        self.lm_head = torch.nn.Linear(W2V_HIDDEN, len(CTC_VOCAB))
        torch.nn.init.normal_(self.lm_head.weight, std=2.0)
        with torch.no_grad():
            # Blank and the word delimiter often, as in a trained CTC model; <s>, </s> and <unk>
            # never, as in one.
            self.lm_head.bias.normal_(std=2.0)
            self.lm_head.bias[0] = 6.0
            self.lm_head.bias[4] = 3.0
            self.lm_head.bias[1:4] = -30.0

    def forward(self, input_values):
        return self.lm_head(self.wav2vec2(input_values))


class Wav2Vec2ForSequenceClassification(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.wav2vec2 = Wav2Vec2()
        self.projector = torch.nn.Linear(W2V_HIDDEN, 16)
        self.classifier = torch.nn.Linear(16, len(CLASS_LABELS))
        torch.nn.init.normal_(self.classifier.weight, std=1.0)

    def forward(self, input_values):
        return self.classifier(self.projector(self.wav2vec2(input_values)).mean(dim=1))


def wav2vec2_config(architecture, extra):
    config = {
        "_name_or_path": "hubbatch/tiny-wav2vec2",
        "architectures": [architecture],
        "model_type": "wav2vec2",
        "hidden_size": W2V_HIDDEN, "num_hidden_layers": W2V_LAYERS,
        "num_attention_heads": W2V_HEADS, "intermediate_size": W2V_INTERMEDIATE,
        "hidden_act": "gelu", "layer_norm_eps": 1e-5,
        "feat_extract_norm": "group", "feat_extract_activation": "gelu", "conv_bias": False,
        "conv_dim": CONV_DIM, "conv_kernel": CONV_KERNEL, "conv_stride": CONV_STRIDE,
        "num_feat_extract_layers": len(CONV_KERNEL),
        "num_conv_pos_embeddings": POS_KERNEL, "num_conv_pos_embedding_groups": POS_GROUPS,
        "do_stable_layer_norm": False,
        # transformers derives inputs_to_logits_ratio from conv_stride: 5 * 2^6 = 320.
    }
    config.update(extra)
    return config


WAV2VEC2_PREPROCESSOR = {
    "do_normalize": True,
    "feature_extractor_type": "Wav2Vec2FeatureExtractor",
    "feature_size": 1,
    "padding_side": "right",
    "padding_value": 0.0,
    "return_attention_mask": False,
    "sampling_rate": 16000,
}


def export_wav2vec2(model, folder):
    example = torch.randn(1, 16000)
    os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
    logits_axes = {0: "batch_size"} if isinstance(model, Wav2Vec2ForSequenceClassification) \
        else {0: "batch_size", 1: "sequence_length"}
    with torch.no_grad():
        torch.onnx.export(model, (example,), os.path.join(folder, "onnx", "model.onnx"),
                          input_names=["input_values"], output_names=["logits"],
                          dynamic_axes={"input_values": {0: "batch_size", 1: "sequence_length"},
                                        "logits": logits_axes},
                          opset_version=OPSET)


def write_ctc(out):
    torch.manual_seed(4242)
    folder = os.path.join(out, "tiny-wav2vec2-ctc")
    model = Wav2Vec2ForCTC().eval()
    with torch.no_grad():
        # The random body's frames share one large component; taking it out of the head's rows
        # lets the characters follow the audio instead of repeating one letter.
        mean = model.wav2vec2(torch.randn(1, 48000)).mean(dim=(0, 1))
        mean = mean / mean.norm()
        model.lm_head.weight -= model.lm_head.weight.matmul(mean)[:, None] * mean[None, :]
    export_wav2vec2(model, folder)
    vocab = {token: i for i, token in enumerate(CTC_VOCAB)}
    write_json(os.path.join(folder, "config.json"), wav2vec2_config("Wav2Vec2ForCTC", {
        "vocab_size": len(vocab), "pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2,
        "ctc_loss_reduction": "sum", "ctc_zero_infinity": False}))
    write_json(os.path.join(folder, "preprocessor_config.json"),
               dict(WAV2VEC2_PREPROCESSOR, processor_class="Wav2Vec2Processor"))
    write_json(os.path.join(folder, "vocab.json"), vocab)
    write_json(os.path.join(folder, "tokenizer_config.json"), {
        "tokenizer_class": "Wav2Vec2CTCTokenizer", "do_lower_case": False,
        "word_delimiter_token": "|", "replace_word_delimiter_char": " ",
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
        "do_normalize": True, "return_attention_mask": False,
        "model_max_length": 9223372036854775807, "clean_up_tokenization_spaces": True})
    write_json(os.path.join(folder, "special_tokens_map.json"), {
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"})
    # The tokenizers-format file the Hub's ONNX exports carry beside the Python tokenizer's files
    # (transformers.js reads only this one): the vocabulary and a CTC decoder.
    write_json(os.path.join(folder, "tokenizer.json"), {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True}
                         for t in CTC_VOCAB[:4]],
        "normalizer": None, "pre_tokenizer": None, "post_processor": None,
        "decoder": {"type": "CTC", "pad_token": "<pad>", "word_delimiter_token": "|",
                    "cleanup": True},
        "model": {"vocab": vocab}})
    print("wrote", folder)


def write_classifier(out):
    torch.manual_seed(4343)
    folder = os.path.join(out, "tiny-wav2vec2-classifier")
    model = Wav2Vec2ForSequenceClassification().eval()
    export_wav2vec2(model, folder)
    write_json(os.path.join(folder, "config.json"), wav2vec2_config(
        "Wav2Vec2ForSequenceClassification", {
            "classifier_proj_size": 16, "use_weighted_layer_sum": False,
            "id2label": {str(i): label for i, label in enumerate(CLASS_LABELS)},
            "label2id": {label: i for i, label in enumerate(CLASS_LABELS)}}))
    write_json(os.path.join(folder, "preprocessor_config.json"), WAV2VEC2_PREPROCESSOR)
    print("wrote", folder)


# ---------------------------------------------------------------- Whisper

D_MODEL, ENC_LAYERS, DEC_LAYERS, HEADS, FFN = 32, 1, 2, 2, 64
MEL_BINS, SOURCE_POSITIONS, TARGET_POSITIONS = 80, 1500, 448
LANGUAGES = ["en", "de", "fr", "es"]
WORDS = """the cat sat on mat hello world there my name is wolfgang and i live in berlin team won
game election law vote new a of to it you that was for""".split()


def whisper_tokenizer():
    """A byte-level BPE vocabulary like Whisper's, small: bytes, merges for a few words, then the
    special tokens in Whisper's order and the 1501 timestamp tokens."""
    alphabet = bytes_to_unicode()
    tokens = [alphabet[b] for b in range(256)]
    merges = []
    for form in [" " + w for w in WORDS] + WORDS:
        symbols = [alphabet[b] for b in form.encode("utf-8")]
        current = symbols[0]
        for symbol in symbols[1:]:
            merge = current + " " + symbol
            current = current + symbol
            if merge not in merges:
                merges.append(merge)
            if current not in tokens:
                tokens.append(current)
    vocab = {t: i for i, t in enumerate(tokens)}
    specials = (["<|endoftext|>", "<|startoftranscript|>"]
                + ["<|%s|>" % code for code in LANGUAGES]
                + ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>",
                   "<|nospeech|>", "<|notimestamps|>"])
    timestamps = ["<|%.2f|>" % (i * 0.02) for i in range(1501)]
    added = []
    for token in specials + timestamps:
        vocab[token] = len(vocab)
        added.append({"id": vocab[token], "content": token, "single_word": False,
                      "lstrip": False, "rstrip": False, "normalized": False,
                      "special": token in specials})
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                          "use_regex": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<|startoftranscript|>", "type_id": 0}},
                       {"SpecialToken": {"id": "<|notimestamps|>", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<|startoftranscript|>", "type_id": 0}},
                     {"SpecialToken": {"id": "<|notimestamps|>", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "<|endoftext|>", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]}
                               for t in ("<|startoftranscript|>", "<|notimestamps|>",
                                         "<|endoftext|>")},
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                    "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None,
                  "continuing_subword_prefix": "", "end_of_word_suffix": "", "fuse_unk": False,
                  "byte_fallback": False, "vocab": {t: vocab[t] for t in tokens},
                  "merges": merges},
    }
    return tokenizer, vocab, specials


def sinusoids(length, channels, max_timescale=10000):
    increment = math.log(max_timescale) / (channels // 2 - 1)
    inv = torch.exp(-increment * torch.arange(channels // 2))
    scaled = torch.arange(length)[:, None] * inv[None, :]
    return torch.cat([scaled.sin(), scaled.cos()], dim=1)


class Attention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.head_dim = D_MODEL // HEADS
        self.q_proj = torch.nn.Linear(D_MODEL, D_MODEL)
        self.k_proj = torch.nn.Linear(D_MODEL, D_MODEL, bias=False)
        self.v_proj = torch.nn.Linear(D_MODEL, D_MODEL)
        self.out_proj = torch.nn.Linear(D_MODEL, D_MODEL)

    def heads(self, x):
        b, n, _ = x.shape
        return x.view(b, n, HEADS, self.head_dim).transpose(1, 2)

    def keys_values(self, x):
        return self.heads(self.k_proj(x)), self.heads(self.v_proj(x))

    def forward(self, x, key, value, mask=None):
        q = self.heads(self.q_proj(x) * self.head_dim ** -0.5)
        scores = torch.matmul(q, key.transpose(-1, -2))
        if mask is not None:
            scores = scores + mask
        context = torch.matmul(torch.softmax(scores, dim=-1), value)
        b, _, n, _ = context.shape
        return self.out_proj(context.transpose(1, 2).reshape(b, n, D_MODEL))


class EncoderLayer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn = Attention()
        self.self_attn_layer_norm = torch.nn.LayerNorm(D_MODEL)
        self.fc1 = torch.nn.Linear(D_MODEL, FFN)
        self.fc2 = torch.nn.Linear(FFN, D_MODEL)
        self.final_layer_norm = torch.nn.LayerNorm(D_MODEL)

    def forward(self, x):
        h = self.self_attn_layer_norm(x)
        x = x + self.self_attn(h, *self.self_attn.keys_values(h))
        return x + self.fc2(gelu(self.fc1(self.final_layer_norm(x))))


class Encoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(MEL_BINS, D_MODEL, 3, padding=1)
        self.conv2 = torch.nn.Conv1d(D_MODEL, D_MODEL, 3, stride=2, padding=1)
        self.register_buffer("embed_positions", sinusoids(SOURCE_POSITIONS, D_MODEL))
        self.layers = torch.nn.ModuleList(EncoderLayer() for _ in range(ENC_LAYERS))
        self.layer_norm = torch.nn.LayerNorm(D_MODEL)

    def forward(self, input_features):
        x = gelu(self.conv2(gelu(self.conv1(input_features)))).transpose(1, 2)
        x = x + self.embed_positions
        for layer in self.layers:
            x = layer(x)
        return self.layer_norm(x)


class DecoderLayer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn = Attention()
        self.self_attn_layer_norm = torch.nn.LayerNorm(D_MODEL)
        self.encoder_attn = Attention()
        self.encoder_attn_layer_norm = torch.nn.LayerNorm(D_MODEL)
        self.fc1 = torch.nn.Linear(D_MODEL, FFN)
        self.fc2 = torch.nn.Linear(FFN, D_MODEL)
        self.final_layer_norm = torch.nn.LayerNorm(D_MODEL)

    def forward(self, x, mask, past_key, past_value, cross_key, cross_value):
        h = self.self_attn_layer_norm(x)
        key, value = self.self_attn.keys_values(h)
        if past_key is not None:
            key = torch.cat([past_key, key], dim=2)
            value = torch.cat([past_value, value], dim=2)
        x = x + self.self_attn(h, key, value, mask)
        x = x + self.encoder_attn(self.encoder_attn_layer_norm(x), cross_key, cross_value)
        x = x + self.fc2(gelu(self.fc1(self.final_layer_norm(x))))
        return x, key, value


class Decoder(torch.nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(vocab, D_MODEL)
        self.embed_positions = torch.nn.Embedding(TARGET_POSITIONS, D_MODEL)
        self.layers = torch.nn.ModuleList(DecoderLayer() for _ in range(DEC_LAYERS))
        self.layer_norm = torch.nn.LayerNorm(D_MODEL)
        # Untied from embed_tokens (tie_word_embeddings false): a random tied head would mostly
        # repeat the last token.
        self.proj_out = torch.nn.Linear(D_MODEL, vocab, bias=False)

    def run(self, input_ids, past, cross):
        """past: per layer (key, value) or None; cross: per layer (key, value)."""
        past_length = 0 if past is None else past[0][0].shape[2]
        length = input_ids.shape[1]
        positions = torch.arange(length) + past_length
        x = self.embed_tokens(input_ids) + self.embed_positions(positions)
        rows = torch.arange(length)[:, None] + past_length
        cols = torch.arange(length + past_length)[None, :]
        mask = (cols > rows).to(x.dtype) * torch.finfo(x.dtype).min
        presents = []
        for i, layer in enumerate(self.layers):
            x, key, value = layer(x, mask, *(past[i] if past is not None else (None, None)),
                                  *cross[i])
            presents.append((key, value))
        return self.proj_out(self.layer_norm(x)), presents


class DecoderWithoutPast(torch.nn.Module):
    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, input_ids, encoder_hidden_states):
        cross = [layer.encoder_attn.keys_values(encoder_hidden_states)
                 for layer in self.decoder.layers]
        logits, presents = self.decoder.run(input_ids, None, cross)
        out = [logits]
        for (key, value), (cross_key, cross_value) in zip(presents, cross):
            out += [key, value, cross_key, cross_value]
        return tuple(out)


class DecoderWithPast(torch.nn.Module):
    def __init__(self, decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, input_ids, *past):
        layers = [past[4 * i:4 * i + 4] for i in range(DEC_LAYERS)]
        logits, presents = self.decoder.run(input_ids, [(p[0], p[1]) for p in layers],
                                            [(p[2], p[3]) for p in layers])
        out = [logits]
        for key, value in presents:
            out += [key, value]
        return tuple(out)


def cache_names(prefix):
    return ["%s.%d.%s.%s" % (prefix, i, part, kind) for i in range(DEC_LAYERS)
            for part in ("decoder", "encoder") for kind in ("key", "value")]


def export(module, args, path, inputs, outputs, axes):
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs,
                          dynamic_axes=axes, opset_version=OPSET)
    return onnx.load(path)


def merge_decoders(without_past, with_past, vocab):
    """One graph with optimum's merged-decoder contract: an If on use_cache_branch whose branches
    are the two exported decoders. Initializers move to the outer graph (deduplicated), the
    branches' own values get a prefix, and the branch with a past passes the encoder cache on."""
    initializers = {}
    renamed = {}

    def adopt(graph, prefix):
        names = {}
        for tensor in graph.initializer:
            key = (tensor.data_type, tuple(tensor.dims), tensor.raw_data or
                   numpy_helper.to_array(tensor).tobytes())
            if key not in initializers:
                copy = onnx.TensorProto()
                copy.CopyFrom(tensor)
                copy.name = "w%d" % len(initializers)
                initializers[key] = copy
            names[tensor.name] = initializers[key].name
        outer = {i.name for i in graph.input}
        for node in graph.node:
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    raise ValueError("nested graphs are not expected in the decoder")
            node.name = prefix + node.name
            for io in (node.input, node.output):
                for k, name in enumerate(io):
                    if name in names:
                        io[k] = names[name]
                    elif name and name not in outer:
                        io[k] = prefix + name
        outputs = []
        for output in graph.output:
            value = onnx.ValueInfoProto()
            value.CopyFrom(output)
            value.name = prefix + output.name
            value.type.tensor_type.ClearField("shape")
            outputs.append(value)
        return list(graph.node), outputs

    first_nodes, first_outputs = adopt(without_past.graph, "first/")
    next_nodes, next_outputs = adopt(with_past.graph, "next/")
    # The branch with a past returns the encoder cache it was given, as the merged exports do.
    for i in range(DEC_LAYERS):
        for kind in ("key", "value"):
            name = "past_key_values.%d.encoder.%s" % (i, kind)
            out = "next/present.%d.encoder.%s" % (i, kind)
            next_nodes.append(helper.make_node("Identity", [name], [out], name="next/" + out))
            value = helper.make_tensor_value_info(out, onnx.TensorProto.FLOAT, None)
            position = 1 + 4 * i + (2 if kind == "key" else 3)
            next_outputs.insert(position, value)
    then_branch = helper.make_graph(next_nodes, "decoder_with_past", [], next_outputs)
    else_branch = helper.make_graph(first_nodes, "decoder_without_past", [], first_outputs)

    outputs = ["logits"] + cache_names("present")
    head_dim = D_MODEL // HEADS
    graph_inputs = [
        helper.make_tensor_value_info("input_ids", onnx.TensorProto.INT64,
                                      ["batch_size", "decoder_sequence_length"]),
        helper.make_tensor_value_info("encoder_hidden_states", onnx.TensorProto.FLOAT,
                                      ["batch_size", "encoder_sequence_length", D_MODEL]),
    ]
    for name in cache_names("past_key_values"):
        length = "past_decoder_sequence_length" if ".decoder." in name \
            else "encoder_sequence_length_out"
        graph_inputs.append(helper.make_tensor_value_info(
            name, onnx.TensorProto.FLOAT, ["batch_size", HEADS, length, head_dim]))
    graph_inputs.append(helper.make_tensor_value_info("use_cache_branch", onnx.TensorProto.BOOL,
                                                      [1]))
    graph_outputs = [helper.make_tensor_value_info(
        "logits", onnx.TensorProto.FLOAT, ["batch_size", "decoder_sequence_length", vocab])]
    for name in cache_names("present"):
        length = "present_decoder_sequence_length" if ".decoder." in name \
            else "encoder_sequence_length_out"
        graph_outputs.append(helper.make_tensor_value_info(
            name, onnx.TensorProto.FLOAT, ["batch_size", HEADS, length, head_dim]))
    node = helper.make_node("If", ["use_cache_branch"], outputs, name="optimum::if",
                            then_branch=then_branch, else_branch=else_branch)
    graph = helper.make_graph([node], "merged_decoder", graph_inputs, graph_outputs,
                              list(initializers.values()))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="hubbatch tiny-models")
    model.ir_version = without_past.ir_version
    onnx.checker.check_model(model)
    return model


def write_whisper(out):
    torch.manual_seed(4444)
    folder = os.path.join(out, "tiny-whisper")
    os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
    tokenizer, vocab, specials = whisper_tokenizer()
    size = len(vocab)
    encoder = Encoder().eval()
    decoder = Decoder(size).eval()
    with torch.no_grad():
        # Convolutions strong enough that the audio outweighs the positions in the encoder output.
        encoder.conv1.weight *= 6.0
        encoder.conv2.weight *= 6.0
        # Wide output rows for text, so greedy choices are distinct, not near ties; the prompt
        # tokens never win, as in a trained model; timestamps less often than text.
        torch.nn.init.normal_(decoder.proj_out.weight, std=1.0)
        first_special = vocab["<|startoftranscript|>"]
        timestamp_begin = vocab["<|notimestamps|>"] + 1
        decoder.proj_out.weight[first_special:timestamp_begin] = 0.0
        decoder.proj_out.weight[timestamp_begin:] *= 0.5
        # Bytes that are not printable ASCII are rarer in text.
        alphabet = bytes_to_unicode()
        for b in list(range(0, 32)) + list(range(127, 256)):
            decoder.proj_out.weight[vocab[alphabet[b]]] *= 0.3
        # A stronger cross-attention, so what the decoder writes depends on the audio.
        for layer in decoder.layers:
            layer.encoder_attn.out_proj.weight *= 8.0

    export(encoder, (torch.randn(1, MEL_BINS, 3000),),
           os.path.join(folder, "onnx", "encoder_model.onnx"), ["input_features"],
           ["last_hidden_state"],
           {"input_features": {0: "batch_size"},
            "last_hidden_state": {0: "batch_size"}})

    eot = vocab["<|endoftext|>"]
    sot = vocab["<|startoftranscript|>"]
    ids = torch.tensor([[sot, vocab["<|en|>"], vocab["<|transcribe|>"]]])
    hidden = torch.randn(1, SOURCE_POSITIONS, D_MODEL)
    work = tempfile.mkdtemp()
    present = cache_names("present")
    first = export(DecoderWithoutPast(decoder), (ids, hidden), os.path.join(work, "first.onnx"),
                   ["input_ids", "encoder_hidden_states"], ["logits"] + present,
                   dict({"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                         "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                         "logits": {0: "batch_size", 1: "decoder_sequence_length"}},
                        **{n: {0: "batch_size", 2: "length"} for n in present}))
    with torch.no_grad():
        past = DecoderWithoutPast(decoder)(ids, hidden)[1:]
    past_names = cache_names("past_key_values")
    decoder_present = [n for n in present if ".decoder." in n]
    following = export(DecoderWithPast(decoder), (ids[:, -1:],) + tuple(past),
                       os.path.join(work, "next.onnx"), ["input_ids"] + past_names,
                       ["logits"] + decoder_present,
                       dict({"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                             "logits": {0: "batch_size", 1: "decoder_sequence_length"}},
                            **{n: {0: "batch_size", 2: "length"}
                               for n in past_names + decoder_present}))
    merged = merge_decoders(first, following, size)
    onnx.save(merged, os.path.join(folder, "onnx", "decoder_model_merged.onnx"))

    lang_to_id = {"<|%s|>" % code: vocab["<|%s|>" % code] for code in LANGUAGES}
    task_to_id = {"transcribe": vocab["<|transcribe|>"], "translate": vocab["<|translate|>"]}
    no_timestamps = vocab["<|notimestamps|>"]
    alphabet = bytes_to_unicode()
    # Whisper suppresses symbols and the non-text specials; these are the symbols in this vocab.
    suppress = sorted([vocab[alphabet[ord(c)]] for c in '"#()*+/:;<=>@[\\]^_`{|}~']
                      + [vocab[t] for t in ("<|translate|>", "<|transcribe|>", "<|startoflm|>",
                                            "<|startofprev|>", "<|nospeech|>")])
    begin_suppress = [vocab[alphabet[ord(" ")]], eot]
    config = {
        "_name_or_path": "hubbatch/tiny-whisper",
        "architectures": ["WhisperForConditionalGeneration"],
        "model_type": "whisper",
        "vocab_size": size, "d_model": D_MODEL, "num_mel_bins": MEL_BINS,
        "encoder_layers": ENC_LAYERS, "decoder_layers": DEC_LAYERS,
        "encoder_attention_heads": HEADS, "decoder_attention_heads": HEADS,
        "encoder_ffn_dim": FFN, "decoder_ffn_dim": FFN,
        "max_source_positions": SOURCE_POSITIONS, "max_target_positions": TARGET_POSITIONS,
        "activation_function": "gelu", "scale_embedding": False, "use_cache": True,
        "tie_word_embeddings": False,
        "is_encoder_decoder": True, "num_hidden_layers": ENC_LAYERS,
        "bos_token_id": eot, "eos_token_id": eot, "pad_token_id": eot,
        "decoder_start_token_id": sot,
        "begin_suppress_tokens": begin_suppress, "suppress_tokens": suppress,
        "forced_decoder_ids": [[1, None], [2, task_to_id["transcribe"]]],
    }
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "generation_config.json"), {
        "begin_suppress_tokens": begin_suppress,
        "bos_token_id": eot, "eos_token_id": eot, "pad_token_id": eot,
        "decoder_start_token_id": sot,
        "forced_decoder_ids": [[1, None], [2, task_to_id["transcribe"]]],
        "is_multilingual": True,
        "lang_to_id": lang_to_id,
        "task_to_id": task_to_id,
        "max_initial_timestamp_index": 50,
        "max_length": TARGET_POSITIONS,
        "no_timestamps_token_id": no_timestamps,
        "prev_sot_token_id": vocab["<|startofprev|>"],
        "return_timestamps": False,
        "suppress_tokens": suppress,
    })
    write_json(os.path.join(folder, "preprocessor_config.json"), {
        "chunk_length": 30, "feature_extractor_type": "WhisperFeatureExtractor",
        "feature_size": MEL_BINS, "hop_length": 160, "n_fft": 400, "n_samples": 480000,
        "nb_max_frames": 3000, "padding_side": "right", "padding_value": 0.0,
        "processor_class": "WhisperProcessor", "return_attention_mask": False,
        "sampling_rate": 16000})
    write_json(os.path.join(folder, "tokenizer.json"), tokenizer)
    write_json(os.path.join(folder, "tokenizer_config.json"), {
        "tokenizer_class": "WhisperTokenizer", "add_prefix_space": False,
        "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "additional_special_tokens": specials[1:],
        "errors": "replace", "model_max_length": 1024,
        "clean_up_tokenization_spaces": False})
    alphabet_inverse = {v: k for k, v in vocab.items() if v < size - len(specials) - 1501}
    write_json(os.path.join(folder, "vocab.json"),
               {alphabet_inverse[i]: i for i in sorted(alphabet_inverse)})
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(tokenizer["model"]["merges"]) + "\n")
    write_json(os.path.join(folder, "added_tokens.json"),
               {t: vocab[t] for t in specials + ["<|%.2f|>" % (i * 0.02) for i in range(1501)]})
    write_json(os.path.join(folder, "special_tokens_map.json"), {
        "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "additional_special_tokens": specials[1:]})
    print("wrote", folder)


def main(out):
    write_ctc(out)
    write_classifier(out)
    write_whisper(out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
