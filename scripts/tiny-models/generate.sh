#!/usr/bin/env bash
# Regenerates the tiny test models and their expected values under
# model/src/test/resources/tiny-models. Run by hand when the generator changes; the build only
# reads the committed files.
#
# Usage: generate.sh [text|generation|all]   (default all)
#   text        the encoder models of tiny_models.py (BERT, RoBERTa) and expected.mjs
#   generation  the decoder and encoder-decoder models of generation.py, their expected values from
#               transformers.js (generation.mjs, which also renders the chat templates and runs
#               its logits processors into model/src/test/resources/generate/) and beam_reference.py
#               (beam search into each expected.json, warpers into generate/warpers.json)
# Each part rewrites only its own model folders.
#
# Needs Debian's python3-torch and python3-onnx (/usr/bin/python3) and Node.js with npm (for
# transformers.js, installed into a temporary folder with its bundled ONNX Runtime).
set -euo pipefail
what=${1:-all}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../../model/src/test/resources/tiny-models
resources=$here/../../model/src/test/resources/generate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm init -y >/dev/null \
  && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund @huggingface/transformers@4.3.1 >/dev/null)
mkdir -p "$out"

if [[ $what == text || $what == all ]]; then
  rm -rf "$out"/tiny-bert-* "$out"/tiny-roberta-*
  /usr/bin/python3 "$here/tiny_models.py" "$out"
  cp "$here/expected.mjs" "$work/"
  (cd "$work" && node expected.mjs "$out")
  /usr/bin/python3 "$here/tiny_models.py" --check "$out"
fi

if [[ $what == generation || $what == all ]]; then
  rm -rf "$out"/tiny-gpt2 "$out"/tiny-llama "$out"/tiny-llama-merged "$out"/tiny-bart "$out"/tiny-t5
  /usr/bin/python3 "$here/generation.py" "$out" "$work/stage"
  cp "$here/generation.mjs" "$work/"
  (cd "$work" && node generation.mjs "$out" "$work/stage" "$resources")
  /usr/bin/python3 "$here/generation.py" --check "$out" "$work/stage"
  /usr/bin/python3 "$here/beam_reference.py" "$out" "$work/stage" "$resources/warpers.json"
fi
du -sh "$out"
