#!/usr/bin/env bash
# Writes the default model's weights as TorchScript (OUT_DIR/model.pt) for the PyTorch engine,
# converted from the ONNX file inside the langchain4j jar. Skips the work when OUT_DIR already
# holds a conversion of the same jar by the same converter.
#
# Usage: torchscript-default-model.sh MINILM_JAR OUT_DIR
# Needs Debian's python3-torch and python3-onnx (/usr/bin/python3); without them it warns and
# exits 0, and the tests that need the file are skipped (or fail under HUBBATCH_REQUIRE_TORCHSCRIPT=1).
set -euo pipefail
jar=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
converter=$here/onnx_bert_to_torchscript.py
config=$here/../model/src/main/resources/ai/hubbatch/model/default/all-MiniLM-L6-v2/config.json

if ! /usr/bin/python3 -c 'import torch, onnx' 2>/dev/null; then
  echo "WARNING: /usr/bin/python3 lacks torch or onnx (apt-get install python3-torch python3-onnx):" \
       "the default model's TorchScript is not generated and PyTorch-engine tests will be skipped." >&2
  exit 0
fi
[ -f "$jar" ] || { echo "No such jar: $jar" >&2; exit 1; }

key=$(cat "$converter" "$config" | sha256sum | cut -c1-16)-$(stat -c %s "$jar")
if [ -f "$out/model.pt" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
  exit 0
fi
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unzip -q -o "$jar" all-minilm-l6-v2.onnx -d "$work"
/usr/bin/python3 "$converter" "$work/all-minilm-l6-v2.onnx" "$config" "$work/model.pt"
mv -f "$work/model.pt" "$out/model.pt"
echo "$key" > "$out/key"
echo "Wrote $out/model.pt"
