#!/usr/bin/python3
"""Write the sample images under samples/images/ and the bad inputs under
model/src/test/resources/images/bad/.

Usage: make-sample-images.py   (from anywhere; paths are relative to the repository)

One small image per decoder path the vision tasks must match Pillow on: JPEG baseline (4:2:0),
4:4:4, progressive, gray, CMYK (Adobe transform 0), YCCK (Adobe transform 2), with an embedded ICC
profile, with EXIF orientation 6; PNG RGB, RGBA, palette (with transparency), 8-bit gray, 16-bit
gray, 16-bit RGB, gray with alpha, 1-bit; GIF (two frames: the first counts); BMP; TIFF LZW and
deflate; WebP lossless and lossy. The pictures are ImageMagick's built-in ones (rose:, wizard:, logo:, granite:), written by ImageMagick
or Pillow, so the script needs Debian's imagemagick and python3-pil; the build only reads the
committed files. The ICC profile is Ghostscript's Adobe RGB one (libgs-common), a wide gamut
profile, so a decoder that applies it is visibly off.

The bad inputs: a truncated JPEG, a zero-byte file, a PNG that declares 100,000 x 100,000 pixels
(a "bomb" of a few dozen bytes), and text with an image extension.
"""
import os
import struct
import subprocess
import tempfile
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "samples", "images")
BAD = os.path.join(ROOT, "model", "src", "test", "resources", "images", "bad")
ICC = "/usr/share/color/icc/ghostscript/a98.icc"


def convert(*args):
    # -strip and no PNG time chunks: the files do not change from one run to the next.
    subprocess.run(["convert", *args], check=True)


def magick(builtin, *ops):
    """An ImageMagick built-in picture, after ops, as a Pillow RGB image."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.png")
        convert(builtin, *ops, "-strip", path)
        return Image.open(path).convert("RGB")


def out(name):
    return os.path.join(OUT, name)


def main():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(BAD, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(out(name))

    wizard = magick("wizard:", "-resize", "120x145!")
    rose = magick("rose:")
    logo = magick("logo:", "-resize", "160x120!")

    # JPEG
    wizard.save(out("jpeg-baseline.jpg"), quality=90)  # 4:2:0, JFIF
    rose.save(out("jpeg-444.jpg"), quality=95, subsampling=0)
    convert("rose:", "-interlace", "Plane", "-quality", "85", "-strip", out("jpeg-progressive.jpg"))
    convert("granite:", "-resize", "96x96", "-colorspace", "Gray", "-strip",
            out("jpeg-gray.jpg"))
    # ImageMagick writes CMYK through libjpeg's default, YCCK (Adobe transform 2); Pillow writes
    # plain CMYK (transform 0).
    convert("rose:", "-colorspace", "CMYK", "-strip", out("jpeg-ycck.jpg"))
    Image.open(out("jpeg-ycck.jpg")).save(out("jpeg-cmyk.jpg"), quality=90)
    with open(ICC, "rb") as f:
        rose.save(out("jpeg-icc.jpg"), quality=90, icc_profile=f.read())
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to show upright
    wizard.crop((0, 0, 120, 100)).save(out("jpeg-exif-orientation-6.jpg"), quality=90,
                                       exif=exif.tobytes())

    # PNG
    logo.save(out("png-rgb.png"))
    rgba = wizard.convert("RGBA")
    alpha = np.tile(np.linspace(0, 255, wizard.width).astype(np.uint8), (wizard.height, 1))
    rgba.putalpha(Image.fromarray(alpha, "L"))
    rgba.save(out("png-rgba.png"))
    palette = logo.quantize(16)
    palette.save(out("png-palette.png"), transparency=0)
    Image.open(out("jpeg-gray.jpg")).save(out("png-gray.png"))
    # 16-bit gray up to 1023: Pillow opens it as mode I, and convert("RGB") clips at 255.
    ramp = (np.add.outer(np.arange(48), np.arange(64)) * 9).astype(np.uint16)
    Image.fromarray(ramp, "I;16").save(out("png-gray16.png"))

    convert("rose:", "-depth", "16", "-strip", "-define", "png:exclude-chunks=date,time",
            "PNG48:" + out("png-rgb16.png"))  # Pillow keeps each sample's high byte
    wizard.convert("LA").save(out("png-gray-alpha.png"))
    wizard.convert("1").save(out("png-bilevel.png"))

    # GIF: two frames, the second flipped; the first is the one decoded.
    frames = [rose.quantize(64), rose.transpose(Image.FLIP_LEFT_RIGHT).quantize(64)]
    frames[0].save(out("gif-animated.gif"), save_all=True, append_images=frames[1:],
                   duration=100, loop=0)

    rose.save(out("bmp-rgb.bmp"))
    convert("rose:", "-compress", "LZW", "-strip", out("tiff-lzw.tif"))
    convert("rose:", "-compress", "Zip", "-strip", out("tiff-deflate.tif"))

    wizard.save(out("webp-lossless.webp"), lossless=True)
    wizard.save(out("webp-lossy.webp"), quality=80)

    # Bad inputs
    with open(out("jpeg-baseline.jpg"), "rb") as f:
        jpeg = f.read()
    with open(os.path.join(BAD, "truncated.jpg"), "wb") as f:
        f.write(jpeg[: len(jpeg) // 2])
    open(os.path.join(BAD, "empty.jpg"), "wb").close()
    with open(os.path.join(BAD, "bomb.png"), "wb") as f:
        f.write(png_bomb(100_000, 100_000))
    with open(os.path.join(BAD, "text.jpg"), "w", encoding="utf-8") as f:
        f.write("This is a text file, not a JPEG.\n")

    total = sum(os.path.getsize(out(n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} images, {total} bytes, to {OUT}")


def png_bomb(width, height):
    """A valid PNG signature and header for a huge 8-bit gray image, with one tiny IDAT."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + \
        chunk(b"IDAT", zlib.compress(bytes(width + 1))) + chunk(b"IEND", b"")


if __name__ == "__main__":
    main()
