#!/usr/bin/python3
"""A Python reference of transformers' beam search, run on the torch copies of the tiny generation
models; writes its results into each model's expected.json ("beam_search").

Usage: beam_reference.py OUT_DIR STAGE_DIR WARPERS_JSON   (after generation.py and generation.mjs)
  also writes WARPERS_JSON: rows of logits through transformers' sampling warpers (temperature,
  top-k, top-p, typical-p), transcribed to torch, since transformers.js has no top-p or typical-p

transformers.js does not search beams (its generate keeps one candidate per step), so this is the
reference for hubbatch's BeamSearch. It follows transformers' GenerationMixin._beam_search with
BeamSearchScorer and BeamHypotheses as they stand from v4.36 to v4.47 (the length penalty divides
by the generated length, without the prompt):
  - every step: log_softmax of the last logits, then the logits processors on those log-probs,
    plus each beam's running score; the top max(2, 1 + number of EOS ids) * num_beams of all
    beams' candidates, sorted;
  - candidates are walked in rank order: an EOS candidate of rank < num_beams becomes a finished
    hypothesis (its tokens without the EOS, score = sum of log-probs / generated_length **
    length_penalty, generated_length counting the EOS); other EOS candidates are skipped; the
    first num_beams non-EOS candidates are the next beams;
  - a record is done when it has num_beams hypotheses and: early_stopping True; or False and the
    best candidate score / (cur_len - prompt_len) ** length_penalty cannot beat the worst kept
    hypothesis; or "never" and the same bound taken at max_length when length_penalty > 0;
  - at max_length (or when done) the live beams are added as hypotheses; the best
    num_return_sequences are returned, best first.
The first step starts all beams from the prompt with scores 0, -1e9, -1e9, ... so only the first
beam's candidates count. Each step's processed log-probs (the top candidates of every beam, enough
to replay the choice) are written too, so that a test can replay the bookkeeping alone.

The logits processors are transformers' (logits_process.py), in _get_logits_processor's order:
repetition penalty, no-repeat n-grams, bad words, min length, min new tokens, forced BOS, forced
EOS. The greedy path of generation.py --check uses the same functions on raw logits.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generation  # noqa: E402

NEG_INF = float("-inf")


def process(config, ids, scores, prompt_length, max_length):
    """Applies the processors transformers would build from config to one row, in place.

    ids: the sequence so far (prompt included; for encoder-decoders the decoder ids);
    prompt_length: its length when generation started; max_length: prompt_length +
    max_new_tokens."""
    eos = config["eos"]
    penalty = config.get("repetition_penalty", 1.0)
    if penalty != 1.0:
        seen = torch.tensor(sorted(set(ids)))
        picked = scores[seen]
        scores[seen] = torch.where(picked < 0, picked * penalty, picked / penalty)
    n = config.get("no_repeat_ngram_size", 0)
    if n > 0 and len(ids) + 1 >= n:
        prefix = tuple(ids[len(ids) - n + 1:])
        for i in range(len(ids) - n + 1):
            if tuple(ids[i:i + n - 1]) == prefix:
                scores[ids[i + n - 1]] = NEG_INF
    for bad in config.get("bad_words_ids") or []:
        if len(bad) == 1 or len(bad) <= len(ids) and ids[len(ids) - len(bad) + 1:] == bad[:-1]:
            scores[bad[-1]] = NEG_INF
    if len(ids) < config.get("min_length", 0):
        scores[eos] = NEG_INF
    if len(ids) - prompt_length < config.get("min_new_tokens", 0):
        scores[eos] = NEG_INF
    if config.get("forced_bos_token_id") is not None and len(ids) == 1:
        scores[:] = NEG_INF
        scores[config["forced_bos_token_id"]] = 0
    if config.get("forced_eos_token_id") is not None and len(ids) == max_length - 1:
        forced = config["forced_eos_token_id"]
        scores[:] = NEG_INF
        scores[forced if isinstance(forced, list) else [forced]] = 0
    return scores


def greedy(model, start, encoder_ids, config):
    """Greedy decoding with the processors on raw logits; returns the generated ids."""
    runner = generation.Runner(model, encoder_ids)
    rows, past = [list(start)], None
    max_length = len(start) + config["max_new_tokens"]
    while len(rows[0]) < max_length:
        logits, past = runner.logits(rows, past)
        scores = process(config, rows[0], logits[0].clone(), len(start), max_length)
        token = int(scores.argmax())
        rows[0].append(token)
        if token in config["eos"]:
            break
    return rows[0][len(start):]


class BeamHypotheses:
    """transformers' BeamHypotheses: the num_beams best finished hypotheses of one record."""

    def __init__(self, num_beams, length_penalty, early_stopping, max_length):
        self.num_beams = num_beams
        self.length_penalty = length_penalty
        self.early_stopping = early_stopping
        self.max_length = max_length
        self.beams = []
        self.worst_score = 1e9

    def add(self, hyp, sum_logprobs, generated_len, eos):
        score = sum_logprobs / (generated_len ** self.length_penalty)
        if len(self.beams) < self.num_beams or score > self.worst_score:
            self.beams.append((score, hyp, eos))
            if len(self.beams) > self.num_beams:
                ranked = sorted((s, i) for i, (s, _, _) in enumerate(self.beams))
                del self.beams[ranked[0][1]]
                self.worst_score = ranked[1][0]
            else:
                self.worst_score = min(score, self.worst_score)

    def is_done(self, best_sum_logprobs, cur_len, prompt_len):
        if len(self.beams) < self.num_beams:
            return False
        if self.early_stopping is True:
            return True
        if self.early_stopping is False or self.length_penalty <= 0.0:
            length = cur_len - prompt_len
        else:
            length = self.max_length - prompt_len
        return self.worst_score >= best_sum_logprobs / length ** self.length_penalty


def beam_search(model, start, encoder_ids, config):
    num_beams = config["num_beams"]
    eos = config["eos"]
    keep = max(2, 1 + len(eos)) * num_beams
    prompt_len = len(start)
    max_length = prompt_len + config["max_new_tokens"]
    hyps = BeamHypotheses(num_beams, config.get("length_penalty", 1.0),
                          config.get("early_stopping", False), max_length)
    runner = generation.Runner(model, encoder_ids)
    rows = [list(start) for _ in range(num_beams)]
    beam_scores = torch.zeros(num_beams)
    beam_scores[1:] = -1e9
    past, done, steps = None, False, []
    while True:
        logits, past = runner.logits(rows, past)
        log_probs = torch.log_softmax(logits.float(), dim=-1)
        processed = torch.stack([process(config, rows[b], log_probs[b].clone(), prompt_len,
                                         max_length) for b in range(num_beams)])
        steps.append(top_candidates(processed, keep))
        totals = (processed + beam_scores[:, None]).view(-1)
        top_scores, top_index = torch.topk(totals, keep, largest=True, sorted=True)
        vocab = processed.shape[1]
        cur_len = len(rows[0]) + 1
        chosen = []
        for rank, (score, index) in enumerate(zip(top_scores.tolist(), top_index.tolist())):
            source, token = index // vocab, index % vocab
            if token in eos:
                if rank < num_beams:
                    hyps.add(rows[source] + [], score, cur_len - prompt_len, token)
            else:
                chosen.append((score, source, token))
            if len(chosen) == num_beams:
                break
        done = done or hyps.is_done(top_scores.max().item(), cur_len, prompt_len)
        rows = [rows[source] + [token] for _, source, token in chosen]
        beam_scores = torch.tensor([score for score, _, _ in chosen])
        past = generation.reorder(past, torch.tensor([source for _, source, _ in chosen]))
        if done or len(rows[0]) >= max_length:
            break
    if not done:
        for b in range(num_beams):
            hyps.add(rows[b], beam_scores[b].item(), len(rows[b]) - prompt_len, None)
    ranked = sorted(hyps.beams, key=lambda beam: beam[0], reverse=True)
    best = ranked[:config.get("num_return_sequences", 1)]
    return {
        "hypotheses": [{"generated_ids": hyp[prompt_len:], "eos_token_id": eos_id,
                        "score": score} for score, hyp, eos_id in best],
        "sequences": sequences(best, prompt_len, eos, config.get("pad_token_id"), max_length),
        "steps": steps,
    }


def top_candidates(processed, keep):
    """Per beam, its best `keep` (token, log-prob): all a replay needs, since the overall top
    `keep` of a step lie within each beam's own top `keep`."""
    values, indices = torch.topk(processed, keep, dim=-1)
    rows = []
    for v, i in zip(values.tolist(), indices.tolist()):
        finite = [k for k, x in enumerate(v) if not math.isinf(x)]  # -inf is the replay's filler
        rows.append({"tokens": [i[k] for k in finite], "log_probs": [v[k] for k in finite]})
    return rows


def sequences(best, prompt_len, eos, pad, max_length):
    """The generated part of what BeamSearchScorer.finalize returns: each hypothesis with the
    first EOS id appended where it fits, padded to the longest."""
    longest = min(max(len(hyp) for _, hyp, _ in best) + 1, max_length)
    out = []
    for _, hyp, _ in best:
        row = list(hyp)
        if len(row) < longest:
            row.append(eos[0])
        row += [pad] * (longest - len(row))
        out.append(row[prompt_len:])
    return out


CASES = [
    {"name": "beams-3", "num_beams": 3, "max_new_tokens": 8},
    {"name": "beams-4-early-stopping-return-2", "num_beams": 4, "max_new_tokens": 10,
     "early_stopping": True, "num_return_sequences": 2, "length_penalty": 2.0},
    {"name": "beams-3-never-length-penalty-half", "num_beams": 3, "max_new_tokens": 9,
     "early_stopping": "never", "length_penalty": 0.5, "num_return_sequences": 3},
    {"name": "beams-2-negative-length-penalty", "num_beams": 2, "max_new_tokens": 10,
     "length_penalty": -1.0},
    {"name": "beams-3-penalties", "num_beams": 3, "max_new_tokens": 10,
     "repetition_penalty": 1.3, "no_repeat_ngram_size": 2, "num_return_sequences": 2},
    {"name": "beams-3-min-new-tokens", "num_beams": 3, "max_new_tokens": 10, "min_new_tokens": 6},
]
PROMPTS = {"decoder": ["Hello", "The cat sat on the mat and the dog"],
           "seq2seq": ["Hello world", "The cat sat on the mat and the dog saw the moon"]}


def model_config(folder):
    with open(os.path.join(folder, "generation_config.json"), encoding="utf-8") as f:
        gen = json.load(f)
    eos = gen["eos_token_id"]
    eos = eos if isinstance(eos, list) else [eos]
    # generate() pads with the first EOS id when the model names no pad token
    pad = gen["pad_token_id"] if gen.get("pad_token_id") is not None else eos[0]
    return {"eos": eos, "pad_token_id": pad,
            "forced_bos_token_id": gen.get("forced_bos_token_id"),
            "forced_eos_token_id": gen.get("forced_eos_token_id"),
            "decoder_start_token_id": gen.get("decoder_start_token_id")}


# transformers' sampling warpers (logits_process.py), transcribed to torch: transformers.js has no
# top-p or typical-p, so these are the reference for hubbatch's warpers.

def temperature(scores, value):
    return scores / value


def top_k(scores, k, keep=1):
    k = min(max(k, keep), scores.size(-1))
    return scores.masked_fill(scores < torch.topk(scores, k)[0][..., -1, None], NEG_INF)


def top_p(scores, p, keep=1):
    sorted_logits, sorted_indices = torch.sort(scores, descending=False)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove = cumulative <= (1 - p)
    remove[..., -keep:] = 0
    return scores.masked_fill(remove.scatter(-1, sorted_indices, remove), NEG_INF)


def typical_p(scores, mass, keep=1):
    normalized = torch.nn.functional.log_softmax(scores, dim=-1)
    p = torch.exp(normalized)
    entropy = -(normalized * p).nansum(-1, keepdim=True)
    shifted = torch.abs((-normalized) - entropy)
    sorted_scores, sorted_indices = torch.sort(shifted, descending=False)
    cumulative = scores.gather(-1, sorted_indices).softmax(dim=-1).cumsum(dim=-1)
    last = (cumulative < mass).sum(dim=-1).clamp(max=sorted_scores.shape[-1] - 1)
    remove = sorted_scores > sorted_scores.gather(-1, last.view(-1, 1))
    remove[..., :keep] = 0
    return scores.masked_fill(remove.scatter(-1, sorted_indices, remove), NEG_INF)


WARPER_CASES = [
    {"temperature": 0.7}, {"top_k": 5}, {"top_k": 1}, {"top_k": 1, "min_tokens_to_keep": 3},
    {"top_p": 0.8}, {"top_p": 0.3}, {"top_p": 0.05, "min_tokens_to_keep": 2}, {"typical_p": 0.9},
    {"typical_p": 0.4}, {"typical_p": 0.2, "min_tokens_to_keep": 3},
    {"temperature": 0.5, "top_k": 10, "top_p": 0.9, "typical_p": 0.95},
]


def write_warpers(path):
    """Rows of logits and what each warper (or chain, in _get_logits_processor's order) leaves."""
    torch.manual_seed(5)
    rows = [torch.randn(40) * 2, torch.randn(40) * 0.3, torch.randn(40) * 5]
    cases = []
    for row in rows:
        for case in WARPER_CASES:
            keep = case.get("min_tokens_to_keep", 1)
            scores = row.clone()[None]
            if "temperature" in case:
                scores = temperature(scores, case["temperature"])
            if "top_k" in case:
                scores = top_k(scores, case["top_k"], keep)
            if "top_p" in case:
                scores = top_p(scores, case["top_p"], keep)
            if "typical_p" in case:
                scores = typical_p(scores, case["typical_p"], keep)
            cases.append({"parameters": case, "logits": row.tolist(),
                          "warped": [None if math.isinf(x) else x for x in scores[0].tolist()]})
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"generated_by": "scripts/tiny-models/beam_reference.py (transformers' "
                                            "warpers on torch; null is -inf)", "cases": cases},
                           indent=1) + "\n")
    print("wrote", path)


def main(out, stage):
    for name in generation.MODELS:
        if name == "tiny-llama-merged":
            continue  # the same weights as tiny-llama
        folder = os.path.join(out, name)
        model = generation.load(stage, name)
        path = os.path.join(folder, "expected.json")
        with open(path, encoding="utf-8") as f:
            expected = json.load(f)
        base = model_config(folder)
        seq2seq = "tasks" in expected
        inputs = {case["input"]: case for case in expected["greedy"]}
        results = []
        for prompt in PROMPTS["seq2seq" if seq2seq else "decoder"]:
            ids = inputs[prompt]["input_ids"]
            start = [base["decoder_start_token_id"]] if seq2seq else ids
            for case in CASES:
                config = {**base, **case}
                result = beam_search(model, start, ids if seq2seq else None, config)
                results.append({"name": case["name"], "input": prompt, "input_ids": ids,
                                "decoder_input_ids": start if seq2seq else None,
                                "parameters": {k: v for k, v in case.items() if k != "name"},
                                **result})
        expected["beam_search"] = {
            "generated_by": "scripts/tiny-models/beam_reference.py (transformers' _beam_search, "
                            "BeamSearchScorer and BeamHypotheses of v4.36-4.47, on the torch "
                            "model)",
            "cases": results}
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
        print("wrote beam search of", name)


if __name__ == "__main__":
    if len(sys.argv) == 4:
        main(sys.argv[1], sys.argv[2])
        write_warpers(sys.argv[3])
    else:
        sys.exit(__doc__)
