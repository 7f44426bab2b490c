"""Python references for the tiny audio models: what transformers' own code makes of them.

Usage: python audio_reference.py MODELS_DIR PCM_DIR RESOURCES_DIR
(a Python with transformers 5.x, numpy and onnxruntime; torch is not needed: generate.sh makes a
virtual environment from the machine's wheel index)

transformers.js does not do CTC timestamps or CTC chunking, and its CTC decoding drops blanks
before merging repeats (Python merges first), so the CTC reference is transformers' Python code:
the Wav2Vec2FeatureExtractor, the ASR pipeline's chunk_iter and rescale_stride, the
Wav2Vec2CTCTokenizer's decode with char and word offsets, and the few lines of the pipeline's
postprocess that join them (mirrored below, marked). The model runs in onnxruntime.

For Whisper it writes transformers' WhisperTokenizer text and _decode_asr chunks for the
transformers.js sequences and for hand-written timestamp sequences (segments, strides, long-form
concatenation), and the Slaney mel filter banks (80 and 128 bins) that whisper_features.py uses.

Writes MODELS_DIR/tiny-wav2vec2-ctc/reference.json, MODELS_DIR/tiny-whisper/reference.json,
RESOURCES_DIR/wav2vec2-input-values/*.f32.gz and RESOURCES_DIR/whisper/mel-filters-*.f32.gz.
"""
import gzip
import json
import os
import sys

import numpy as np
import onnxruntime
import transformers
from transformers import Wav2Vec2CTCTokenizer, Wav2Vec2FeatureExtractor, WhisperTokenizer
from transformers.audio_utils import mel_filter_bank
from transformers.pipelines.automatic_speech_recognition import chunk_iter, rescale_stride

MODELS, PCM, RESOURCES = sys.argv[1:4]
GENERATED_BY = "transformers %s (Python) with onnxruntime %s" % (
    transformers.__version__, onnxruntime.__version__)


def samples(clip):
    with gzip.open(os.path.join(PCM, clip + ".16000.f32.gz")) as f:
        return np.frombuffer(f.read(), dtype="<f4").copy()


def write_f32(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(np.ascontiguousarray(array, dtype="<f4").tobytes())


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(plain(value), f, ensure_ascii=False, indent=1)
        f.write("\n")


# ---------------------------------------------------------------- CTC

def ctc():
    folder = os.path.join(MODELS, "tiny-wav2vec2-ctc")
    extractor = Wav2Vec2FeatureExtractor.from_pretrained(folder)
    tokenizer = Wav2Vec2CTCTokenizer.from_pretrained(folder)
    session = onnxruntime.InferenceSession(os.path.join(folder, "onnx", "model.onnx"))
    align_to = int(np.prod(json.load(open(os.path.join(folder, "config.json")))["conv_stride"]))
    rate = extractor.sampling_rate

    def tokens(values):
        logits = session.run(None, {"input_values": values.astype(np.float32)})[0]
        return logits.argmax(-1)

    class Extractor:
        """chunk_iter's feature extractor, answering in numpy instead of torch."""
        sampling_rate = rate

        def __call__(self, chunk, sampling_rate, return_tensors, return_attention_mask):
            return extractor(chunk, sampling_rate=sampling_rate, return_tensors="np",
                             return_attention_mask=return_attention_mask)

    def postprocess(items, return_timestamps):
        # AutomaticSpeechRecognitionPipeline.postprocess for type "ctc" (mirrored).
        text = tokenizer.decode(items, skip_special_tokens=False)
        output = {"text": text}
        if return_timestamps:
            offsets = tokenizer.decode(items, skip_special_tokens=False,
                                       output_char_offsets=True)["char_offsets"]
            if return_timestamps == "word":
                offsets = tokenizer._get_word_offsets(offsets,
                                                      tokenizer.replace_word_delimiter_char)
            output["chunks"] = [{"text": item[return_timestamps],
                                 "timestamp": (item["start_offset"] * align_to / rate,
                                               item["end_offset"] * align_to / rate)}
                                for item in offsets]
        return output

    cases = []
    for clip in ["speech-16k-s16.wav", "speech-44k1.mp3", "speech-48k-stereo.wav",
                 "speech-16k.ogg", "silence-16k.wav", "speech-long-16k.flac"]:
        audio = samples(clip)
        ids = tokens(extractor(audio, sampling_rate=rate, return_tensors="np")["input_values"])[0]
        for return_timestamps in [False, "char", "word"]:
            options = {"return_timestamps": return_timestamps} if return_timestamps else {}
            cases.append({"clip": clip, "options": options, "tokens": ids,
                          "output": postprocess(ids, return_timestamps)})

    audio = samples("speech-long-16k.flac")
    for chunk_length_s, stride_length_s in [(2.0, 0.5), (1.5, [0.3, 0.45]), (3.0, None)]:
        # AutomaticSpeechRecognitionPipeline.preprocess's chunk sizes (mirrored).
        strides = stride_length_s if stride_length_s is not None else chunk_length_s / 6
        if isinstance(strides, (int, float)):
            strides = [strides, strides]
        chunk_len = int(round(chunk_length_s * rate / align_to) * align_to)
        stride_left = int(round(strides[0] * rate / align_to) * align_to)
        stride_right = int(round(strides[1] * rate / align_to) * align_to)
        chunks = []
        pieces = []
        start = 0
        step = chunk_len - stride_left - stride_right
        for item in chunk_iter(audio, Extractor(), chunk_len, stride_left, stride_right):
            ids = tokens(item["input_values"])
            # _forward for "ctc": the stride in logits (mirrored).
            stride = rescale_stride([item["stride"]], 1 / align_to)[0]
            chunks.append({"start": start, "stride": item["stride"], "token_stride": stride,
                           "tokens": ids[0]})
            total, left, right = stride
            pieces.append(ids[:, left:total - right])
            start += step
        items = np.concatenate(pieces, axis=1).squeeze(0)
        for return_timestamps in [False, "char", "word"]:
            options = {"chunk_length_s": chunk_length_s}
            if stride_length_s is not None:
                options["stride_length_s"] = stride_length_s
            if return_timestamps:
                options["return_timestamps"] = return_timestamps
            cases.append({"clip": "speech-long-16k.flac", "options": options,
                          "samples": len(audio), "chunks": chunks,
                          "output": postprocess(items, return_timestamps)})
    write_json(os.path.join(folder, "reference.json"),
               {"generated_by": GENERATED_BY, "inputs_to_logits_ratio": align_to,
                "cases": cases})

    # The feature extractor's normalised input, one clip at a time as the pipeline feeds it.
    for clip in ["speech-16k-s16.wav", "silence-16k.wav"]:
        values = extractor(samples(clip), sampling_rate=rate, return_tensors="np")
        write_f32(os.path.join(RESOURCES, "wav2vec2-input-values", clip + ".f32.gz"),
                  values["input_values"][0])


# ---------------------------------------------------------------- Whisper

def whisper():
    folder = os.path.join(MODELS, "tiny-whisper")
    tokenizer = WhisperTokenizer.from_pretrained(folder)
    expected = json.load(open(os.path.join(folder, "expected.json")))
    vocab = tokenizer.get_vocab()
    ts = lambda seconds: vocab["<|%.2f|>" % seconds]  # noqa: E731
    sot, en, de = vocab["<|startoftranscript|>"], vocab["<|en|>"], vocab["<|de|>"]
    transcribe, eot = vocab["<|transcribe|>"], vocab["<|endoftext|>"]
    words = [vocab[w] for w in ["Ġhello", "Ġworld", "Ġthe", "Ġcat", "Ġsat", "Ġon", "Ġmat",
                                "Ġmy", "Ġname", "Ġis"]]
    hello, world, the, cat, sat, on, mat, my, name_, is_ = words
    time_precision = 30 / 1500

    def decode_asr(outputs, return_timestamps):
        model_outputs = [dict(output, tokens=np.array([output["tokens"]])) for output in outputs]
        text, optional = tokenizer._decode_asr(model_outputs, return_timestamps=return_timestamps,
                                               return_language=False,
                                               time_precision=time_precision)
        return dict({"text": text}, **optional)

    cases = []
    for case in expected["cases"]:
        sequence = case["sequence"]
        timestamps = bool(case["options"].get("return_timestamps"))
        cases.append({"name": "transformers.js " + case["clip"] + " " + json.dumps(case["options"]),
                      "outputs": [{"tokens": sequence}], "return_timestamps": timestamps,
                      "text": tokenizer.decode(sequence, skip_special_tokens=True),
                      "output": decode_asr([{"tokens": sequence}], timestamps)})
    written = [
        ("two segments", [[sot, en, transcribe, ts(0), hello, world, ts(1.2), ts(1.2), the, cat,
                           ts(2.5), eot]]),
        ("a segment without its end", [[sot, en, transcribe, ts(0.4), my, name_, is_]]),
        ("a repeated timestamp starts again", [[sot, en, transcribe, ts(0.6), the, ts(0.6), cat,
                                                ts(1.0), eot]]),
        ("a language change", [[sot, de, transcribe, ts(0), hello, ts(0.8), eot]]),
        # Long-form generation concatenates the windows' segments; timestamps restart in each.
        ("long form, a window ending on a single timestamp",
         [[sot, en, transcribe, ts(0), hello, world, ts(12.4), ts(12.4), the, cat, ts(29.98),
           ts(1.0), sat, on, ts(3.2), eot]]),
        ("long form, a window ending on a pair",
         [[sot, en, transcribe, ts(0), hello, world, ts(12.4), ts(12.4), the, cat, ts(27.0),
           ts(27.0), ts(0.5), sat, on, mat, ts(4.0), eot]]),
        ("no timestamps", [[sot, en, transcribe, vocab["<|notimestamps|>"], the, cat, sat, eot]]),
    ]
    for name, sequences in written:
        outputs = [{"tokens": s} for s in sequences]
        for timestamps in [True, False]:
            cases.append({"name": name, "outputs": outputs, "return_timestamps": timestamps,
                          "text": tokenizer.decode(sequences[0], skip_special_tokens=True),
                          "output": decode_asr(outputs, timestamps)})
    # Chunked long audio (chunk_length_s 30, stride 5): three windows overlapping by 10 s,
    # strides in seconds as the pipeline hands them to _decode_asr.
    chunked = [
        {"tokens": [sot, en, transcribe, ts(0), hello, world, ts(10.0), ts(10.0), the, cat, sat,
                    ts(24.0), ts(24.0), on, the, mat, ts(29.0), eot], "stride": (30.0, 0.0, 5.0)},
        {"tokens": [sot, en, transcribe, ts(0), the, cat, sat, ts(4.0), ts(4.0), on, the, mat,
                    ts(9.0), ts(9.0), my, name_, ts(20.0), ts(20.0), is_, ts(28.0), eot],
         "stride": (30.0, 5.0, 5.0)},
        {"tokens": [sot, en, transcribe, ts(0), my, name_, ts(5.0), ts(5.0), is_, hello,
                    ts(12.0), eot], "stride": (22.5, 5.0, 0.0)},
    ]
    for timestamps in [True, False]:
        cases.append({"name": "chunked, three windows", "outputs": chunked,
                      "return_timestamps": timestamps, "output": decode_asr(chunked, timestamps)})
    write_json(os.path.join(folder, "reference.json"),
               {"generated_by": GENERATED_BY, "time_precision": time_precision, "cases": cases})

    for bins in (80, 128):
        filters = mel_filter_bank(num_frequency_bins=201, num_mel_filters=bins, min_frequency=0.0,
                                  max_frequency=8000.0, sampling_rate=16000, norm="slaney",
                                  mel_scale="slaney")
        write_f32(os.path.join(RESOURCES, "whisper", "mel-filters-%d.f32.gz" % bins), filters)


ctc()
whisper()
print("wrote the Python references")
