#!/usr/bin/env bash
# Regenerates the tiny test models and their expected values under
# model/src/test/resources/tiny-models. Run by hand when the generator changes; the build only
# reads the committed files.
#
# Usage: generate.sh [text|generation|vision|audio|all]   (default all)
#   text        the encoder models of tiny_models.py (BERT, RoBERTa) and expected.mjs
#   generation  the decoder and encoder-decoder models of generation.py, their expected values from
#               transformers.js (generation.mjs, which also renders the chat templates and runs
#               its logits processors into model/src/test/resources/generate/) and beam_reference.py
#               (beam search into each expected.json, warpers into generate/warpers.json)
#   vision      the image models of vision.py (ViT, ConvNeXt, DETR, Segformer, CLIP) with their
#               Python (Pillow + torch) references, checked in transformers.js by vision.mjs
#   audio       the audio models of audio.py (wav2vec2 CTC and classifier, Whisper), checked in
#               transformers.js by audio.mjs, with Python transformers' references
#               (audio_reference.py) and torch log-mel features (whisper_features.py)
# Each part rewrites only its own model folders.
#
# Needs Debian's python3-torch and python3-onnx (/usr/bin/python3) and Node.js with npm (for
# transformers.js, installed into a temporary folder with its bundled ONNX Runtime). The audio
# references also need transformers 5.18, onnxruntime 1.30 and numpy wheels for a virtual
# environment (pip's index, or the wheel folders in $WHEELS; torch is not needed there), and the
# sample clips' reference PCM (scripts/make-sample-audio.sh).
set -euo pipefail
what=${1:-all}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../../model/src/test/resources/tiny-models
resources=$here/../../model/src/test/resources/generate
audio_resources=$here/../../model/src/test/resources/audio
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

if [[ $what == vision || $what == all ]]; then
  /usr/bin/python3 "$here/vision.py" "$out" "$here/../../model/src/test/resources/images"
  cp "$here/vision.mjs" "$work/"
  (cd "$work" && node vision.mjs "$out")
fi

if [[ $what == audio || $what == all ]]; then
  rm -rf "$out"/tiny-wav2vec2-ctc "$out"/tiny-wav2vec2-classifier "$out"/tiny-whisper \
    "$audio_resources"/wav2vec2-input-values "$audio_resources"/whisper
  /usr/bin/python3 "$here/audio.py" "$out"
  cp "$here/audio.mjs" "$work/"
  (cd "$work" && node audio.mjs "$out" "$audio_resources/pcm")
  /usr/bin/python3 -m venv "$work/venv"
  # Wheels from the folders in $WHEELS (this machine's local copies) as well as pip's index.
  links=()
  for folder in ${WHEELS:-/opt/pypi/files /opt/pypi-more/files}; do
    [ -d "$folder" ] && links+=(--find-links "$folder")
  done
  "$work/venv/bin/pip" install -q --no-deps "${links[@]}" transformers==5.18.0 \
    huggingface_hub==1.33.0 tokenizers==0.23.2 safetensors==0.8.0 regex pyyaml packaging \
    filelock fsspec tqdm numpy==2.2.6 typing_extensions hf-xet httpx httpcore anyio sniffio h11 \
    certifi idna shellingham typer typer-slim click rich onnxruntime==1.30.0 flatbuffers protobuf
  "$work/venv/bin/python" "$here/audio_reference.py" "$out" "$audio_resources/pcm" "$audio_resources"
  /usr/bin/python3 "$here/whisper_features.py" "$audio_resources/pcm" "$audio_resources"
fi
du -sh "$out"
