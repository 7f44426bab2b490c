// Expected values for the tiny models, from transformers.js: an implementation of the Hugging Face
// tokenizers and pipelines independent of both the Rust tokenizers that DJL binds and of hubbatch.
// Usage: node expected.mjs MODELS_DIR  (writes MODELS_DIR/<model>/expected.json)
import fs from 'node:fs';
import path from 'node:path';
import {
  env, AutoTokenizer, AutoModelForSequenceClassification, AutoModelForTokenClassification,
  AutoModelForQuestionAnswering, AutoModelForMaskedLM, pipeline,
} from '@huggingface/transformers';

const dir = path.resolve(process.argv[2]);
env.allowRemoteModels = false;
env.localModelPath = dir + '/';

// Inputs the Java tests run: single texts, or [text, pair].
const CASES = {
  'tiny-bert-sentiment': {
    model: AutoModelForSequenceClassification,
    inputs: ['I love this movie!', 'This film was terrible.', ['The cat sat on the mat.', 'A cat is sitting.']],
    pipeline: ['text-classification', ['I love this movie!', 'This film was terrible.'], { top_k: 2 }],
  },
  'tiny-bert-multilabel': {
    model: AutoModelForSequenceClassification,
    inputs: ['The team won the game.', 'The election law vote.'],
    pipeline: ['text-classification', ['The team won the game.', 'The election law vote.'], { top_k: 3 }],
  },
  'tiny-bert-ner': {
    model: AutoModelForTokenClassification,
    inputs: ['My name is Wolfgang and I live in Berlin.', 'Enzo works at the UN 🙂 in New York.'],
  },
  'tiny-bert-qa': {
    model: AutoModelForQuestionAnswering,
    inputs: [['Where do I live?', 'My name is Wolfgang and I live in Berlin.'],
             ['Who are you?', 'Hello there, 🙂 my name is Wolfgang.']],
  },
  'tiny-bert-mlm': {
    model: AutoModelForMaskedLM,
    inputs: ['Paris is the [MASK] of France.', 'The [MASK] sat on the [MASK].'],
    pipeline: ['fill-mask', 'Paris is the [MASK] of France.', { top_k: 5 }],
  },
  'tiny-bert-cross-encoder': {
    model: AutoModelForSequenceClassification,
    inputs: [['Where do I live?', 'I live in Berlin.'], ['Where do I live?', 'The cat sat on the mat.'],
             ['Where do I live?', 'Paris is the capital of France.']],
  },
  'tiny-roberta-mlm': {
    model: AutoModelForMaskedLM,
    inputs: ['Paris is the <mask> of France.', 'The <mask> sat on the <mask>.'],
    pipeline: ['fill-mask', 'Paris is the <mask> of France.', { top_k: 5 }],
  },
  'tiny-roberta-nli': {
    model: AutoModelForSequenceClassification,
    inputs: [['I love this movie!', 'This example is positive.'], ['I love this movie!', 'This example is negative.'],
             ['I love this movie!', 'This example is sports.']],
    pipeline: ['zero-shot-classification', 'I love this movie!', ['positive', 'negative', 'sports']],
  },
};

function nested(tensor) {
  return JSON.parse(JSON.stringify(tensor.tolist(), (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
}

for (const [name, spec] of Object.entries(CASES)) {
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  const model = await spec.model.from_pretrained(name, { dtype: 'fp32' });
  const cases = [];
  for (const input of spec.inputs) {
    const [text, pair] = Array.isArray(input) ? input : [input, undefined];
    const encoded = pair === undefined ? tokenizer(text) : tokenizer(text, { text_pair: pair });
    const outputs = await model(encoded);
    const logits = {};
    for (const [key, value] of Object.entries(outputs)) {
      logits[key] = nested(value)[0];
    }
    const entry = { text, input_ids: nested(encoded.input_ids)[0], logits };
    if (pair !== undefined) entry.text_pair = pair;
    if (encoded.token_type_ids) entry.token_type_ids = nested(encoded.token_type_ids)[0];
    cases.push(entry);
  }
  const expected = { generated_by: 'transformers.js ' + env.version, cases };
  if (spec.pipeline) {
    const [task, input, options] = spec.pipeline;
    const pipe = await pipeline(task, name, { dtype: 'fp32' });
    expected.pipeline = { task, inputs: input, options, output: await pipe(input, options) };
  }
  fs.writeFileSync(path.join(dir, name, 'expected.json'), JSON.stringify(expected, (k, v) => (typeof v === 'bigint' ? Number(v) : v), 1) + '\n');
  console.log('wrote', path.join(dir, name, 'expected.json'));
}
