#!/usr/bin/python3
"""Whisper log-mel features of sample clips, as transformers' WhisperFeatureExtractor computes
them with torch (its _torch_extract_fbank_features, the path it takes when torch is installed).

Usage: whisper_features.py PCM_DIR RESOURCES_DIR

Reads the clips' reference PCM (ffmpeg's 16 kHz samples) and the Slaney mel filter banks that
audio_reference.py wrote with transformers' mel_filter_bank (RESOURCES_DIR/whisper/mel-filters-*),
and writes RESOURCES_DIR/whisper/<name>.<bins>.f32.gz: [bins, 3000] float32, row-major.
Runs with Debian's python3-torch (torch.stft).
"""
import gzip
import os
import sys

import numpy as np
import torch

N_FFT, HOP, N_SAMPLES = 400, 160, 480000
PCM, RESOURCES = sys.argv[1:3]
OUT = os.path.join(RESOURCES, "whisper")


def read_f32(path):
    with gzip.open(path) as f:
        return np.frombuffer(f.read(), dtype="<f4").copy()


def features(waveform, filters):
    # WhisperFeatureExtractor.__call__: pad with zeros (padding_value 0.0) or cut to 30 s.
    waveform = np.pad(waveform[:N_SAMPLES], (0, max(0, N_SAMPLES - len(waveform))))
    # _torch_extract_fbank_features, one waveform.
    waveform = torch.from_numpy(waveform.astype(np.float32))
    window = torch.hann_window(N_FFT)
    stft = torch.stft(waveform, N_FFT, HOP, window=window, return_complex=True)
    magnitudes = stft[..., :-1].abs() ** 2
    mel_spec = torch.from_numpy(filters).to(torch.float32).T @ magnitudes
    log_spec = torch.clamp(mel_spec, min=1e-10).log10()
    log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).numpy()


def main():
    banks = {bins: read_f32(os.path.join(OUT, "mel-filters-%d.f32.gz" % bins)).reshape(201, bins)
             for bins in (80, 128)}
    speech = read_f32(os.path.join(PCM, "speech-16k-s16.wav.16000.f32.gz"))
    # Longer than 30 s, speech across the 30 s mark: the extractor keeps the first 30 s.
    late = np.zeros(31 * 16000, dtype=np.float32)
    late[29 * 16000:29 * 16000 + len(speech)] = speech
    inputs = {
        "speech-16k-s16.wav": speech,
        "silence-16k.wav": read_f32(os.path.join(PCM, "silence-16k.wav.16000.f32.gz")),
        "speech-at-29s-of-31s": late,
    }
    for name, waveform in inputs.items():
        for bins in ((80, 128) if name == "speech-16k-s16.wav" else (80,)):
            path = os.path.join(OUT, "%s.%d.f32.gz" % (name, bins))
            with gzip.GzipFile(path, "wb", mtime=0) as f:
                f.write(np.ascontiguousarray(features(waveform, banks[bins]), "<f4").tobytes())
            print("wrote", path)


main()
