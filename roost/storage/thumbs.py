"""Thumbnails as PocketBase makes them: one pure function from image bytes and a size to image bytes.

Sizes (`tools/filesystem.CreateThumb`):
    WxH   resize and crop to WxH from the center     0xH  height H, width keeps the ratio
    WxHt  ... cropping from the top                  Wx0  width W, height keeps the ratio
    WxHb  ... cropping from the bottom               WxHf fit inside WxH, never enlarged
Only the first frame of animations is used and EXIF orientation is applied. JPEG and GIF
originals keep their format; PNG and WebP give PNG.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

SIZE_RE = re.compile(r"^(\d+)x(\d+)([tbf])?$")

_FORMATS = {"JPEG": ("JPEG", "image/jpeg"), "GIF": ("GIF", "image/gif")}
_PNG = ("PNG", "image/png")


class ThumbError(ValueError):
    """The size is malformed or the image cannot be decoded; callers serve the original."""


@dataclass(frozen=True, slots=True)
class ThumbSize:
    width: int
    height: int
    mode: str  # "" (center crop), "t", "b" or "f"

    @classmethod
    def parse(cls, spec: str) -> ThumbSize:
        m = SIZE_RE.match(spec)
        if m is None:
            raise ThumbError("thumb size must be in WxH, WxHt, WxHb or WxHf format")
        width, height = int(m.group(1)), int(m.group(2))
        if width == 0 and height == 0:
            raise ThumbError("thumb width and height cannot be zero at the same time")
        return cls(width, height, m.group(3) or "")


def make_thumb(data: bytes, spec: str) -> tuple[bytes, str]:
    """(thumbnail bytes, content type) for an image and a size such as `100x100` or `0x40`."""
    from PIL import Image as pil  # Pillow is only needed once a thumbnail is asked for
    from PIL import ImageOps

    size = ThumbSize.parse(spec)
    try:
        with pil.open(io.BytesIO(data)) as src:
            src.seek(0)
            fmt, ctype = _FORMATS.get(src.format or "", _PNG)
            img = ImageOps.exif_transpose(src).convert("RGBA")
            out = _resize(img, size)
            return _encode(out, fmt), ctype
    except (OSError, ValueError, SyntaxError, pil.DecompressionBombError) as exc:
        raise ThumbError(f"cannot make a thumbnail: {exc}") from exc


def _resize(img: Image, size: ThumbSize) -> Image:
    from PIL import Image as pil
    from PIL import ImageOps

    w, h = img.size
    linear = pil.Resampling.BILINEAR
    if size.width == 0 or size.height == 0:
        # keep the aspect ratio, rounding the free side as imaging.Resize does
        width = size.width or max(1, int(size.height * w / h + 0.5))
        height = size.height or max(1, int(size.width * h / w + 0.5))
        return img.resize((width, height), linear)
    if size.mode == "f":
        if w <= size.width and h <= size.height:
            return img  # fit never enlarges
        if w / h > size.width / size.height:
            width, height = size.width, int(size.width / (w / h))
        else:
            width, height = int(size.height * (w / h)), size.height
        return img.resize((max(width, 1), max(height, 1)), linear)
    centering = {"t": (0.5, 0.0), "b": (0.5, 1.0)}.get(size.mode, (0.5, 0.5))
    return ImageOps.fit(img, (size.width, size.height), linear, centering=centering)


def _encode(img: Image, fmt: str) -> bytes:
    lowest_alpha, _ = img.getchannel("A").getextrema()
    opaque = lowest_alpha == 255  # like Go's PNG encoder, drop an alpha channel nobody uses
    buf = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(buf, "JPEG", quality=95)
    else:
        (img.convert("RGB") if opaque else img).save(buf, fmt)
    return buf.getvalue()
