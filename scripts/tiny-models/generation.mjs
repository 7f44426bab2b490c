// Expected values for the tiny generation models, from transformers.js (its pipelines, its
// generate loop and its Jinja) and, for the graph checks, from ONNX Runtime run directly.
// Usage: node generation.mjs MODELS_DIR STAGE_DIR RESOURCES_DIR
//   writes MODELS_DIR/<model>/expected.json (tiny-t5 runs from STAGE_DIR/transformers-js, whose
//   merged decoder is an If over the committed decoder pair), RESOURCES_DIR/chat-templates.json (Hub
//   chat templates rendered) and RESOURCES_DIR/processors.json (transformers.js' logits processors
//   on fixed rows).
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  env, AutoTokenizer, AutoModelForCausalLM, AutoModelForSeq2SeqLM, pipeline, Tensor, LogitsProcessorList,
  RepetitionPenaltyLogitsProcessor, NoRepeatNGramLogitsProcessor, NoBadWordsLogitsProcessor, MinLengthLogitsProcessor,
  MinNewTokensLengthLogitsProcessor, ForcedBOSTokenLogitsProcessor, ForcedEOSTokenLogitsProcessor, TemperatureLogitsWarper,
} from '@huggingface/transformers';

const [dir, stage, resources] = process.argv.slice(2).map((p) => path.resolve(p));
const templatesOut = path.join(resources, 'chat-templates.json');
env.allowRemoteModels = false;

const SHORT = 'Hello';
const MEDIUM = 'The cat sat on the mat and the dog';
const LONG = 'Tell me a story about a little dog who went to the city of Paris and saw the moon over the river '
  + 'one night, then came back home to his friend the cat';

// Greedy cases the Java tests replay: [name, input, generate options, pipeline-only options].
const DECODER_CASES = [
  ['short', SHORT, { max_new_tokens: 12 }],
  ['medium', MEDIUM, { max_new_tokens: 16 }],
  ['long', LONG, { max_new_tokens: 10 }],
  ['medium-full-text-false', MEDIUM, { max_new_tokens: 16 }, { return_full_text: false }],
  ['short-repetition-penalty', SHORT, { max_new_tokens: 16, repetition_penalty: 1.5 }],
  ['medium-no-repeat-ngram', MEDIUM, { max_new_tokens: 20, no_repeat_ngram_size: 2 }],
  ['short-min-new-tokens', SHORT, { max_new_tokens: 16, min_new_tokens: 10 }],
  ['long-min-new-tokens', LONG, { max_new_tokens: 14, min_new_tokens: 12 }],
  ['long-penalty-and-ngram', LONG, { max_new_tokens: 14, repetition_penalty: 1.2, no_repeat_ngram_size: 3 }],
];
const SEQ2SEQ_CASES = [
  ['short', 'Hello world', { max_new_tokens: 10 }],
  ['medium', 'The cat sat on the mat and the dog saw the moon', { max_new_tokens: 16 }],
  ['long', LONG, { max_new_tokens: 12 }],
  ['medium-repetition-penalty', 'The cat sat on the mat and the dog saw the moon', { max_new_tokens: 16, repetition_penalty: 1.4 }],
  ['medium-no-repeat-ngram', 'The cat sat on the mat and the dog saw the moon', { max_new_tokens: 20, no_repeat_ngram_size: 2 }],
  ['short-min-new-tokens', 'Hello world', { max_new_tokens: 14, min_new_tokens: 10 }],
];
const CONVERSATIONS = [
  ['one-user-turn', [{ role: 'user', content: 'Hello!' }]],
  ['system-and-user', [{ role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'What is the capital of France?' }]],
  ['three-turns', [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: '  Hello there!  ' },
    { role: 'user', content: 'Tell me a story about a cat.' }]],
];

const MODELS = {
  'tiny-gpt2': { kind: 'decoder', files: ['model'], cases: DECODER_CASES, task: 'text-generation' },
  'tiny-llama': { kind: 'decoder', files: ['model'], cases: DECODER_CASES, task: 'text-generation', chat: true },
  'tiny-llama-merged': { kind: 'decoder', files: ['decoder_model_merged'], cases: DECODER_CASES.slice(0, 3),
    task: 'text-generation', model_file_name: 'decoder_model_merged', chat: true },
  'tiny-bart': { kind: 'seq2seq', files: ['decoder_model_merged'], cases: SEQ2SEQ_CASES,
    tasks: ['text2text-generation', 'summarization', 'translation'] },
  'tiny-t5': { kind: 'seq2seq', files: ['decoder_model', 'decoder_with_past_model'], view: 'transformers-js',
    cases: SEQ2SEQ_CASES, tasks: ['text2text-generation', 'summarization', 'translation_en_to_de'] },
};

const plain = (value) => JSON.parse(JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
const ids = (tensor) => plain(tensor.tolist());

// ---- the graphs, run directly: the first step (empty past) and one step with the past --------

function tensor(type, data, dims) {
  return new ort.Tensor(type, type === 'int64' ? BigInt64Array.from(data.map(BigInt)) : Float32Array.from(data), dims);
}

function lastRow(logits) {
  const [, s, v] = logits.dims;
  return Array.from(logits.data.slice((s - 1) * v, s * v));
}

function argmax(row) {
  return row.reduce((best, x, i) => (x > row[best] ? i : best), 0);
}

function emptyPast(session, names) {
  const feeds = {};
  for (const meta of session.inputMetadata) {
    if (!names.includes(meta.name)) continue;
    const shape = meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0));
    feeds[meta.name] = new ort.Tensor('float32', new Float32Array(0), shape);
  }
  return feeds;
}

function pastFrom(outputs, previous) {
  const feeds = {};
  for (const [name, value] of Object.entries(outputs)) {
    if (!name.startsWith('present')) continue;
    const input = name.replace('present', 'past_key_values');
    feeds[input] = name.includes('.encoder.') && previous && previous[input]?.dims[2] > 0 ? previous[input] : value;
  }
  return feeds;
}

async function decoderLogits(folder, file, promptIds) {
  const session = await ort.InferenceSession.create(path.join(folder, 'onnx', file + '.onnx'));
  const pastNames = session.inputNames.filter((n) => n.startsWith('past_key_values'));
  const n = promptIds.length;
  const first = await session.run({
    input_ids: tensor('int64', promptIds, [1, n]),
    attention_mask: tensor('int64', Array(n).fill(1), [1, n]),
    position_ids: tensor('int64', [...Array(n).keys()], [1, n]),
    ...emptyPast(session, pastNames),
    ...(session.inputNames.includes('use_cache_branch') ? { use_cache_branch: new ort.Tensor('bool', [false], [1]) } : {}),
  });
  const firstRow = lastRow(first.logits);
  const next = argmax(firstRow);
  const second = await session.run({
    input_ids: tensor('int64', [next], [1, 1]),
    attention_mask: tensor('int64', Array(n + 1).fill(1), [1, n + 1]),
    position_ids: tensor('int64', [n], [1, 1]),
    ...pastFrom(first),
    ...(session.inputNames.includes('use_cache_branch') ? { use_cache_branch: new ort.Tensor('bool', [true], [1]) } : {}),
  });
  return { file, ids: promptIds, first: firstRow, next, second: lastRow(second.logits) };
}

async function seq2seqLogits(folder, files, encoderIds, start) {
  const encoder = await ort.InferenceSession.create(path.join(folder, 'onnx', 'encoder_model.onnx'));
  const n = encoderIds.length;
  const mask = tensor('int64', Array(n).fill(1), [1, n]);
  const { last_hidden_state: hidden } = await encoder.run({ input_ids: tensor('int64', encoderIds, [1, n]), attention_mask: mask });
  const firstSession = await ort.InferenceSession.create(path.join(folder, 'onnx', files[0] + '.onnx'));
  const laterSession = files.length > 1
    ? await ort.InferenceSession.create(path.join(folder, 'onnx', files[1] + '.onnx')) : firstSession;
  const merged = firstSession.inputNames.includes('use_cache_branch');
  const pick = (session, feeds) => Object.fromEntries(Object.entries(feeds).filter(([k]) => session.inputNames.includes(k)));
  const pastNames = firstSession.inputNames.filter((x) => x.startsWith('past_key_values'));
  const first = await firstSession.run(pick(firstSession, {
    input_ids: tensor('int64', [start], [1, 1]), encoder_attention_mask: mask, encoder_hidden_states: hidden,
    ...emptyPast(firstSession, pastNames), use_cache_branch: new ort.Tensor('bool', [false], [1]),
  }));
  const firstRow = lastRow(first.logits);
  const next = argmax(firstRow);
  const second = await laterSession.run(pick(laterSession, {
    input_ids: tensor('int64', [next], [1, 1]), encoder_attention_mask: mask, encoder_hidden_states: hidden,
    ...pastFrom(first), use_cache_branch: new ort.Tensor('bool', [true], [1]),
  }));
  return { file: files.join('+'), encoder_ids: encoderIds, ids: [start], first: firstRow, next, second: lastRow(second.logits) };
}

// ---- transformers.js generation ---------------------------------------------------------------

function eosList(generationConfig) {
  const eos = generationConfig.eos_token_id;
  return Array.isArray(eos) ? eos : [eos];
}

async function decoderExpected(name, spec, folder) {
  const options = { dtype: 'fp32', ...(spec.model_file_name ? { model_file_name: spec.model_file_name } : {}) };
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  const model = await AutoModelForCausalLM.from_pretrained(name, options);
  const pipe = await pipeline('text-generation', name, options);
  const greedy = [];
  for (const [caseName, input, generate, pipelineOnly = {}] of spec.cases) {
    const addSpecial = tokenizer.add_bos_token || tokenizer.add_eos_token || false;
    const encoded = tokenizer(input, { add_special_tokens: addSpecial });
    const inputIds = ids(encoded.input_ids)[0];
    const sequence = ids(await model.generate({ ...encoded, ...generate }))[0];
    const output = await pipe(input, { ...generate, ...pipelineOnly });
    greedy.push({
      name: caseName, input, parameters: { ...generate, ...pipelineOnly }, input_ids: inputIds,
      generated_ids: sequence.slice(inputIds.length),
      generated_text: tokenizer.decode(sequence.slice(inputIds.length), { skip_special_tokens: true }),
      pipeline_output: plain(output),
    });
  }
  const expected = { task: spec.task, greedy };
  if (spec.chat) {
    expected.chat = [];
    for (const [caseName, messages] of CONVERSATIONS) {
      const prompt = tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true });
      const encoded = tokenizer(prompt, { add_special_tokens: false });
      const inputIds = ids(encoded.input_ids)[0];
      const sequence = ids(await model.generate({ ...encoded, max_new_tokens: 12 }))[0];
      const output = await pipe(messages, { max_new_tokens: 12 });
      expected.chat.push({
        name: caseName, messages, parameters: { max_new_tokens: 12 }, rendered_prompt: prompt,
        input_ids: inputIds, generated_ids: sequence.slice(inputIds.length), pipeline_output: plain(output),
      });
    }
    try {
      tokenizer.apply_chat_template([{ role: 'tool', content: 'x' }], { tokenize: false });
      throw new Error('the unknown role rendered');
    } catch (e) {
      expected.chat_error = { messages: [{ role: 'tool', content: 'x' }], error: String(e.message) };
    }
  }
  expected.onnx_logits = [];
  for (const file of spec.files) {
    expected.onnx_logits.push(await decoderLogits(folder, file, ids(tokenizer(MEDIUM).input_ids)[0]));
  }
  return expected;
}

async function seq2seqExpected(name, spec, folder) {
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  const model = await AutoModelForSeq2SeqLM.from_pretrained(name, { dtype: 'fp32' });
  const config = JSON.parse(fs.readFileSync(path.join(folder, 'config.json')));
  const generationConfig = JSON.parse(fs.readFileSync(path.join(folder, 'generation_config.json')));
  const start = generationConfig.decoder_start_token_id;
  const pipes = {};
  for (const task of spec.tasks) pipes[task] = await pipeline(task.startsWith('translation') ? 'translation' : task, name, { dtype: 'fp32' });
  const greedy = [];
  for (const [caseName, input, generate] of spec.cases) {
    const encoded = tokenizer(input);
    const inputIds = ids(encoded.input_ids)[0];
    const sequence = ids(await model.generate({ ...encoded, ...generate }))[0];
    const pipelines = {};
    for (const task of spec.tasks) {
      // transformers.js's translation pipeline looks up task_specific_params under its own task
      // name ("translation"); the prefix is added here as Python's translation_xx_to_yy does.
      const prefix = config.task_specific_params?.[task]?.prefix ?? '';
      const text = task.startsWith('translation_') ? prefix + input : input;
      pipelines[task] = { input: text, output: plain(await pipes[task](text, generate)) };
    }
    greedy.push({
      name: caseName, input, parameters: generate, input_ids: inputIds, decoder_input_ids: [start],
      generated_ids: sequence.slice(1), generated_text: tokenizer.decode(sequence.slice(1), { skip_special_tokens: true }),
      pipelines,
    });
  }
  return {
    tasks: spec.tasks, greedy,
    onnx_logits: [await seq2seqLogits(folder, spec.files, ids(tokenizer(SEQ2SEQ_CASES[1][1]).input_ids)[0], start)],
  };
}

for (const [name, spec] of Object.entries(MODELS)) {
  const folder = path.join(dir, name);
  env.localModelPath = (spec.view ? path.join(stage, spec.view) : dir) + '/';
  const generationConfig = JSON.parse(fs.readFileSync(path.join(folder, 'generation_config.json')));
  const body = spec.kind === 'decoder' ? await decoderExpected(name, spec, folder) : await seq2seqExpected(name, spec, folder);
  const expected = { generated_by: 'transformers.js ' + env.version, eos_token_id: eosList(generationConfig), ...body };
  const file = path.join(folder, 'expected.json');
  const previous = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file)) : {};
  if (previous.beam_search) expected.beam_search = previous.beam_search;
  fs.writeFileSync(file, JSON.stringify(expected, null, 1) + '\n');
  console.log('wrote', file);
}

// ---- chat templates of the Hub, rendered by transformers.js's Jinja ------------------------------
// Written from the tokenizer_config.json files of the models named; bos/eos are theirs.
const TEMPLATES = {
  'llama-3': {
    bos_token: '<|begin_of_text|>', eos_token: '<|eot_id|>',
    template: "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}",
  },
  zephyr: {
    bos_token: '<s>', eos_token: '</s>',
    template: "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}",
  },
  'chatml-qwen2': {
    eos_token: '<|im_end|>', pad_token: '<|endoftext|>',
    template: "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}",
  },
  mistral: {
    bos_token: '<s>', eos_token: '</s>',
    template: "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}",
  },
  gemma: {
    bos_token: '<bos>', eos_token: '<eos>',
    template: "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}",
  },
  'deepseek-r1': {
    bos_token: '<｜begin▁of▁sentence｜>', eos_token: '<｜end▁of▁sentence｜>',
    template: "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{% set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='') %}{%- for message in messages %}{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}{{bos_token}}{{ns.system_prompt}}{%- for message in messages %}{%- if message['role'] == 'user' %}{%- set ns.is_tool = false -%}{{'<｜User｜>' + message['content']}}{%- endif %}{%- if message['role'] == 'assistant' and message['content'] is not none %}{%- set ns.is_tool = false -%}{% set content = message['content'] %}{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}{%- endfor -%}{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜>'}}{% endif %}",
  },
  // Not a Hub template: the string methods and filters Hub templates use, in one place.
  'string-methods': {
    bos_token: '<s>', eos_token: '</s>',
    template: "{%- for message in messages -%}{%- if message.content.startswith('!') -%}{{ '[cmd] ' + message.content[1:].strip() | upper }}{%- elif message['role'].endswith('tem') -%}{{ '[sys] ' + message['content'].replace('assistant', 'helper') | lower }}{%- else -%}{{ message | tojson }}{%- endif -%}{%- if not loop.last %}{{ '\\n' }}{% endif -%}{%- endfor -%}{%- if add_generation_prompt %}{{ '\\n' + messages[-1]['role'] | length | string + eos_token }}{% endif %}",
  },
};
const MESSAGES = {
  'one-user-turn': [{ role: 'user', content: 'Hello!' }],
  'system-first': [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'What is the capital of France?' }],
  'three-turns': [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: '  Hello there!  ' }, { role: 'user', content: 'Tell me a story.' }],
  'reasoning-answer': [{ role: 'user', content: 'Why?' }, { role: 'assistant', content: '<think>hmm</think>Because.' }, { role: 'user', content: 'Sure?' }],
  'two-user-turns': [{ role: 'user', content: 'One' }, { role: 'user', content: 'Two' }],
  'quotes-and-unicode': [{ role: 'user', content: 'Say "héllo" \\ <b>wörld</b> 🙂\nnew line' }],
  'commands': [{ role: 'user', content: '!  run it  ' }, { role: 'system', content: 'You are an assistant.' }],
};
env.localModelPath = dir + '/';
const tokenizer = await AutoTokenizer.from_pretrained('tiny-llama');
const originalConfig = tokenizer.config;
const rendered = {};
for (const [name, { template, ...tokens }] of Object.entries(TEMPLATES)) {
  tokenizer.config = { ...originalConfig, bos_token: null, eos_token: null, pad_token: null, ...tokens };
  const cases = [];
  for (const [messagesName, messages] of Object.entries(MESSAGES)) {
    for (const add_generation_prompt of [false, true]) {
      try {
        const text = tokenizer.apply_chat_template(messages, { chat_template: template, tokenize: false, add_generation_prompt });
        cases.push({ messages: messagesName, add_generation_prompt, rendered: text });
      } catch (e) {
        cases.push({ messages: messagesName, add_generation_prompt, error: String(e.message) });
      }
    }
  }
  rendered[name] = { template, special_tokens: tokens, cases };
}
tokenizer.config = originalConfig;
fs.mkdirSync(path.dirname(templatesOut), { recursive: true });
fs.writeFileSync(templatesOut, JSON.stringify({ generated_by: 'transformers.js ' + env.version, messages: MESSAGES, templates: rendered }, null, 1) + '\n');
console.log('wrote', templatesOut);

// ---- transformers.js' logits processors on fixed rows ---------------------------------------------
// Parameters as generate() takes them; the processors are built in _get_logits_processor's order.
let state = 12345;
const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
const VOCAB = 30;
const PROCESSOR_CASES = [
  { ids: [3, 7, 7, 12, 25, 3], params: { repetition_penalty: 1.3 } },
  { ids: [3, 7, 7, 12, 25, 3], params: { repetition_penalty: 0.7 } },
  { ids: [1, 2, 3, 1, 2, 5, 1, 2], params: { no_repeat_ngram_size: 3 } },
  { ids: [1, 2, 3, 1, 2, 5, 1, 2], params: { no_repeat_ngram_size: 2 } },
  { ids: [9], params: { no_repeat_ngram_size: 3 } },
  { ids: [5, 6, 7, 8], params: { bad_words_ids: [[11], [7, 8, 9], [8, 13], [2, 3, 14]], eos_token_id: 4 } },
  { ids: [5, 6, 7, 8, 9], prompt_length: 3, params: { min_length: 6, eos_token_id: [4, 6] } },
  { ids: [5, 6, 7, 8, 9], prompt_length: 3, params: { min_new_tokens: 3, eos_token_id: [4, 6] } },
  { ids: [5, 6, 7, 8, 9, 10], prompt_length: 3, params: { min_new_tokens: 3, eos_token_id: [4, 6] } },
  { ids: [2], params: { forced_bos_token_id: 0 } },
  { ids: [2, 0, 8], prompt_length: 1, params: { forced_eos_token_id: 2, max_new_tokens: 3 } },
  { ids: [2, 0, 8, 9], prompt_length: 1, params: { forced_eos_token_id: 2, max_new_tokens: 3 } },
  { ids: [3, 7, 7, 12], params: { do_sample: true, temperature: 0.7 } },
  { ids: [3, 7, 7, 12, 3, 7], prompt_length: 2, params: { repetition_penalty: 1.2, no_repeat_ngram_size: 2, min_new_tokens: 6, eos_token_id: 12, do_sample: true, temperature: 1.5 } },
];
const processorCases = [];
for (const { ids, params, prompt_length = ids.length } of PROCESSOR_CASES) {
  const row = Array.from({ length: VOCAB }, () => (random() - 0.4) * 8);
  const list = new LogitsProcessorList();
  if (params.repetition_penalty) list.push(new RepetitionPenaltyLogitsProcessor(params.repetition_penalty));
  if (params.no_repeat_ngram_size) list.push(new NoRepeatNGramLogitsProcessor(params.no_repeat_ngram_size));
  if (params.bad_words_ids) list.push(new NoBadWordsLogitsProcessor(params.bad_words_ids, params.eos_token_id));
  if (params.min_length) list.push(new MinLengthLogitsProcessor(params.min_length, params.eos_token_id));
  if (params.min_new_tokens) list.push(new MinNewTokensLengthLogitsProcessor(prompt_length, params.min_new_tokens, params.eos_token_id));
  if (params.forced_bos_token_id !== undefined) list.push(new ForcedBOSTokenLogitsProcessor(params.forced_bos_token_id));
  if (params.forced_eos_token_id !== undefined) list.push(new ForcedEOSTokenLogitsProcessor(prompt_length + params.max_new_tokens, params.forced_eos_token_id));
  if (params.temperature) list.push(new TemperatureLogitsWarper(params.temperature));
  const logits = new Tensor('float32', Float32Array.from(row), [1, VOCAB]);
  const out = list([ids.map(BigInt)], logits);
  processorCases.push({
    ids, prompt_length, params, logits: Array.from(Float32Array.from(row)),
    processed: Array.from(out.data).map((x) => (x === -Infinity ? null : x)),
  });
}
fs.writeFileSync(path.join(resources, 'processors.json'), JSON.stringify({
  generated_by: 'transformers.js ' + env.version + ' logits processors (null is -inf)', cases: processorCases,
}, null, 1) + '\n');
console.log('wrote', path.join(resources, 'processors.json'));
