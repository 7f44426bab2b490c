#!/usr/bin/env bash
# The generation bench against its baseline, interleaved: each round runs `hubbatch bench` on the
# bench model (bench-generation-model.py) over samples/bench/generation-prompts.jsonl (96 prompts,
# exactly 32 new tokens each), then transformers.js 4.3.1 generating the same prompts one at a time
# (bench-generation-baseline.mjs), and prints both and their ratio. On a shared machine the speed
# drifts between minutes; rounds interleaved this way let each ratio compare runs made side by side.
#
# Usage: scripts/bench-generation.sh [ROUNDS] (default 3)
#   BENCH_MODEL=dir   an existing bench model (written to a temporary folder otherwise)
#   TJS_DIR=dir       a folder where @huggingface/transformers@4.3.1 is installed (installed into a
#                     temporary folder otherwise)
#   BENCH_ARGS="..."  more options for hubbatch bench (--batch-size 16, --intra-op-threads 1, ...)
# Needs Debian's python3-torch and python3-onnx (for the model), Node.js with npm, and a JDK.
set -euo pipefail
rounds=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prompts=$root/samples/bench/generation-prompts.jsonl

model=${BENCH_MODEL:-}
if [[ -z $model ]]; then
  model=$work/gpt2-bench
  /usr/bin/python3 "$root/scripts/bench-generation-model.py" "$model" >&2
fi
tjs=${TJS_DIR:-}
if [[ -z $tjs ]]; then
  tjs=$work/tjs
  mkdir -p "$tjs"
  (cd "$tjs" && npm init -y >/dev/null \
    && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund @huggingface/transformers@4.3.1 >/dev/null)
fi
cp "$root/scripts/bench-generation-baseline.mjs" "$tjs/"

for round in $(seq 1 "$rounds"); do
  # shellcheck disable=SC2086
  "$root/hubbatch" bench --model "$model" --engines onnxruntime --input "$prompts" --repeats 1 \
    --json "$work/hubbatch-$round.json" ${BENCH_ARGS:-} >/dev/null
  (cd "$tjs" && node bench-generation-baseline.mjs "$model" "$prompts") >"$work/baseline-$round.json"
  node -e '
    const fs = require("fs");
    const [round, ours, theirs] = process.argv.slice(1);
    const h = JSON.parse(fs.readFileSync(ours)).engines[0];
    const t = JSON.parse(fs.readFileSync(theirs));
    console.log(`round ${round}: hubbatch job ${h.e2e_tokens_per_s.toFixed(1)} tok/s, engine ` +
      `${h.engine_tokens_per_s.toFixed(1)} tok/s, first token ${h.first_token_s.toFixed(2)} s, ` +
      `mean TTFT ${h.mean_time_to_first_token_s.toFixed(2)} s, slots busy ${h.slot_occupancy.toFixed(3)} ` +
      `(${h.slots} slots); transformers.js ${t.tokens_per_second} tok/s, TTFT ` +
      `${t.mean_time_to_first_token_ms} ms alone; job/transformers.js ` +
      `${(h.e2e_tokens_per_s / t.tokens_per_second).toFixed(2)}x, engine/transformers.js ` +
      `${(h.engine_tokens_per_s / t.tokens_per_second).toFixed(2)}x`);
  ' "$round" "$work/hubbatch-$round.json" "$work/baseline-$round.json"
done
