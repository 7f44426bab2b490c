// Times transformers.js on a hubbatch model folder, one record per call (its fastest way here),
// for each dtype in turn, interleaved over the repeats so drift on the machine touches every dtype
// alike. Prints one JSON object: records/s per dtype (the fastest repeat) and, for embeddings, the
// cosine of each dtype's outputs to the first dtype's.
// Usage: node bench.mjs MODEL_FOLDER INPUT.jsonl TASK DTYPE[,DTYPE...] REPEATS
import fs from 'node:fs';
import path from 'node:path';
import { env, pipeline } from '@huggingface/transformers';

const [folderArg, input, task, dtypeList, repeatsArg] = process.argv.slice(2);
const folder = path.resolve(folderArg);
const dtypes = dtypeList.split(',');
const repeats = Number(repeatsArg || '2');
env.allowRemoteModels = false;
env.localModelPath = path.dirname(folder) + '/';
const model = path.basename(folder);

const texts = fs.readFileSync(input, 'utf8').split('\n').filter((l) => l.trim())
  .map((l) => JSON.parse(l).inputs);
// hubbatch's sentence-embeddings task: mean pooling, normalised, as sentence-transformers does.
const embeddings = task === 'sentence-embeddings' || task === 'feature-extraction';
const options = task === 'sentence-embeddings' ? { pooling: 'mean', normalize: true } : {};
const runner = embeddings ? 'feature-extraction' : task;

const pipes = {};
for (const dtype of dtypes) {
  pipes[dtype] = await pipeline(runner, model, { dtype, device: 'cpu' });
  for (const text of texts.slice(0, 16)) await pipes[dtype](text, options); // warm-up
}

const seconds = Object.fromEntries(dtypes.map((d) => [d, Infinity]));
const outputs = {};
for (let r = 0; r < repeats; r++) {
  for (const dtype of dtypes) {
    const kept = [];
    const start = process.hrtime.bigint();
    for (const text of texts) {
      const out = await pipes[dtype](text, options);
      if (r === 0) kept.push(embeddings ? Array.from(out.data) : out);
    }
    const s = Number(process.hrtime.bigint() - start) / 1e9;
    seconds[dtype] = Math.min(seconds[dtype], s);
    if (r === 0) outputs[dtype] = kept;
  }
}

function cosine(a, b) {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return dot / Math.sqrt(na * nb);
}

const result = { records: texts.length, repeats, records_per_s: {}, cosine_to_first: {} };
for (const dtype of dtypes) {
  result.records_per_s[dtype] = texts.length / seconds[dtype];
  if (embeddings && dtype !== dtypes[0]) {
    const c = outputs[dtype].map((v, i) => cosine(v, outputs[dtypes[0]][i]));
    result.cosine_to_first[dtype] = { mean: c.reduce((x, y) => x + y, 0) / c.length, worst: Math.min(...c) };
  }
}
console.log(JSON.stringify(result));
