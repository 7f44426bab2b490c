// The generation bench's baseline: transformers.js 4.3.1 generating each prompt alone, greedy,
// exactly the prompt's max_new_tokens (min_new_tokens equal), on the bench model that
// bench-generation-model.py writes. Prints tokens per second and the mean time to first token.
// Usage (in a folder where @huggingface/transformers@4.3.1 is installed):
//   node bench-generation-baseline.mjs MODEL_FOLDER PROMPTS_JSONL
import fs from 'node:fs';
import path from 'node:path';
import { env, AutoTokenizer, AutoModelForCausalLM } from '@huggingface/transformers';

const [folder, promptsFile] = process.argv.slice(2).map((p) => path.resolve(p));
env.allowRemoteModels = false;
env.localModelPath = path.dirname(folder) + '/';
const name = path.basename(folder);
const tokenizer = await AutoTokenizer.from_pretrained(name);
const model = await AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32' });
const prompts = fs.readFileSync(promptsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));

// time to first token: one new token alone, per prompt
let firstToken = 0;
for (const { inputs } of prompts) {
  const encoded = tokenizer(inputs);
  const start = performance.now();
  await model.generate({ ...encoded, max_new_tokens: 1, min_new_tokens: 1 });
  firstToken += performance.now() - start;
}
let tokens = 0;
const start = performance.now();
for (const { inputs, parameters } of prompts) {
  const encoded = tokenizer(inputs);
  const out = await model.generate({ ...encoded, ...parameters });
  tokens += out.dims[1] - encoded.input_ids.dims[1];
}
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({
  prompts: prompts.length, tokens, seconds: +seconds.toFixed(2), tokens_per_second: +(tokens / seconds).toFixed(1),
  mean_time_to_first_token_ms: +(firstToken / prompts.length).toFixed(1),
}));
