#!/usr/bin/python3
"""Write Pillow's answers for the Java image tests under model/src/test/resources/images/.

Usage: pillow-reference.py   (after make-sample-images.py; run by hand with Debian's python3-pil
                              9.4 and numpy, the build only reads the committed files)

- pillow/<sample>.png: each image of samples/images/ as transformers' load_image sees it,
  `ImageOps.exif_transpose(Image.open(f)).convert("RGB")`, saved as an 8-bit RGB PNG.
- orientation/<name> and orientation/<name>.png: a small photo with each EXIF orientation 1..8
  in a JPEG, and in a PNG eXIf chunk and a WebP EXIF chunk, with Pillow's upright RGB of each.
- resize/<input>.png and resize/<input>/<filter>-<w>x<h>.png: `Image.resize((w, h), filter)` of
  a noise image (the hardest case for rounding) and of a photo, up and down, square and not, for
  each of Pillow's filters.
"""
import os

import numpy as np
from PIL import Image, ImageOps

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SAMPLES = os.path.join(ROOT, "samples", "images")
OUT = os.path.join(ROOT, "model", "src", "test", "resources", "images")

FILTERS = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC,
           "lanczos": Image.LANCZOS, "box": Image.BOX, "hamming": Image.HAMMING}
SIZES = {
    "noise": [(17, 13), (64, 48), (32, 32), (7, 50), (40, 11), (113, 29), (1, 1)],
    "rose": [(32, 32), (100, 21), (9, 9), (112, 73)],
}


def main():
    decoded = os.path.join(OUT, "pillow")
    os.makedirs(decoded, exist_ok=True)
    for name in sorted(os.listdir(SAMPLES)):
        with Image.open(os.path.join(SAMPLES, name)) as image:
            rgb = ImageOps.exif_transpose(image).convert("RGB")
        # only the pixels: a converted palette image keeps its transparency, which would be saved
        Image.fromarray(np.asarray(rgb), "RGB").save(os.path.join(decoded, name + ".png"))
    print("decoded", len(os.listdir(decoded)), "samples")

    folder = os.path.join(OUT, "orientation")
    os.makedirs(folder, exist_ok=True)
    photo = Image.open(os.path.join(SAMPLES, "bmp-rgb.bmp")).convert("RGB").crop((20, 10, 36, 20))
    files = [(f"jpeg-{n}.jpg", n) for n in range(1, 9)] + [("png-8.png", 8), ("webp-3.webp", 3)]
    for name, orientation in files:
        exif = Image.Exif()
        exif[0x0112] = orientation
        options = {"lossless": True} if name.endswith(".webp") else {}
        photo.save(os.path.join(folder, name), exif=exif.tobytes(), **options)
        with Image.open(os.path.join(folder, name)) as image:
            rgb = ImageOps.exif_transpose(image).convert("RGB")
        Image.fromarray(np.asarray(rgb), "RGB").save(os.path.join(folder, name + ".png"))
    print("oriented", len(files), "images")

    inputs = {
        "noise": Image.fromarray(
            np.random.default_rng(0).integers(0, 256, (30, 40, 3), dtype=np.uint8), "RGB"),
        "rose": Image.open(os.path.join(SAMPLES, "bmp-rgb.bmp")).convert("RGB"),
    }
    for name, image in inputs.items():
        folder = os.path.join(OUT, "resize", name)
        os.makedirs(folder, exist_ok=True)
        image.save(os.path.join(OUT, "resize", name + ".png"))
        for filter_name, resample in FILTERS.items():
            for width, height in SIZES[name]:
                image.resize((width, height), resample).save(
                    os.path.join(folder, f"{filter_name}-{width}x{height}.png"))
    print("resized", sum(len(s) for s in SIZES.values()) * len(FILTERS), "cases")


if __name__ == "__main__":
    main()
