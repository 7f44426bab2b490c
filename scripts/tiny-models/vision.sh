#!/usr/bin/env bash
# Regenerates only the tiny vision models (vision.py) and checks them in transformers.js 4.3.1
# (vision.mjs); generate.sh runs the same steps after the text models. Run by hand; the build only
# reads the committed files. Needs Debian's python3-torch, python3-onnx, python3-pil, numpy, Node.js
# with npm, and the sample images (scripts/make-sample-images.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../../model/src/test/resources/tiny-models
images=$here/../../model/src/test/resources/images
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 "$here/vision.py" "$out" "$images"
(cd "$work" && npm init -y >/dev/null \
  && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund @huggingface/transformers@4.3.1 >/dev/null)
cp "$here/vision.mjs" "$work/"
(cd "$work" && node vision.mjs "$out")
du -sh "$out"/tiny-{vit,convnext,detr,segformer,clip}*
