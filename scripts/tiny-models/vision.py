#!/usr/bin/python3
"""Write the tiny vision test models and the Python answers the Java image tests compare to.

Usage: vision.py MODELS_DIR IMAGES_DIR
  MODELS_DIR  model/src/test/resources/tiny-models: one Hub-layout folder per model
  IMAGES_DIR  model/src/test/resources/images: processed/ gets the processors' pixel_values

Models (random weights, fixed seeds, plain torch with the Hub's ONNX input and output names):
  tiny-vit-classifier       ViT, pixel_values -> logits; ViTImageProcessor 32x32, bilinear
  tiny-convnext-classifier  ConvNeXt, pixel_values -> logits; ConvNextImageProcessor,
                            shortest_edge 32 with crop_pct 0.875, bicubic
  tiny-detr                 DETR, pixel_values + pixel_mask -> logits (labels + no-object),
                            pred_boxes (cx, cy, w, h in 0..1); DetrImageProcessor, shortest_edge
                            32, longest_edge 48, bilinear, do_pad
  tiny-segformer            Segformer, pixel_values -> logits [batch, labels, h/4, w/4];
                            SegformerImageProcessor 32x32, bilinear
  tiny-clip                 CLIP, onnx/model.onnx: input_ids, attention_mask, pixel_values ->
                            logits_per_image, logits_per_text, text_embeds, image_embeds, and the
                            split towers onnx/text_model.onnx and onnx/vision_model.onnx;
                            CLIPImageProcessor shortest_edge 32 + center crop 32, bicubic; a CLIP
                            BPE tokenizer.json written here

Each model's expected.json holds, for some sample images: the pixel_values (shape, sha256 of the
float32 bytes, first values), the raw outputs, and the pipeline's answer computed here the way
transformers' pipelines post-process (ImageClassificationPipeline, ObjectDetectionPipeline with
DETR's post_process_object_detection, ImageSegmentationPipeline with Segformer's
post_process_semantic_segmentation, ZeroShotImageClassificationPipeline). vision.mjs then runs
each model in transformers.js 4.3.1 on an image already at its processor's size and records how
far its logits are from torch's.

Preprocessing follows transformers' slow image processors: load_image (exif_transpose, then
convert("RGB")), Image.resize with the configured filter, center crop, rescale in float64 then
float32, normalize in float32, pad. images/processed/<processor>.json has, for each processor
configuration (the models' and a few more: DeiT, BEiT, legacy integer sizes, a crop larger than
the image, ConvNeXt's warp at 384, DETR's legacy max_size, YOLOS), each image's pixel_values
shape and sha256, and for the small ones the values themselves in <processor>.f32.gz.

Needs Debian's python3-torch, python3-onnx, python3-pil and numpy; transformers is not used.
"""
import base64
import gzip
import hashlib
import io
import json
import math
import os
import re
import sys

import numpy as np
import torch
from PIL import Image, ImageOps

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_models import bytes_to_unicode  # noqa: E402

F = torch.nn.functional
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SAMPLES = os.path.join(ROOT, "samples", "images")

IMAGENET_DEFAULT_MEAN = [0.485, 0.456, 0.406]
IMAGENET_DEFAULT_STD = [0.229, 0.224, 0.225]
IMAGENET_STANDARD = [0.5, 0.5, 0.5]
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
BILINEAR, BICUBIC = 2, 3


# ---------------------------------------------------------------------------------------------
# transformers' slow image processors, in numpy and Pillow

def load_image(path):
    """transformers.image_utils.load_image: exif_transpose, then convert("RGB")."""
    with Image.open(path) as image:
        return ImageOps.exif_transpose(image).convert("RGB")


def size_dict(size, max_size=None, default_to_square=True):
    """image_processing_utils.get_size_dict."""
    if isinstance(size, dict):
        return size
    if isinstance(size, int) and default_to_square:
        return {"height": size, "width": size}
    if isinstance(size, int):
        result = {"shortest_edge": size}
        if max_size is not None:
            result["longest_edge"] = max_size
        return result
    if isinstance(size, (list, tuple)):
        return {"height": size[0], "width": size[1]}
    raise ValueError(size)


def resize_output_size(height, width, size, default_to_square, max_size=None):
    """image_transforms.get_resize_output_image_size."""
    if default_to_square:
        return size, size
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = size, int(size * long / short)
    if max_size is not None and new_long > max_size:
        new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_long, new_short) if width <= height else (new_short, new_long)


def detr_size(height, width, size, max_size):
    """image_transforms.get_size_with_aspect_ratio (DETR)."""
    raw_size = None
    if max_size is not None:
        min_original = float(min((height, width)))
        max_original = float(max((height, width)))
        if max_original / min_original * size > max_size:
            raw_size = max_size * min_original / max_original
            size = round(raw_size)
    if (height <= width and height == size) or (width <= height and width == size):
        return height, width
    if width < height:
        ow = size
        oh = int(raw_size * height / width) if raw_size is not None else int(size * height / width)
        return oh, ow
    oh = size
    ow = int(raw_size * width / height) if raw_size is not None else int(size * width / height)
    return oh, ow


def yolos_size(height, width, size, max_size, mod_size=16):
    """image_processing_yolos.get_size_with_aspect_ratio."""
    raw_size = None
    if max_size is not None:
        min_original = float(min((height, width)))
        max_original = float(max((height, width)))
        if max_original / min_original * size > max_size:
            raw_size = max_size * min_original / max_original
            size = int(round(raw_size))
    if width < height:
        ow = size
        oh = int(raw_size * height / width) if raw_size is not None else int(size * height / width)
    elif (height <= width and height == size) or (width <= height and width == size):
        oh, ow = height, width
    else:
        oh = size
        ow = int(raw_size * width / height) if raw_size is not None else int(size * width / height)
    return oh - np.mod(oh, mod_size), ow - np.mod(ow, mod_size)


def resize(array, height, width, resample):
    """image_transforms.resize: through PIL, channels last, uint8 in and out."""
    return np.array(Image.fromarray(array).resize((width, height), resample=resample))


def center_crop(array, height, width):
    """image_transforms.center_crop, padding with zeros where the image is smaller."""
    orig_height, orig_width = array.shape[:2]
    top = (orig_height - height) // 2
    bottom = top + height
    left = (orig_width - width) // 2
    right = left + width
    if top >= 0 and bottom <= orig_height and left >= 0 and right <= orig_width:
        return array[top:bottom, left:right]
    new_height = max(height, orig_height)
    new_width = max(width, orig_width)
    canvas = np.zeros((new_height, new_width, array.shape[2]), dtype=array.dtype)
    top_pad = math.ceil((new_height - orig_height) / 2)
    left_pad = math.ceil((new_width - orig_width) / 2)
    canvas[top_pad:top_pad + orig_height, left_pad:left_pad + orig_width] = array
    top += top_pad
    bottom += top_pad
    left += left_pad
    right += left_pad
    return canvas[max(0, top):min(new_height, bottom), max(0, left):min(new_width, right)]


def rescale(array, scale):
    """image_transforms.rescale: float64 product, cast to float32."""
    return (array.astype(np.float64) * scale).astype(np.float32)


def normalize(array, mean, std):
    """image_transforms.normalize: float32 throughout."""
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float32)
    return (array - np.array(mean, dtype=array.dtype)) / np.array(std, dtype=array.dtype)


def family(config):
    name = config.get("image_processor_type") or config.get("feature_extractor_type") or ""
    return re.sub(r"(ImageProcessor|FeatureExtractor)(Fast)?$", "", name)


def preprocess(image, config):
    """The slow image processor of config's type on one RGB PIL image: CHW float32."""
    kind = family(config)
    array = np.array(image)
    defaults = {
        "ViT": ({"height": 224, "width": 224}, BILINEAR, IMAGENET_STANDARD, IMAGENET_STANDARD, True),
        "DeiT": ({"height": 256, "width": 256}, BICUBIC, IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD, True),
        "Beit": ({"height": 256, "width": 256}, BICUBIC, IMAGENET_STANDARD, IMAGENET_STANDARD, True),
        "ConvNext": ({"shortest_edge": 384}, BILINEAR, IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD, False),
        "CLIP": ({"shortest_edge": 224}, BICUBIC, CLIP_MEAN, CLIP_STD, False),
        "Detr": ({"shortest_edge": 800, "longest_edge": 1333}, BILINEAR, IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD, False),
        "Yolos": ({"shortest_edge": 800, "longest_edge": 1333}, BILINEAR, IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD, False),
        "Segformer": ({"height": 512, "width": 512}, BILINEAR, IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD, True),
    }[kind]
    default_size, default_resample, default_mean, default_std, square = defaults
    size = size_dict(config.get("size", default_size), config.get("max_size"), square)
    resample = config.get("resample", default_resample)
    if config.get("do_resize", True):
        height, width = array.shape[:2]
        if kind == "ConvNext":
            shortest = size["shortest_edge"]
            crop_pct = config.get("crop_pct") or 224 / 256
            if shortest < 384:
                h, w = resize_output_size(height, width, int(shortest / crop_pct), False)
                array = center_crop(resize(array, h, w, resample), shortest, shortest)
            else:
                array = resize(array, shortest, shortest, resample)
        elif kind == "Detr" or kind == "Yolos":
            rule = detr_size if kind == "Detr" else yolos_size
            h, w = rule(height, width, size["shortest_edge"], size["longest_edge"])
            array = resize(array, h, w, resample)
        elif "shortest_edge" in size:
            h, w = resize_output_size(height, width, size["shortest_edge"], False)
            array = resize(array, h, w, resample)
        else:
            array = resize(array, size["height"], size["width"], resample)
    if config.get("do_center_crop", kind in ("DeiT", "Beit", "CLIP")) and kind != "ConvNext":
        crop = size_dict(config.get("crop_size", {"height": 224, "width": 224}))
        array = center_crop(array, crop["height"], crop["width"])
    if config.get("do_rescale", True):
        array = rescale(array, config.get("rescale_factor", 1 / 255))
    if config.get("do_normalize", True):
        array = normalize(array, config.get("image_mean", default_mean),
                          config.get("image_std", default_std))
    return np.ascontiguousarray(array.transpose(2, 0, 1).astype(np.float32))


def batch(arrays, pixel_mask):
    """DETR's pad: zeros at the bottom and right to the largest image, and the pixel mask."""
    height = max(a.shape[1] for a in arrays)
    width = max(a.shape[2] for a in arrays)
    values = np.zeros((len(arrays), 3, height, width), dtype=np.float32)
    mask = np.zeros((len(arrays), height, width), dtype=np.int64)
    for i, a in enumerate(arrays):
        values[i, :, :a.shape[1], :a.shape[2]] = a
        mask[i, :a.shape[1], :a.shape[2]] = 1
    return (values, mask) if pixel_mask else (values, None)


def fingerprint(array):
    data = np.ascontiguousarray(array, dtype="<f4").tobytes()
    return {"shape": list(array.shape), "sha256": hashlib.sha256(data).hexdigest(),
            "first": [float(v) for v in array.reshape(-1)[:8]]}


# ---------------------------------------------------------------------------------------------
# The models: small, random, with the Hub's graph contracts

class Attention(torch.nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.q = torch.nn.Linear(dim, dim)
        self.k = torch.nn.Linear(dim, dim)
        self.v = torch.nn.Linear(dim, dim)
        self.o = torch.nn.Linear(dim, dim)

    def forward(self, query, key, value, mask=None):
        b = query.shape[0]
        h = self.heads
        d = query.shape[-1] // h
        q = self.q(query).reshape(b, -1, h, d).transpose(1, 2)
        k = self.k(key).reshape(b, -1, h, d).transpose(1, 2)
        v = self.v(value).reshape(b, -1, h, d).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)
        if mask is not None:
            scores = scores + mask
        out = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, -1, h * d)
        return self.o(out)


class PreNormLayer(torch.nn.Module):
    """A ViT / CLIP encoder layer: attention and MLP, each after a LayerNorm, with residuals."""

    def __init__(self, dim, heads, mlp, eps, act="gelu"):
        super().__init__()
        self.norm1 = torch.nn.LayerNorm(dim, eps=eps)
        self.attention = Attention(dim, heads)
        self.norm2 = torch.nn.LayerNorm(dim, eps=eps)
        self.fc1 = torch.nn.Linear(dim, mlp)
        self.fc2 = torch.nn.Linear(mlp, dim)
        self.act = act

    def forward(self, x, mask=None):
        h = self.norm1(x)
        x = x + self.attention(h, h, h, mask)
        h = self.fc1(self.norm2(x))
        h = F.gelu(h) if self.act == "gelu" else h * torch.sigmoid(1.702 * h)  # quick_gelu
        return x + self.fc2(h)


class ViT(torch.nn.Module):
    def __init__(self, labels, image=32, patch=8, dim=32, layers=2, heads=2, mlp=64):
        super().__init__()
        self.patch = torch.nn.Conv2d(3, dim, patch, patch)
        self.cls = torch.nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.position = torch.nn.Parameter(torch.randn(1, (image // patch) ** 2 + 1, dim) * 0.02)
        self.layers = torch.nn.ModuleList(PreNormLayer(dim, heads, mlp, 1e-12) for _ in range(layers))
        self.norm = torch.nn.LayerNorm(dim, eps=1e-12)
        self.head = torch.nn.Linear(dim, labels)
        torch.nn.init.normal_(self.head.weight, std=0.3)

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.position
        for layer in self.layers:
            x = layer(x)
        return (self.head(self.norm(x)[:, 0]),)


class ChannelNorm(torch.nn.LayerNorm):
    """LayerNorm over the channels of an NCHW map."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ConvNeXt(torch.nn.Module):
    def __init__(self, labels, dim=16, blocks=2):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, dim, 4, 4)
        self.stem_norm = ChannelNorm(dim, eps=1e-6)
        self.dw = torch.nn.ModuleList(torch.nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
                                      for _ in range(blocks))
        self.block_norm = torch.nn.ModuleList(torch.nn.LayerNorm(dim, eps=1e-6) for _ in range(blocks))
        self.fc1 = torch.nn.ModuleList(torch.nn.Linear(dim, 4 * dim) for _ in range(blocks))
        self.fc2 = torch.nn.ModuleList(torch.nn.Linear(4 * dim, dim) for _ in range(blocks))
        self.norm = torch.nn.LayerNorm(dim, eps=1e-12)
        self.head = torch.nn.Linear(dim, labels)
        torch.nn.init.normal_(self.head.weight, std=1.0)

    def forward(self, pixel_values):
        x = self.stem_norm(self.stem(pixel_values))
        for dw, norm, fc1, fc2 in zip(self.dw, self.block_norm, self.fc1, self.fc2):
            h = dw(x).permute(0, 2, 3, 1)
            h = fc2(F.gelu(fc1(norm(h)))).permute(0, 3, 1, 2)
            x = x + h
        return (self.head(self.norm(x.mean(dim=(2, 3)))),)


class Detr(torch.nn.Module):
    """A backbone of one strided convolution, DETR's sine positions over the pixel mask, one
    encoder and one decoder layer (post-norm), learned queries, class and box heads."""

    def __init__(self, labels, dim=32, heads=2, queries=8, stride=8):
        super().__init__()
        self.stride = stride
        self.backbone = torch.nn.Conv2d(3, dim, stride, stride)
        self.encoder_attention = Attention(dim, heads)
        self.encoder_norm1 = torch.nn.LayerNorm(dim)
        self.encoder_ffn = torch.nn.Sequential(torch.nn.Linear(dim, 2 * dim), torch.nn.ReLU(),
                                               torch.nn.Linear(2 * dim, dim))
        self.encoder_norm2 = torch.nn.LayerNorm(dim)
        self.query_position = torch.nn.Parameter(torch.randn(queries, dim))
        self.self_attention = Attention(dim, heads)
        self.decoder_norm1 = torch.nn.LayerNorm(dim)
        self.cross_attention = Attention(dim, heads)
        self.decoder_norm2 = torch.nn.LayerNorm(dim)
        self.decoder_ffn = torch.nn.Sequential(torch.nn.Linear(dim, 2 * dim), torch.nn.ReLU(),
                                               torch.nn.Linear(2 * dim, dim))
        self.decoder_norm3 = torch.nn.LayerNorm(dim)
        self.decoder_norm = torch.nn.LayerNorm(dim)
        self.class_head = torch.nn.Linear(dim, labels + 1)
        self.box_head = torch.nn.Sequential(torch.nn.Linear(dim, dim), torch.nn.ReLU(),
                                            torch.nn.Linear(dim, dim), torch.nn.ReLU(),
                                            torch.nn.Linear(dim, 4))
        torch.nn.init.normal_(self.class_head.weight, std=0.5)

    def positions(self, valid):
        """DETR's DetrSinePositionEmbedding (normalize=True) over the valid cells."""
        dim = self.backbone.out_channels // 2
        y = valid.cumsum(1)
        x = valid.cumsum(2)
        y = y / (y[:, -1:, :] + 1e-6) * 2 * math.pi
        x = x / (x[:, :, -1:] + 1e-6) * 2 * math.pi
        dim_t = torch.arange(dim, dtype=torch.float32)
        dim_t = 10000 ** (2 * torch.div(dim_t, 2, rounding_mode="floor") / dim)
        px = x[:, :, :, None] / dim_t
        py = y[:, :, :, None] / dim_t
        px = torch.stack((px[:, :, :, 0::2].sin(), px[:, :, :, 1::2].cos()), dim=4).flatten(3)
        py = torch.stack((py[:, :, :, 0::2].sin(), py[:, :, :, 1::2].cos()), dim=4).flatten(3)
        return torch.cat((py, px), dim=3).flatten(1, 2)

    def forward(self, pixel_values, pixel_mask):
        features = self.backbone(pixel_values)
        # as DETR: the mask brought to the feature map's size by nearest interpolation
        valid = F.interpolate(pixel_mask[:, None].to(torch.float32), size=features.shape[-2:],
                              mode="nearest")[:, 0]
        position = self.positions(valid)
        memory = features.flatten(2).transpose(1, 2)
        mask = ((1.0 - valid.flatten(1)) * -1e9)[:, None, None, :]
        q = memory + position
        memory = self.encoder_norm1(memory + self.encoder_attention(q, q, memory, mask))
        memory = self.encoder_norm2(memory + self.encoder_ffn(memory))
        query = self.query_position[None].expand(memory.shape[0], -1, -1)
        # the queries start from their own embeddings (DETR starts from zeros): with one random
        # layer, zeros would give every query nearly the same answer
        target = query
        q = target + query
        target = self.decoder_norm1(target + self.self_attention(q, q, target))
        target = self.decoder_norm2(
            target + self.cross_attention(target + query, memory + position, memory, mask))
        target = self.decoder_norm3(target + self.decoder_ffn(target))
        target = self.decoder_norm(target)
        return self.class_head(target), self.box_head(target).sigmoid()


class Segformer(torch.nn.Module):
    """An overlapping patch embedding (stride 4), one efficient-attention block with spatial
    reduction and a Mix-FFN, and an all-MLP decode head: logits at a quarter of the input."""

    def __init__(self, labels, dim=16, heads=1, reduction=2):
        super().__init__()
        self.embed = torch.nn.Conv2d(3, dim, 7, 4, padding=3)
        self.embed_norm = torch.nn.LayerNorm(dim, eps=1e-6)
        self.norm1 = torch.nn.LayerNorm(dim, eps=1e-6)
        self.reduce = torch.nn.Conv2d(dim, dim, reduction, reduction)
        self.reduce_norm = torch.nn.LayerNorm(dim, eps=1e-5)
        self.attention = Attention(dim, heads)
        self.norm2 = torch.nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = torch.nn.Linear(dim, 4 * dim)
        self.dw = torch.nn.Conv2d(4 * dim, 4 * dim, 3, padding=1, groups=4 * dim)
        self.fc2 = torch.nn.Linear(4 * dim, dim)
        self.norm = torch.nn.LayerNorm(dim, eps=1e-6)
        self.decode = torch.nn.Linear(dim, 2 * dim)
        self.decode_norm = torch.nn.LayerNorm(2 * dim, eps=1e-5)
        self.classifier = torch.nn.Conv2d(2 * dim, labels, 1)
        torch.nn.init.normal_(self.classifier.weight, std=1.0)

    def forward(self, pixel_values):
        x = self.embed(pixel_values)
        b, c, h, w = x.shape
        x = self.embed_norm(x.flatten(2).transpose(1, 2))
        y = self.norm1(x)
        kv = self.reduce(y.transpose(1, 2).reshape(b, c, h, w)).flatten(2).transpose(1, 2)
        kv = self.reduce_norm(kv)
        x = x + self.attention(y, kv, kv)
        y = self.fc1(self.norm2(x))
        y = self.dw(y.transpose(1, 2).reshape(b, -1, h, w)).flatten(2).transpose(1, 2)
        x = x + self.fc2(F.gelu(y))
        x = self.norm(x)
        x = self.decode_norm(self.decode(x)).transpose(1, 2).reshape(b, -1, h, w)
        return (self.classifier(x),)


class ClipText(torch.nn.Module):
    def __init__(self, vocab, positions, dim, heads, layers, projection):
        super().__init__()
        self.token = torch.nn.Embedding(vocab, dim)
        self.position = torch.nn.Embedding(positions, dim)
        self.layers = torch.nn.ModuleList(PreNormLayer(dim, heads, 2 * dim, 1e-5, "quick_gelu")
                                          for _ in range(layers))
        self.norm = torch.nn.LayerNorm(dim, eps=1e-5)
        self.projection = torch.nn.Linear(dim, projection, bias=False)

    def forward(self, input_ids, attention_mask):
        n = input_ids.shape[1]
        x = self.token(input_ids) + self.position(torch.arange(n)[None])
        causal = torch.full((n, n), -1e9).triu(1)[None, None]
        padding = ((1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -1e9)
        for layer in self.layers:
            x = layer(x, causal + padding)
        x = self.norm(x)
        # CLIP pools at the end-of-text token: the largest id, the first of them on ties
        pooled = x[torch.arange(x.shape[0]), input_ids.argmax(dim=-1)]
        return self.projection(pooled), x


class ClipVision(torch.nn.Module):
    def __init__(self, image, patch, dim, heads, layers, projection):
        super().__init__()
        self.patch = torch.nn.Conv2d(3, dim, patch, patch, bias=False)
        self.cls = torch.nn.Parameter(torch.randn(dim) * 0.02)
        self.position = torch.nn.Parameter(torch.randn(1, (image // patch) ** 2 + 1, dim) * 0.02)
        self.pre_norm = torch.nn.LayerNorm(dim, eps=1e-5)
        self.layers = torch.nn.ModuleList(PreNormLayer(dim, heads, 2 * dim, 1e-5, "quick_gelu")
                                          for _ in range(layers))
        self.post_norm = torch.nn.LayerNorm(dim, eps=1e-5)
        self.projection = torch.nn.Linear(dim, projection, bias=False)

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, -1), x], dim=1) + self.position
        x = self.pre_norm(x)
        for layer in self.layers:
            x = layer(x)
        return self.projection(self.post_norm(x[:, 0])), x


class Clip(torch.nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.text = ClipText(vocab, 16, 32, 2, 2, 16)
        self.vision = ClipVision(32, 8, 32, 2, 2, 16)
        self.logit_scale = torch.nn.Parameter(torch.tensor(2.6592))

    def forward(self, input_ids, attention_mask, pixel_values):
        text, _ = self.text(input_ids, attention_mask)
        image, _ = self.vision(pixel_values)
        text = text / text.norm(p=2, dim=-1, keepdim=True)
        image = image / image.norm(p=2, dim=-1, keepdim=True)
        logits_per_text = text @ image.t() * self.logit_scale.exp()
        return logits_per_text.t(), logits_per_text, text, image


class TextTower(torch.nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, input_ids, attention_mask):
        return self.clip.text(input_ids, attention_mask)


class VisionTower(torch.nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, pixel_values):
        return self.clip.vision(pixel_values)


# ---------------------------------------------------------------------------------------------
# CLIP's tokenizer: byte-level BPE with "</w>" ending each word, written in the tokenizers format

CLIP_WORDS = """this is a photo of cat dog car tree red flower bird house an the""".split()
BOS, EOS = "<|startoftext|>", "<|endoftext|>"
CLIP_PATTERN = (r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]"
                r"|[^\s\p{L}\p{N}]+")


def clip_tokenizer():
    alphabet = [bytes_to_unicode()[b] for b in range(256)]
    tokens = alphabet + [c + "</w>" for c in alphabet]
    merges = []
    for word in CLIP_WORDS:
        symbols = list(word[:-1]) + [word[-1] + "</w>"]
        current = symbols[0]
        for symbol in symbols[1:]:
            merge = current + " " + symbol
            current = current + symbol
            if merge not in merges:
                merges.append(merge)
            if current not in tokens:
                tokens.append(current)
    tokens += [BOS, EOS]
    vocab = {t: i for i, t in enumerate(tokens)}
    added = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False,
              "rstrip": False, "normalized": t == BOS, "special": True} for t in (BOS, EOS)]
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"},
            {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
            {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": CLIP_PATTERN}, "behavior": "Removed",
             "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
             "use_regex": False}]},
        "post_processor": {"type": "RobertaProcessing", "sep": [EOS, vocab[EOS]],
                           "cls": [BOS, vocab[BOS]], "trim_offsets": False,
                           "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                    "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": EOS,
                  "continuing_subword_prefix": "", "end_of_word_suffix": "</w>",
                  "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges},
    }
    config = {"tokenizer_class": "CLIPTokenizer", "bos_token": BOS, "eos_token": EOS,
              "pad_token": EOS, "unk_token": EOS, "model_max_length": 16, "do_lower_case": True,
              "errors": "replace", "add_prefix_space": False,
              "clean_up_tokenization_spaces": True}
    return tokenizer, config, vocab, merges


def clip_encode(texts, vocab, merges):
    """What the tokenizer above gives for ASCII texts, padded to the longest with EOS."""
    ranks = {tuple(m.split(" ")): i for i, m in enumerate(merges)}
    rows = []
    for text in texts:
        ids = [vocab[BOS]]
        for word in re.findall(r"[a-z]+|[0-9]|[^\sa-z0-9]+", re.sub(r"\s+", " ", text).lower()):
            symbols = list(word[:-1]) + [word[-1] + "</w>"]
            while len(symbols) > 1:
                pairs = [(ranks.get((a, b), 1 << 30), i)
                         for i, (a, b) in enumerate(zip(symbols, symbols[1:]))]
                rank, i = min(pairs)
                if rank == 1 << 30:
                    break
                symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]
            ids += [vocab[s] for s in symbols]
        rows.append(ids + [vocab[EOS]])
    longest = max(len(r) for r in rows)
    input_ids = [r + [vocab[EOS]] * (longest - len(r)) for r in rows]
    attention_mask = [[1] * len(r) + [0] * (longest - len(r)) for r in rows]
    return input_ids, attention_mask


# ---------------------------------------------------------------------------------------------
# The pipelines' post-processing, as transformers computes it

def softmax_np(x):
    maxes = np.max(x, axis=-1, keepdims=True)
    shifted = np.exp(x - maxes)
    return shifted / shifted.sum(axis=-1, keepdims=True)


def classify(logits, labels, top_k=5, function_to_apply="softmax"):
    """ImageClassificationPipeline.postprocess."""
    outputs = logits.numpy()
    if function_to_apply == "softmax":
        scores = softmax_np(outputs)
    elif function_to_apply == "sigmoid":
        scores = 1.0 / (1.0 + np.exp(-outputs))
    else:
        scores = outputs
    top_k = min(top_k, len(labels))
    result = [{"label": labels[i], "score": score.item()} for i, score in enumerate(scores)]
    result.sort(key=lambda x: x["score"], reverse=True)
    return result[:top_k]


def detect(logits, boxes, labels, height, width, threshold=0.5):
    """DetrImageProcessor.post_process_object_detection + ObjectDetectionPipeline.postprocess."""
    prob = F.softmax(logits, -1)
    scores, classes = prob[..., :-1].max(-1)
    cx, cy, w, h = boxes.unbind(-1)
    corners = torch.stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], dim=-1)
    target = torch.IntTensor([[height, width]])
    img_h, img_w = target.unbind(1)
    scale = torch.stack([img_w, img_h, img_w, img_h], dim=1)
    corners = corners * scale[:, None, :]
    keep = scores[0] > threshold
    result = []
    for score, label, box in zip(scores[0][keep], classes[0][keep], corners[0][keep]):
        xmin, ymin, xmax, ymax = box.int().tolist()
        result.append({"score": score.item(), "label": labels[label.item()],
                       "box": {"xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax}})
    return result


def segment(logits, labels, height, width):
    """SegformerImageProcessor.post_process_semantic_segmentation + ImageSegmentationPipeline."""
    resized = F.interpolate(logits[None], size=(height, width), mode="bilinear",
                            align_corners=False)
    segmentation = resized[0].argmax(dim=0).numpy()
    result = []
    for label in np.unique(segmentation):
        mask = Image.fromarray(((segmentation == label) * 255).astype(np.uint8), mode="L")
        png = io.BytesIO()
        mask.save(png, format="PNG")
        result.append({"score": None, "label": labels[label],
                       "mask": base64.b64encode(png.getvalue()).decode("ascii")})
    return result


def zero_shot(logits_per_image, candidate_labels):
    """ZeroShotImageClassificationPipeline.postprocess."""
    scores = logits_per_image.softmax(dim=-1).squeeze(-1).tolist()
    if not isinstance(scores, list):
        scores = [scores]
    return [{"score": score, "label": label}
            for score, label in sorted(zip(scores, candidate_labels), key=lambda x: -x[0])]


# ---------------------------------------------------------------------------------------------

def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


def floats(tensor):
    return [float(v) for v in tensor.reshape(-1).tolist()]


def export(model, args, path, inputs, outputs, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(model, args, path, input_names=inputs, output_names=outputs,
                          dynamic_axes=axes, opset_version=14, do_constant_folding=True)


IMAGE_AXES = {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"}
CLASSIFIER_LABELS = ["tabby cat", "golden retriever", "red fox", "sports car", "oak tree",
                     "teapot", "volcano"]
CONVNEXT_LABELS = ["cat", "dog", "car", "flower"]
DETR_LABELS = ["N/A", "person", "cat", "dog", "car"]
SEGFORMER_LABELS = ["background", "sky", "tree", "road", "person", "car"]
CASES = ["jpeg-baseline.jpg", "png-rgb.png", "jpeg-exif-orientation-6.jpg"]


def labels_config(labels):
    return {"id2label": {str(i): label for i, label in enumerate(labels)},
            "label2id": {label: i for i, label in enumerate(labels)}}


def at_size(image, config):
    """The sample image as the processor's resize leaves it: fed to transformers.js, whose resize
    is not Pillow's, it goes through unchanged (transformers.js then crops and normalizes)."""
    kind = family(config)
    array = np.array(image)
    size = config["size"]
    if kind == "ConvNext":
        side = int(size["shortest_edge"] / config["crop_pct"])
        return resize(array, side, side, config["resample"])
    if kind == "Detr":
        h, w = detr_size(array.shape[0], array.shape[1], size["shortest_edge"], size["longest_edge"])
        return resize(array, h, w, config["resample"])
    if "shortest_edge" in size:
        side = size["shortest_edge"]
        return resize(array, side, side, config["resample"])
    return resize(array, size["height"], size["width"], config["resample"])


def transformers_js_case(image, config, run):
    """For vision.mjs: the at-size image (RGB bytes), its pixel_values here (float32 bytes), and
    torch's outputs on them."""
    array = at_size(image, config)
    pixel_values = preprocess(Image.fromarray(array), config)
    outputs = run(Image.fromarray(array))
    return {"width": int(array.shape[1]), "height": int(array.shape[0]),
            "rgb_base64": base64.b64encode(array.tobytes()).decode("ascii"),
            "pixel_values_shape": [1, *pixel_values.shape],
            "pixel_values_base64": base64.b64encode(pixel_values.astype("<f4").tobytes())
            .decode("ascii"),
            "torch_outputs": {k: floats(v) for k, v in outputs.items()}}


def classifier(out, name, model, config, preprocessor, labels):
    folder = os.path.join(out, name)
    export(model, (torch.zeros(1, 3, 32, 32),), os.path.join(folder, "onnx", "model.onnx"),
           ["pixel_values"], ["logits"],
           {"pixel_values": IMAGE_AXES, "logits": {0: "batch_size"}})
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "preprocessor_config.json"), preprocessor)

    def run(image):
        with torch.no_grad():
            return {"logits": model(torch.from_numpy(preprocess(image, preprocessor)[None]))[0]}

    cases = []
    for sample in CASES:
        image = load_image(os.path.join(SAMPLES, sample))
        pixel_values = preprocess(image, preprocessor)
        with torch.no_grad():
            logits = model(torch.from_numpy(pixel_values[None]))[0][0]
        cases.append({
            "image": sample, "original_size": [image.height, image.width],
            "pixel_values": fingerprint(pixel_values), "logits": floats(logits),
            "pipeline": {
                "default": classify(logits, labels),
                "top_k=2": classify(logits, labels, top_k=2),
                "function_to_apply=sigmoid": classify(logits, labels, 5, "sigmoid"),
                "function_to_apply=none,top_k=10": classify(logits, labels, 10, "none"),
            }})
    js = transformers_js_case(load_image(os.path.join(SAMPLES, "jpeg-baseline.jpg")),
                              preprocessor, run)
    write_json(os.path.join(folder, "expected.json"),
               {"generated_by": generated_by(), "task": "image-classification",
                "cases": cases, "transformers_js": js})


def generated_by():
    import PIL
    return f"scripts/tiny-models/vision.py (torch {torch.__version__}, Pillow {PIL.__version__})"


def build_vit(out):
    torch.manual_seed(2000)
    model = ViT(len(CLASSIFIER_LABELS)).eval()
    config = {"_name_or_path": "hubbatch/tiny-vit-classifier",
              "architectures": ["ViTForImageClassification"], "model_type": "vit",
              "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
              "intermediate_size": 64, "hidden_act": "gelu", "layer_norm_eps": 1e-12,
              "image_size": 32, "patch_size": 8, "num_channels": 3, "qkv_bias": True,
              **labels_config(CLASSIFIER_LABELS)}
    preprocessor = {"image_processor_type": "ViTImageProcessor", "do_resize": True,
                    "size": {"height": 32, "width": 32}, "resample": BILINEAR,
                    "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
                    "image_mean": IMAGENET_STANDARD, "image_std": IMAGENET_STANDARD}
    classifier(out, "tiny-vit-classifier", model, config, preprocessor, CLASSIFIER_LABELS)


def build_convnext(out):
    torch.manual_seed(2001)
    model = ConvNeXt(len(CONVNEXT_LABELS)).eval()
    config = {"_name_or_path": "hubbatch/tiny-convnext-classifier",
              "architectures": ["ConvNextForImageClassification"], "model_type": "convnext",
              "num_channels": 3, "patch_size": 4, "num_stages": 1, "hidden_sizes": [16],
              "depths": [2], "hidden_act": "gelu", "layer_norm_eps": 1e-12, "image_size": 32,
              **labels_config(CONVNEXT_LABELS)}
    preprocessor = {"image_processor_type": "ConvNextImageProcessor", "do_resize": True,
                    "size": {"shortest_edge": 32}, "crop_pct": 0.875, "resample": BICUBIC,
                    "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
                    "image_mean": IMAGENET_DEFAULT_MEAN, "image_std": IMAGENET_DEFAULT_STD}
    classifier(out, "tiny-convnext-classifier", model, config, preprocessor, CONVNEXT_LABELS)


def build_detr(out):
    torch.manual_seed(2002)
    name = "tiny-detr"
    folder = os.path.join(out, name)
    model = Detr(len(DETR_LABELS)).eval()
    export(model, (torch.zeros(1, 3, 32, 40), torch.ones(1, 32, 40, dtype=torch.int64)),
           os.path.join(folder, "onnx", "model.onnx"), ["pixel_values", "pixel_mask"],
           ["logits", "pred_boxes"],
           {"pixel_values": IMAGE_AXES, "pixel_mask": {0: "batch_size", 1: "height", 2: "width"},
            "logits": {0: "batch_size", 1: "num_queries"},
            "pred_boxes": {0: "batch_size", 1: "num_queries"}})
    config = {"_name_or_path": "hubbatch/" + name, "architectures": ["DetrForObjectDetection"],
              "model_type": "detr", "d_model": 32, "encoder_layers": 1, "decoder_layers": 1,
              "encoder_attention_heads": 2, "decoder_attention_heads": 2,
              "encoder_ffn_dim": 64, "decoder_ffn_dim": 64, "num_queries": 8,
              "num_channels": 3, "position_embedding_type": "sine", "use_timm_backbone": False,
              "backbone": None, "use_pretrained_backbone": False, "auxiliary_loss": False,
              **labels_config(DETR_LABELS)}
    preprocessor = {"image_processor_type": "DetrImageProcessor", "format": "coco_detection",
                    "do_resize": True, "size": {"shortest_edge": 32, "longest_edge": 48},
                    "resample": BILINEAR, "do_rescale": True, "rescale_factor": 1 / 255,
                    "do_normalize": True, "image_mean": IMAGENET_DEFAULT_MEAN,
                    "image_std": IMAGENET_DEFAULT_STD, "do_pad": True,
                    "do_convert_annotations": True}
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "preprocessor_config.json"), preprocessor)

    def run(image):
        values, mask = batch([preprocess(image, preprocessor)], True)
        with torch.no_grad():
            logits, boxes = model(torch.from_numpy(values), torch.from_numpy(mask))
        return {"logits": logits, "pred_boxes": boxes}

    cases = []
    for sample in CASES:
        image = load_image(os.path.join(SAMPLES, sample))
        pixel_values = preprocess(image, preprocessor)
        outputs = run(image)
        logits, boxes = outputs["logits"][0], outputs["pred_boxes"][0]
        cases.append({
            "image": sample, "original_size": [image.height, image.width],
            "pixel_values": fingerprint(pixel_values),
            "logits": [floats(q) for q in logits], "pred_boxes": [floats(q) for q in boxes],
            "pipeline": {
                "default": detect(logits[None], boxes[None], DETR_LABELS, image.height, image.width),
                "threshold=0.9": detect(logits[None], boxes[None], DETR_LABELS, image.height,
                                        image.width, 0.9),
                "threshold=0.0": detect(logits[None], boxes[None], DETR_LABELS, image.height,
                                        image.width, 0.0)}})
    # two images of different sizes in one padded batch: each one's outputs as when alone
    first, second = (load_image(os.path.join(SAMPLES, s)) for s in CASES[:2])
    values, mask = batch([preprocess(first, preprocessor), preprocess(second, preprocessor)], True)
    with torch.no_grad():
        logits, boxes = model(torch.from_numpy(values), torch.from_numpy(mask))
    padded = {"images": CASES[:2], "pixel_values_shape": list(values.shape),
              "pixel_mask_sum": [int(m.sum()) for m in mask],
              "logits": [[floats(q) for q in image] for image in logits],
              "pred_boxes": [[floats(q) for q in image] for image in boxes]}
    js = transformers_js_case(load_image(os.path.join(SAMPLES, "jpeg-baseline.jpg")),
                              preprocessor, run)
    write_json(os.path.join(folder, "expected.json"),
               {"generated_by": generated_by(), "task": "object-detection", "cases": cases,
                "padded_batch": padded, "transformers_js": js})


def build_segformer(out):
    torch.manual_seed(2003)
    name = "tiny-segformer"
    folder = os.path.join(out, name)
    model = Segformer(len(SEGFORMER_LABELS)).eval()
    export(model, (torch.zeros(1, 3, 32, 32),), os.path.join(folder, "onnx", "model.onnx"),
           ["pixel_values"], ["logits"],
           {"pixel_values": IMAGE_AXES,
            "logits": {0: "batch_size", 1: "num_labels", 2: "height", 3: "width"}})
    config = {"_name_or_path": "hubbatch/" + name,
              "architectures": ["SegformerForSemanticSegmentation"], "model_type": "segformer",
              "num_channels": 3, "num_encoder_blocks": 1, "depths": [1], "hidden_sizes": [16],
              "num_attention_heads": [1], "sr_ratios": [2], "patch_sizes": [7], "strides": [4],
              "mlp_ratios": [4], "hidden_act": "gelu", "decoder_hidden_size": 32,
              "semantic_loss_ignore_index": 255, **labels_config(SEGFORMER_LABELS)}
    preprocessor = {"image_processor_type": "SegformerImageProcessor", "do_resize": True,
                    "size": {"height": 32, "width": 32}, "resample": BILINEAR,
                    "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
                    "image_mean": IMAGENET_DEFAULT_MEAN, "image_std": IMAGENET_DEFAULT_STD,
                    "do_reduce_labels": False}
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "preprocessor_config.json"), preprocessor)

    def run(image):
        with torch.no_grad():
            return {"logits": model(torch.from_numpy(preprocess(image, preprocessor)[None]))[0]}

    cases = []
    for sample in CASES[:2]:
        image = load_image(os.path.join(SAMPLES, sample))
        pixel_values = preprocess(image, preprocessor)
        logits = run(image)["logits"][0]
        cases.append({
            "image": sample, "original_size": [image.height, image.width],
            "pixel_values": fingerprint(pixel_values), "logits_shape": list(logits.shape),
            "logits": floats(logits),
            "pipeline": {"default": segment(logits, SEGFORMER_LABELS, image.height, image.width)}})
    js = transformers_js_case(load_image(os.path.join(SAMPLES, "jpeg-baseline.jpg")),
                              preprocessor, run)
    write_json(os.path.join(folder, "expected.json"),
               {"generated_by": generated_by(), "task": "image-segmentation", "cases": cases,
                "transformers_js": js})


CANDIDATES = [["cat", "dog", "car"], ["red flower", "tree", "bird", "house", "a photo"]]


def build_clip(out):
    torch.manual_seed(2004)
    name = "tiny-clip"
    folder = os.path.join(out, name)
    tokenizer, tokenizer_config, vocab, merges = clip_tokenizer()
    model = Clip(len(vocab)).eval()
    ids, mask = clip_encode(["this is a photo of a cat.", "a dog."], vocab, merges)
    ids, mask = torch.tensor(ids), torch.tensor(mask)
    pixels = torch.zeros(1, 3, 32, 32)
    text_axes = {0: "text_batch_size", 1: "sequence_length"}
    export(model, (ids, mask, pixels), os.path.join(folder, "onnx", "model.onnx"),
           ["input_ids", "attention_mask", "pixel_values"],
           ["logits_per_image", "logits_per_text", "text_embeds", "image_embeds"],
           {"input_ids": text_axes, "attention_mask": text_axes,
            "pixel_values": {0: "image_batch_size", 1: "num_channels", 2: "height", 3: "width"},
            "logits_per_image": {0: "image_batch_size", 1: "text_batch_size"},
            "logits_per_text": {0: "text_batch_size", 1: "image_batch_size"},
            "text_embeds": {0: "text_batch_size"}, "image_embeds": {0: "image_batch_size"}})
    export(TextTower(model), (ids, mask), os.path.join(folder, "onnx", "text_model.onnx"),
           ["input_ids", "attention_mask"], ["text_embeds", "last_hidden_state"],
           {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "sequence_length"},
            "text_embeds": {0: "batch_size"},
            "last_hidden_state": {0: "batch_size", 1: "sequence_length"}})
    export(VisionTower(model), (pixels,), os.path.join(folder, "onnx", "vision_model.onnx"),
           ["pixel_values"], ["image_embeds", "last_hidden_state"],
           {"pixel_values": IMAGE_AXES, "image_embeds": {0: "batch_size"},
            "last_hidden_state": {0: "batch_size"}})
    text_config = {"model_type": "clip_text_model", "vocab_size": len(vocab), "hidden_size": 32,
                   "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                   "max_position_embeddings": 16, "hidden_act": "quick_gelu",
                   "layer_norm_eps": 1e-5, "projection_dim": 16, "bos_token_id": vocab[BOS],
                   "eos_token_id": vocab[EOS], "pad_token_id": vocab[EOS]}
    vision_config = {"model_type": "clip_vision_model", "hidden_size": 32,
                     "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
                     "image_size": 32, "patch_size": 8, "num_channels": 3,
                     "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5, "projection_dim": 16}
    config = {"_name_or_path": "hubbatch/" + name, "architectures": ["CLIPModel"],
              "model_type": "clip", "projection_dim": 16, "logit_scale_init_value": 2.6592,
              "text_config": text_config, "vision_config": vision_config}
    preprocessor = {"image_processor_type": "CLIPImageProcessor", "do_resize": True,
                    "size": {"shortest_edge": 32}, "resample": BICUBIC, "do_center_crop": True,
                    "crop_size": {"height": 32, "width": 32}, "do_rescale": True,
                    "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": CLIP_MEAN,
                    "image_std": CLIP_STD, "do_convert_rgb": True,
                    "processor_class": "CLIPProcessor"}
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "preprocessor_config.json"), preprocessor)
    write_json(os.path.join(folder, "tokenizer.json"), tokenizer)
    write_json(os.path.join(folder, "tokenizer_config.json"), tokenizer_config)

    template = "This is a photo of {}."
    cases = []
    for sample, candidates in zip(CASES[:2], CANDIDATES):
        image = load_image(os.path.join(SAMPLES, sample))
        pixel_values = preprocess(image, preprocessor)
        texts = [template.format(c) for c in candidates]
        input_ids, attention_mask = clip_encode(texts, vocab, merges)
        with torch.no_grad():
            per_image, per_text, text_embeds, image_embeds = model(
                torch.tensor(input_ids), torch.tensor(attention_mask),
                torch.from_numpy(pixel_values[None]))
        cases.append({
            "image": sample, "original_size": [image.height, image.width],
            "pixel_values": fingerprint(pixel_values), "candidate_labels": candidates,
            "hypothesis_template": template, "sequences": texts, "input_ids": input_ids,
            "attention_mask": attention_mask, "logits_per_image": floats(per_image[0]),
            "text_embeds": [floats(t) for t in text_embeds],
            "image_embeds": floats(image_embeds[0]),
            "pipeline": {"default": zero_shot(per_image[0], candidates)}})

    texts = [template.format(c) for c in CANDIDATES[0]]
    input_ids, attention_mask = clip_encode(texts, vocab, merges)

    def run(image):
        with torch.no_grad():
            per_image, _, _, _ = model(torch.tensor(input_ids), torch.tensor(attention_mask),
                                       torch.from_numpy(preprocess(image, preprocessor)[None]))
        return {"logits_per_image": per_image}

    js = transformers_js_case(load_image(os.path.join(SAMPLES, "jpeg-baseline.jpg")),
                              preprocessor, run)
    js.update({"candidate_labels": CANDIDATES[0], "hypothesis_template": template,
               "input_ids": input_ids})
    write_json(os.path.join(folder, "expected.json"),
               {"generated_by": generated_by(), "task": "zero-shot-image-classification",
                "cases": cases, "transformers_js": js})


# Processor configurations beyond the models': the other families and legacy forms.
EXTRA_PROCESSORS = {
    "deit": {"image_processor_type": "DeiTImageProcessor", "size": {"height": 40, "width": 40},
             "crop_size": {"height": 32, "width": 32}, "do_center_crop": True, "resample": 3,
             "image_mean": IMAGENET_DEFAULT_MEAN, "image_std": IMAGENET_DEFAULT_STD},
    "beit": {"image_processor_type": "BeitImageProcessor", "size": {"height": 36, "width": 36},
             "crop_size": {"height": 30, "width": 30}, "do_center_crop": True, "resample": 3,
             "image_mean": IMAGENET_STANDARD, "image_std": IMAGENET_STANDARD},
    "vit-legacy-int-size": {"feature_extractor_type": "ViTFeatureExtractor", "size": 24,
                            "resample": 2, "image_mean": IMAGENET_STANDARD,
                            "image_std": IMAGENET_STANDARD},
    "clip-legacy-int-size": {"feature_extractor_type": "CLIPFeatureExtractor", "size": 24,
                             "crop_size": 20, "do_center_crop": True, "resample": 3},
    "clip-crop-larger-than-image": {"image_processor_type": "CLIPImageProcessor",
                                    "size": {"shortest_edge": 20},
                                    "crop_size": {"height": 24, "width": 40},
                                    "do_center_crop": True, "resample": 3},
    "convnext-warp-384": {"image_processor_type": "ConvNextImageProcessor",
                          "size": {"shortest_edge": 384}, "crop_pct": 0.875, "resample": 3},
    "detr-legacy-max-size": {"feature_extractor_type": "DetrFeatureExtractor", "size": 32,
                             "max_size": 40, "resample": 2, "do_pad": True},
    "yolos": {"image_processor_type": "YolosImageProcessor",
              "size": {"shortest_edge": 40, "longest_edge": 64}, "resample": 2, "do_pad": True},
    "lanczos-no-rescale": {"image_processor_type": "ViTImageProcessor",
                           "size": {"height": 20, "width": 28}, "resample": 1,
                           "do_rescale": False, "image_mean": [120.0, 110.0, 100.0],
                           "image_std": [60.0, 55.0, 50.0]},
}
PROCESSOR_IMAGES = ["jpeg-baseline.jpg", "png-rgb.png", "bmp-rgb.bmp", "jpeg-gray.jpg",
                    "jpeg-exif-orientation-6.jpg", "png-gray16.png"]
FULL_VALUES_UP_TO = 64 * 64


def processor_references(models, images_out):
    folder = os.path.join(images_out, "processed")
    os.makedirs(folder, exist_ok=True)
    configs = {}
    for name in ("tiny-vit-classifier", "tiny-convnext-classifier", "tiny-detr",
                 "tiny-segformer", "tiny-clip"):
        with open(os.path.join(models, name, "preprocessor_config.json"), encoding="utf-8") as f:
            configs[name] = json.load(f)
    configs.update(EXTRA_PROCESSORS)
    for name, config in configs.items():
        cases = []
        values = []
        offset = 0
        for sample in PROCESSOR_IMAGES:
            image = load_image(os.path.join(SAMPLES, sample))
            pixel_values = preprocess(image, config)
            case = {"image": sample, "original_size": [image.height, image.width],
                    **fingerprint(pixel_values)}
            if pixel_values[0].size <= FULL_VALUES_UP_TO:
                case["offset"] = offset
                values.append(pixel_values.reshape(-1))
                offset += pixel_values.size
            cases.append(case)
        write_json(os.path.join(folder, name + ".json"),
                   {"generated_by": generated_by(), "config": config, "cases": cases})
        if values:
            with gzip.GzipFile(os.path.join(folder, name + ".f32.gz"), "wb", mtime=0) as f:
                f.write(np.concatenate(values).astype("<f4").tobytes())
    print("wrote", len(configs), "processor references to", folder)


def main(models, images_out):
    os.makedirs(models, exist_ok=True)
    for build in (build_vit, build_convnext, build_detr, build_segformer, build_clip):
        build(models)
    processor_references(models, images_out)
    print("wrote the vision models to", models)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
