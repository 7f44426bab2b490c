#!/usr/bin/env python3
"""Writes samples/bench/paragraphs.jsonl: 1,000 English-like paragraphs of 4 to 316 words
(log-uniform, so short and long records are both common, as in review and support-ticket data),
for `hubbatch bench`. Deterministic: the same file on every run.

Usage: make-bench-sample.py [OUT] [COUNT]
"""
import json
import math
import random
import sys

SUBJECTS = ["the delivery", "our team", "the new update", "this product", "the support agent",
            "my order", "the hotel staff", "the battery", "the app", "the kitchen", "the manager",
            "the instructions", "the screen", "customer service", "the warranty", "the price",
            "the package", "the room", "the software", "the meal", "the driver", "the device",
            "the checkout page", "the invoice", "the replacement part", "the booking system"]
VERBS = ["arrived", "worked", "failed", "improved", "stopped", "surprised us", "disappointed me",
         "exceeded expectations", "took longer than promised", "crashed twice", "felt sturdy",
         "was easy to set up", "needed a restart", "was refunded", "kept disconnecting",
         "looked exactly like the photos", "made a strange noise", "saved us a lot of time"]
DETAILS = ["after the first week", "on a rainy Tuesday", "despite the long wait",
           "without any explanation", "during the holiday rush", "once we read the manual",
           "when we called the second time", "in less than an hour", "for no obvious reason",
           "after the latest firmware update", "with the help of a friendly technician",
           "even though the box was damaged", "at the worst possible moment"]
EXTRAS = ["Honestly", "Overall", "To be fair", "Unfortunately", "In the end", "Surprisingly",
          "As expected", "For the record", "Looking back", "All things considered"]
OPINIONS = ["I would recommend it to friends.", "I will not order again.",
            "It is good value for the money.", "The quality could be better.",
            "We are mostly satisfied.", "It needs a clearer manual.",
            "Five stars from our family.", "Two stars, sadly.", "Still waiting for an answer."]


def sentence(rng):
    parts = [rng.choice(SUBJECTS).capitalize(), rng.choice(VERBS)]
    if rng.random() < 0.6:
        parts.append(rng.choice(DETAILS))
    text = " ".join(parts) + "."
    if rng.random() < 0.3:
        text = rng.choice(EXTRAS) + ", " + text[0].lower() + text[1:]
    if rng.random() < 0.25:
        text += " " + rng.choice(OPINIONS)
    return text


def paragraph(rng, words):
    text = []
    while sum(len(s.split()) for s in text) < words:
        text.append(sentence(rng))
    return " ".join(" ".join(text).split()[:words])


def main(out="samples/bench/paragraphs.jsonl", count=1000):
    rng = random.Random(20261123)
    with open(out, "w") as f:
        for _ in range(int(count)):
            words = int(round(math.exp(rng.uniform(math.log(4), math.log(316)))))
            f.write(json.dumps({"inputs": paragraph(rng, words)}) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
