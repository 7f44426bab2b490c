#!/usr/bin/python3
"""Write the tiny test models: one Hub-layout folder per head, random weights with a fixed seed.

Usage: tiny_models.py OUT_DIR          writes the models
       tiny_models.py --check OUT_DIR  runs each model.pt on the ids in expected.json (written by
                                       expected.mjs from the ONNX files) and fails unless the
                                       TorchScript logits match the ONNX ones to 1e-4

Each folder has config.json, tokenizer.json (written here in the tokenizers JSON format: a
lowercasing WordPiece like BERT's, or a byte-level BPE with <mask> like RoBERTa's),
tokenizer_config.json, model.pt (TorchScript, traced) and onnx/model.onnx with the input and output
names optimum's exports use. The models are BERT and RoBERTa written in plain torch with the
transformers parameter layout, so what the Java side feeds and reads is what it meets on the Hub.
Runs with Debian's python3-torch (1.13) and python3-onnx; transformers is not needed.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from onnx_bert_to_torchscript import Layer  # noqa: E402  (the same encoder layer as the default model's)

HIDDEN, LAYERS, HEADS, INTERMEDIATE, POSITIONS = 32, 2, 2, 64, 64

# Words of the test sentences, plus every letter alone and as a continuation, so any lowercase
# word splits into pieces instead of becoming [UNK].
WORDS = """i love this movie film was terrible the cat sat on mat a is sitting my name wolf and live
in berlin en works at un where do paris capital of france city example positive negative sports
politics science it good bad food eating man bread piece new york who what did you say hello
there play game team won vote election law theory lab""".split()
WORDPIECES = ["##gang", "##zo", "##s", "##ing", "##ed"]
PUNCT = list(".,?!'-:;")
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]

NER_LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]


def wordpiece_tokenizer():
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokens = specials + PUNCT + LETTERS + ["##" + c for c in LETTERS]
    for word in WORDS + WORDPIECES:
        if word not in tokens:
            tokens.append(word)
    vocab = {t: i for i, t in enumerate(tokens)}

    def special(token, type_id):
        return {"SpecialToken": {"id": token, "type_id": type_id}}

    def sequence(name, type_id):
        return {"Sequence": {"id": name, "type_id": type_id}}

    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [added(vocab[t], t) for t in specials],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0)],
            "pair": [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0),
                     sequence("B", 1), special("[SEP]", 1)],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]}
                               for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }
    config = {"do_lower_case": True, "model_max_length": POSITIONS, "cls_token": "[CLS]",
              "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]",
              "mask_token": "[MASK]", "tokenizer_class": "BertTokenizer",
              "clean_up_tokenization_spaces": True}
    return tokenizer, config, len(vocab)


def added(id_, content, lstrip=False):
    return {"id": id_, "content": content, "single_word": False, "lstrip": lstrip,
            "rstrip": False, "normalized": False, "special": True}


def bytes_to_unicode():
    """GPT-2's byte-to-character table, which byte-level BPE vocabularies are written in."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def bpe_tokenizer():
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    alphabet = bytes_to_unicode()
    tokens = specials + [alphabet[b] for b in range(256)]
    merges = []
    # Every word merges left to right into one token, with the leading space (Ġ) and without.
    # The spaced forms come first: their merges all start with Ġ, so they outrank the pairs inside
    # words and every spaced word ends as one token.
    words = WORDS + ["Paris", "France", "Berlin", "I", "The", "My", "Where"]
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
    vocab = {t: i for i, t in enumerate(tokens)}
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [added(vocab[t], t, lstrip=(t == "<mask>")) for t in specials],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                          "use_regex": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                    "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None,
                  "continuing_subword_prefix": "", "end_of_word_suffix": "", "fuse_unk": False,
                  "byte_fallback": False, "vocab": vocab, "merges": merges},
    }
    config = {"model_max_length": POSITIONS, "bos_token": "<s>", "eos_token": "</s>",
              "cls_token": "<s>", "sep_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>",
              "mask_token": "<mask>",
              "tokenizer_class": "RobertaTokenizer", "add_prefix_space": False,
              "clean_up_tokenization_spaces": False}
    return tokenizer, config, len(vocab)


class Encoder(torch.nn.Module):
    """BERT's or RoBERTa's embeddings and layers (RoBERTa: positions counted after the padding id)."""

    def __init__(self, vocab, roberta):
        super().__init__()
        self.roberta = roberta
        self.word = torch.nn.Embedding(vocab, HIDDEN)
        self.position = torch.nn.Embedding(POSITIONS + (2 if roberta else 0), HIDDEN)
        self.token_type = torch.nn.Embedding(1 if roberta else 2, HIDDEN)
        self.norm = torch.nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = torch.nn.ModuleList(Layer(HIDDEN, HEADS, INTERMEDIATE, 1e-12)
                                          for _ in range(LAYERS))

    def forward(self, input_ids, attention_mask, token_type_ids):
        if self.roberta:
            # transformers' create_position_ids_from_input_ids with padding_idx 1
            real = input_ids.ne(1).long()
            positions = torch.cumsum(real, dim=1) * real + 1
        else:
            positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids)
        x = self.norm(x)
        mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, mask)
        return x


class Model(torch.nn.Module):
    """An encoder with one of the transformers heads; returns the head's outputs as a tuple."""

    def __init__(self, vocab, roberta, head, labels):
        super().__init__()
        self.encoder = Encoder(vocab, roberta)
        self.head = head
        if head == "sequence":
            self.pool = torch.nn.Linear(HIDDEN, HIDDEN)
            self.out = torch.nn.Linear(HIDDEN, labels)
        elif head == "token":
            self.out = torch.nn.Linear(HIDDEN, labels)
        elif head == "qa":
            self.out = torch.nn.Linear(HIDDEN, 2)
        elif head == "mlm":
            self.transform = torch.nn.Linear(HIDDEN, HIDDEN)
            self.transform_norm = torch.nn.LayerNorm(HIDDEN, eps=1e-12)
            self.out = torch.nn.Linear(HIDDEN, vocab)
        # Random heads give near-uniform scores; wider weights make the tests' answers distinct.
        torch.nn.init.normal_(self.out.weight, std=1.0)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        x = self.encoder(input_ids, attention_mask, token_type_ids)
        if self.head == "sequence":
            return (self.out(torch.tanh(self.pool(x[:, 0]))),)
        if self.head == "token":
            return (self.out(x),)
        if self.head == "qa":
            logits = self.out(x)
            return logits[..., 0].contiguous(), logits[..., 1].contiguous()
        h = self.transform_norm(torch.nn.functional.gelu(self.transform(x)))
        return (self.out(h),)


# name: (tokenizer, head, architecture, id2label, extra config)
MODELS = {
    "tiny-bert-sentiment": ("wordpiece", "sequence", "BertForSequenceClassification",
                            ["NEGATIVE", "POSITIVE"], {}),
    "tiny-bert-multilabel": ("wordpiece", "sequence", "BertForSequenceClassification",
                             ["sports", "politics", "science"],
                             {"problem_type": "multi_label_classification"}),
    "tiny-bert-ner": ("wordpiece", "token", "BertForTokenClassification", NER_LABELS, {}),
    "tiny-bert-qa": ("wordpiece", "qa", "BertForQuestionAnswering", None, {}),
    "tiny-bert-mlm": ("wordpiece", "mlm", "BertForMaskedLM", None, {}),
    "tiny-bert-cross-encoder": ("wordpiece", "sequence", "BertForSequenceClassification",
                                ["LABEL_0"], {}),
    "tiny-roberta-mlm": ("bpe", "mlm", "RobertaForMaskedLM", None, {}),
    "tiny-roberta-nli": ("bpe", "sequence", "RobertaForSequenceClassification",
                         ["CONTRADICTION", "NEUTRAL", "ENTAILMENT"], {}),
}


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main(out):
    tokenizers = {"wordpiece": wordpiece_tokenizer(), "bpe": bpe_tokenizer()}
    for seed, (name, (kind, head, architecture, labels, extra)) in enumerate(MODELS.items()):
        torch.manual_seed(1234 + seed)
        tokenizer, tokenizer_config, vocab = tokenizers[kind]
        roberta = kind == "bpe"
        model = Model(vocab, roberta, head, len(labels) if labels else 0).eval()
        folder = os.path.join(out, name)
        os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
        config = {
            "_name_or_path": "hubbatch/" + name,
            "architectures": [architecture],
            "model_type": "roberta" if roberta else "bert",
            "vocab_size": vocab, "hidden_size": HIDDEN, "num_hidden_layers": LAYERS,
            "num_attention_heads": HEADS, "intermediate_size": INTERMEDIATE,
            "hidden_act": "gelu", "layer_norm_eps": 1e-12,
            "max_position_embeddings": POSITIONS + (2 if roberta else 0),
            "type_vocab_size": 1 if roberta else 2,
            "pad_token_id": 1 if roberta else 0,
        }
        if roberta:
            config.update({"bos_token_id": 0, "eos_token_id": 2})
        if labels:
            config["id2label"] = {str(i): label for i, label in enumerate(labels)}
            config["label2id"] = {label: i for i, label in enumerate(labels)}
        config.update(extra)
        write_json(os.path.join(folder, "config.json"), config)
        write_json(os.path.join(folder, "tokenizer.json"), tokenizer)
        write_json(os.path.join(folder, "tokenizer_config.json"), tokenizer_config)

        ids = torch.tensor([[0 if roberta else 2, 10, 11, 12, 2 if roberta else 3]])
        example = (ids, torch.ones_like(ids)) if roberta else \
            (ids, torch.ones_like(ids), torch.zeros_like(ids))
        input_names = ["input_ids", "attention_mask"] + ([] if roberta else ["token_type_ids"])
        output_names = ["start_logits", "end_logits"] if head == "qa" else ["logits"]
        axes = {n: {0: "batch_size", 1: "sequence_length"} for n in input_names + output_names}
        if head == "sequence":
            axes["logits"] = {0: "batch_size"}
        with torch.no_grad():
            traced = torch.jit.trace(model, example)
            traced.save(os.path.join(folder, "model.pt"))
            torch.onnx.export(model, example, os.path.join(folder, "onnx", "model.onnx"),
                              input_names=input_names, output_names=output_names,
                              dynamic_axes=axes, opset_version=14)
        print("wrote", folder)


def check(out):
    for name in MODELS:
        folder = os.path.join(out, name)
        model = torch.jit.load(os.path.join(folder, "model.pt"))
        with open(os.path.join(folder, "expected.json"), encoding="utf-8") as f:
            expected = json.load(f)
        for case in expected["cases"]:
            ids = torch.tensor([case["input_ids"]])
            inputs = [ids, torch.ones_like(ids)]
            if "token_type_ids" in case:
                inputs.append(torch.tensor([case["token_type_ids"]]))
            with torch.no_grad():
                outputs = model(*inputs)
            for output, (key, values) in zip(outputs, case["logits"].items()):
                gap = (output[0] - torch.tensor(values)).abs().max().item()
                if gap > 1e-4:
                    sys.exit(f"{name} {key} {case['text']!r}: TorchScript and ONNX differ by {gap}")
        print("checked", name)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.exit(__doc__)
