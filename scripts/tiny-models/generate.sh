#!/usr/bin/env bash
# Regenerates the tiny test models and their expected values under
# model/src/test/resources/tiny-models. Run by hand when the generator changes; the build only
# reads the committed files.
#
# Needs Debian's python3-torch and python3-onnx (/usr/bin/python3) and Node.js with npm (for
# transformers.js, installed into a temporary folder with its bundled ONNX Runtime).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../../model/src/test/resources/tiny-models
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -rf "$out"
mkdir -p "$out"
/usr/bin/python3 "$here/tiny_models.py" "$out"
(cd "$work" && npm init -y >/dev/null \
  && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund @huggingface/transformers@4.3.1 >/dev/null)
cp "$here/expected.mjs" "$work/"
(cd "$work" && node expected.mjs "$out")
/usr/bin/python3 "$here/tiny_models.py" --check "$out"
# The vision models (vision.sh runs these steps alone).
/usr/bin/python3 "$here/vision.py" "$out" "$here/../../model/src/test/resources/images"
cp "$here/vision.mjs" "$work/" && (cd "$work" && node vision.mjs "$out")
du -sh "$out"
