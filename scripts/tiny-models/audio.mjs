// Expected values for the tiny audio models, from transformers.js 4.3.1's pipelines fed the samples
// the ffmpeg command line decodes (the reference PCM under model/src/test/resources/audio/pcm).
// Usage: node audio.mjs MODELS_DIR PCM_DIR  (writes MODELS_DIR/<model>/expected.json)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { env, pipeline, AutoProcessor, AutoModelForCTC, AutoModelForAudioClassification } from '@huggingface/transformers';

const dir = path.resolve(process.argv[2]);
const pcmDir = path.resolve(process.argv[3]);
env.allowRemoteModels = false;
env.localModelPath = dir + '/';

function samples(clip) {
  const bytes = zlib.gunzipSync(fs.readFileSync(path.join(pcmDir, clip + '.16000.f32.gz')));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function plain(value) {
  return JSON.parse(JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
}

function write(name, expected) {
  const file = path.join(dir, name, 'expected.json');
  fs.writeFileSync(file, JSON.stringify({ generated_by: 'transformers.js ' + env.version, ...expected }, null, 1) + '\n');
  console.log('wrote', file);
}

// The clips whose CTC logits are kept, for replaying the decoding (the others' text only).
const LOGITS = ['speech-16k-s16.wav', 'silence-16k.wav'];
const CLIPS = ['speech-16k-s16.wav', 'speech-44k1.mp3', 'speech-48k-stereo.wav', 'speech-16k.ogg', 'silence-16k.wav'];

// CTC: the pipeline's text, and the logits it decoded, for each clip.
{
  const name = 'tiny-wav2vec2-ctc';
  const asr = await pipeline('automatic-speech-recognition', name, { dtype: 'fp32' });
  const processor = await AutoProcessor.from_pretrained(name);
  const model = await AutoModelForCTC.from_pretrained(name, { dtype: 'fp32' });
  const cases = [];
  for (const clip of [...CLIPS, 'speech-long-16k.flac']) {
    const audio = samples(clip);
    const inputs = await processor(audio);
    const { logits } = await model(inputs);
    const entry = { clip, output: plain(await asr(audio)) };
    if (LOGITS.includes(clip)) entry.logits = plain(logits.tolist()[0]);
    cases.push(entry);
  }
  write(name, { task: 'automatic-speech-recognition', cases });
}

// Audio classification: top 5 labels, and the logits.
{
  const name = 'tiny-wav2vec2-classifier';
  const classify = await pipeline('audio-classification', name, { dtype: 'fp32' });
  const processor = await AutoProcessor.from_pretrained(name);
  const model = await AutoModelForAudioClassification.from_pretrained(name, { dtype: 'fp32' });
  const cases = [];
  for (const clip of CLIPS) {
    const audio = samples(clip);
    const { logits } = await model(await processor(audio));
    cases.push({ clip, options: { top_k: 5 }, output: plain(await classify(audio, { top_k: 5 })), logits: plain(logits.tolist()[0]) });
  }
  write(name, { task: 'audio-classification', cases });
}

// Whisper: greedy text and the generated ids (prompt included) with the options of each case.
{
  const name = 'tiny-whisper';
  const asr = await pipeline('automatic-speech-recognition', name, { dtype: 'fp32' });
  const RUNS = [
    ['speech-16k-s16.wav', { max_new_tokens: 12 }],
    ['speech-44k1.mp3', { max_new_tokens: 12 }],
    ['silence-16k.wav', { max_new_tokens: 12 }],
    ['speech-16k-s16.wav', { max_new_tokens: 12, language: 'german', task: 'translate' }],
    ['speech-16k-s16.wav', { max_new_tokens: 12, language: 'fr', task: 'transcribe' }],
    ['speech-16k-s16.wav', { max_new_tokens: 16, return_timestamps: true }],
    ['speech-long-16k.flac', { max_new_tokens: 24, return_timestamps: true }],
  ];
  const cases = [];
  for (const [clip, options] of RUNS) {
    const audio = samples(clip);
    const features = await asr.processor(audio);
    const ids = await asr.model.generate({ inputs: features.input_features, ...options });
    cases.push({ clip, options, output: plain(await asr(audio, { ...options })), sequence: plain(ids.tolist()[0]) });
  }
  write(name, { task: 'automatic-speech-recognition', cases });
}
