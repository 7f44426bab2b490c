#!/usr/bin/env bash
# Times transformers.js 4.3.1 on a model folder, one record per call, for each dtype; prints one
# JSON line (see transformersjs-bench/bench.mjs). `hubbatch bench --transformers-js` runs it to
# compare hubbatch with transformers.js in the same run.
#
# Usage: scripts/transformersjs-bench.sh MODEL_FOLDER INPUT.jsonl TASK DTYPE[,DTYPE...] [REPEATS]
#
# Needs Node.js 18+ and npm. transformers.js (with the ONNX Runtime binary its npm package ships)
# is installed into $TRANSFORMERS_JS_DIR when set and kept there, else into a temporary folder
# removed on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${TRANSFORMERS_JS_DIR:-}" ]; then
  work=$TRANSFORMERS_JS_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
if [ ! -d "$work/node_modules/@huggingface/transformers" ]; then
  (cd "$work" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund \
      @huggingface/transformers@4.3.1 >/dev/null 2>&1)
fi
cp "$here/transformersjs-bench/bench.mjs" "$work/"
folder=$(cd "$1" && pwd)
input=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
cd "$work" && node bench.mjs "$folder" "$input" "$3" "$4" "${5:-2}"
