// The default model's sentence embeddings in fp32 and q8 from transformers.js (its own tokenizer
// and ONNX Runtime build, independent of hubbatch's), for DefaultModelQ8Test.
// Usage: node expected.mjs MODEL_FOLDER OUT.json
import fs from 'node:fs';
import path from 'node:path';
import { env, pipeline } from '@huggingface/transformers';

const [folderArg, out] = process.argv.slice(2);
const folder = path.resolve(folderArg);
env.allowRemoteModels = false;
env.localModelPath = path.dirname(folder) + '/';

// The sentences of EnginesAgreeTest and DefaultModelEmbeddingTest.
const sentences = [
  'This is a test.',
  'The quick brown fox jumps over the lazy dog.',
  'Batch inference over many records should be fast and cheap.',
  'Ünïcödé, emoji 🙂 and punctuation!?',
  'a',
  'The service was slow, the food was cold, and the waiter forgot our drinks twice; '
    + 'still, the dessert almost made up for it.',
  'A man is eating food.',
  'A man is eating a piece of bread.',
];
const expected = { generator: 'transformers.js 4.3.1, mean pooling, normalize', sentences };
for (const dtype of ['fp32', 'q8']) {
  const extractor = await pipeline('feature-extraction', path.basename(folder), { dtype });
  const vectors = [];
  for (const s of sentences) {
    const v = await extractor(s, { pooling: 'mean', normalize: true });
    vectors.push(Array.from(v.data).map((x) => Number(x.toPrecision(7))));
  }
  expected[dtype] = vectors;
}
fs.writeFileSync(out, JSON.stringify(expected) + '\n');
