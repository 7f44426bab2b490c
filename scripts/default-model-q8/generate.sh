#!/usr/bin/env bash
# Writes model/src/test/resources/default-model-q8/expected.json: the default model's embeddings of
# the test sentences in fp32 and q8, computed by transformers.js 4.3.1 from the default model folder
# hubbatch writes. Run by hand when the default model changes; the build only reads the file.
#
# Needs a built jar (./hubbatch writes the default model folder) and Node.js with npm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
out=$root/model/src/test/resources/default-model-q8
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HUBBATCH_CACHE=$work/cache
printf '{"inputs":"a"}\n' > "$work/one.jsonl"
"$root/hubbatch" run --dtype q8 --input "$work/one.jsonl" --output "$work/out/" >/dev/null
folder=$(ls -d "$work"/cache/models/sentence-transformers--all-MiniLM-L6-v2/*/ | head -1)
(cd "$work" && npm init -y >/dev/null \
  && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund @huggingface/transformers@4.3.1 >/dev/null)
cp "$here/expected.mjs" "$work/"
mkdir -p "$out"
(cd "$work" && node expected.mjs "$folder" "$out/expected.json")
ls -l "$out/expected.json"
