// Checks the tiny vision models in transformers.js: each loads with its processor and pipeline; fed
// the pixel_values vision.py computed for an image already at the processor's size, its outputs
// equal torch's to 1e-4. Also records how far transformers.js' own processor is from Python's on
// that image (its resize is not Pillow's, and its DETR processor resizes and masks differently, so
// this is information, not a check) and its pipeline's answer, in each expected.json under
// "transformers_js". Exits non-zero when a model's outputs disagree.
// Usage: node vision.mjs MODELS_DIR  (after vision.py)
import fs from 'node:fs';
import path from 'node:path';
import {
  env, RawImage, Tensor, AutoImageProcessor, AutoTokenizer, AutoModel, AutoModelForImageClassification,
  AutoModelForObjectDetection, AutoModelForSemanticSegmentation, pipeline,
} from '@huggingface/transformers';

const dir = path.resolve(process.argv[2]);
env.allowRemoteModels = false;
env.localModelPath = dir + '/';
const TOLERANCE = 1e-4;

const MODELS = {
  'tiny-vit-classifier': { model: AutoModelForImageClassification, task: 'image-classification' },
  'tiny-convnext-classifier': { model: AutoModelForImageClassification, task: 'image-classification' },
  'tiny-detr': { model: AutoModelForObjectDetection, task: 'object-detection' },
  'tiny-segformer': { model: AutoModelForSemanticSegmentation, task: 'image-segmentation' },
  'tiny-clip': { model: AutoModel, task: 'zero-shot-image-classification' },
};

function flat(tensor) {
  return Array.from(tensor.data, Number);
}

function maxDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function plain(value) {
  // masks come back as RawImages: keep their size and how many pixels are set
  return JSON.parse(JSON.stringify(value, (k, v) => {
    if (v instanceof RawImage) {
      return { width: v.width, height: v.height, set: v.data.reduce((n, x) => n + (x ? 1 : 0), 0) };
    }
    return typeof v === 'bigint' ? Number(v) : v;
  }));
}

let failed = false;
for (const [name, spec] of Object.entries(MODELS)) {
  const file = path.join(dir, name, 'expected.json');
  const expected = JSON.parse(fs.readFileSync(file, 'utf8'));
  const js = expected.transformers_js;
  const rgb = Buffer.from(js.rgb_base64, 'base64');
  const image = new RawImage(new Uint8ClampedArray(rgb), js.width, js.height, 3);
  const processor = await AutoImageProcessor.from_pretrained(name);
  const model = await spec.model.from_pretrained(name, { dtype: 'fp32' });
  const inputs = await processor(image);
  const values = Buffer.from(js.pixel_values_base64, 'base64');
  const pixelValues = new Tensor('float32',
    new Float32Array(values.buffer, values.byteOffset, values.length / 4), js.pixel_values_shape);
  const processorDiff = JSON.stringify(inputs.pixel_values.dims) === JSON.stringify(js.pixel_values_shape)
    ? maxDiff(flat(inputs.pixel_values), flat(pixelValues)) : 'shape ' + JSON.stringify(inputs.pixel_values.dims);
  const feed = { pixel_values: pixelValues };
  if (name === 'tiny-detr') {
    const [, , h, w] = js.pixel_values_shape;
    feed.pixel_mask = new Tensor('int64', new BigInt64Array(h * w).fill(1n), [1, h, w]);
  }
  let outputs;
  let pipelineOutput;
  const pipe = await pipeline(spec.task, name, { dtype: 'fp32' });
  if (name === 'tiny-clip') {
    const tokenizer = await AutoTokenizer.from_pretrained(name);
    const texts = js.candidate_labels.map((label) => js.hypothesis_template.replace('{}', label));
    const text = tokenizer(texts, { padding: true, truncation: true });
    const ids = text.input_ids.tolist().map((row) => row.map(Number));
    if (JSON.stringify(ids) !== JSON.stringify(js.input_ids)) {
      console.error(name, 'input_ids differ:', JSON.stringify(ids), 'vs', JSON.stringify(js.input_ids));
      failed = true;
    }
    outputs = await model({ ...text, ...feed });
    pipelineOutput = await pipe(image, js.candidate_labels, { hypothesis_template: js.hypothesis_template });
  } else {
    outputs = await model(feed);
    pipelineOutput = spec.task === 'object-detection' ? await pipe(image, { threshold: 0.5 }) : await pipe(image);
  }
  const diffs = {};
  for (const [key, values] of Object.entries(js.torch_outputs)) {
    diffs[key] = maxDiff(flat(outputs[key]), values);
    if (!(diffs[key] <= TOLERANCE)) {
      console.error(name, key, 'differs from torch by', diffs[key]);
      failed = true;
    }
  }
  expected.transformers_js = {
    ...js,
    checked_by: 'transformers.js ' + env.version,
    processor_max_abs_diff: processorDiff,
    max_abs_diff: diffs,
    tolerance: TOLERANCE,
    pipeline_output: plain(pipelineOutput),
  };
  fs.writeFileSync(file, JSON.stringify(expected, null, 1) + '\n');
  console.log(name, 'max |transformers.js - torch|', JSON.stringify(diffs), 'processor:', processorDiff);
}
process.exit(failed ? 1 : 0);
