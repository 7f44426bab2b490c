#!/usr/bin/python3
"""Writes a random-weight Whisper-tiny-shaped model for throughput figures, not tests.

  /usr/bin/python3 scripts/whisper-tiny-shaped.py OUT_FOLDER

The layout and tokenizer are tiny-whisper's (scripts/tiny-models/audio.py, reused), with
Whisper-tiny's dimensions: d_model 384, 4 encoder and 4 decoder layers, 6 heads, FFN 1536, 80 mel
bins, 1500 encoder and 448 decoder positions. The vocabulary stays tiny-whisper's 1,932 tokens
(Whisper's is 51,865), so the output projection is cheaper than a real Whisper-tiny's. About 75 MB
(the merged decoder holds its weights twice): do not commit the output. Runs with Debian's python3-torch (1.13) and python3-onnx.
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny-models"))
import audio  # noqa: E402

audio.D_MODEL, audio.ENC_LAYERS, audio.DEC_LAYERS, audio.HEADS, audio.FFN = 384, 4, 4, 6, 1536


def main(out):
    work = tempfile.mkdtemp()
    audio.write_whisper(work)
    for name in ("expected.json", "reference.json"):
        path = os.path.join(work, "tiny-whisper", name)
        if os.path.exists(path):
            os.remove(path)
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.move(os.path.join(work, "tiny-whisper"), out)
    print("wrote", out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
