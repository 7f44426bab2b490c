#!/usr/bin/env bash
# Regenerates the tiny test models and their expected values under
# model/src/test/resources/tiny-models. Run by hand when the generator changes; the build only
# reads the committed files.
#
#   generate.sh          the text models (tiny_models.py, expected.mjs)
#   generate.sh audio    the audio models only (audio.py, audio.mjs, audio_reference.py,
#                        whisper_features.py); the text models are left as they are
#
# Needs Debian's python3-torch and python3-onnx (/usr/bin/python3) and Node.js with npm (for
# transformers.js, installed into a temporary folder with its bundled ONNX Runtime). The audio
# references also need transformers 5.18, onnxruntime 1.30 and numpy wheels for a virtual
# environment (pip's index, or the wheel folders in $WHEELS; torch is not needed there), and the
# sample clips' reference PCM (scripts/make-sample-audio.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../../model/src/test/resources/tiny-models
resources=$here/../../model/src/test/resources/audio
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

install_transformers_js() {
  (cd "$work" && npm init -y >/dev/null \
    && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund @huggingface/transformers@4.3.1 >/dev/null)
}

if [ "${1:-}" = audio ]; then
  rm -rf "$out"/tiny-wav2vec2-ctc "$out"/tiny-wav2vec2-classifier "$out"/tiny-whisper \
    "$resources"/wav2vec2-input-values "$resources"/whisper
  mkdir -p "$out"
  /usr/bin/python3 "$here/audio.py" "$out"
  install_transformers_js
  cp "$here/audio.mjs" "$work/"
  (cd "$work" && node audio.mjs "$out" "$resources/pcm")
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
  "$work/venv/bin/python" "$here/audio_reference.py" "$out" "$resources/pcm" "$resources"
  /usr/bin/python3 "$here/whisper_features.py" "$resources/pcm" "$resources"
  du -sh "$out"/tiny-wav2vec2-ctc "$out"/tiny-wav2vec2-classifier "$out"/tiny-whisper
  exit 0
fi

rm -rf "$out"/tiny-bert-* "$out"/tiny-roberta-*
mkdir -p "$out"
/usr/bin/python3 "$here/tiny_models.py" "$out"
install_transformers_js
cp "$here/expected.mjs" "$work/"
(cd "$work" && node expected.mjs "$out")
/usr/bin/python3 "$here/tiny_models.py" --check "$out"
du -sh "$out"
