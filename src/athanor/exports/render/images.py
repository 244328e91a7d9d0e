"""Pictures checked and normalised before they enter a document."""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import replace

from PIL import Image as Pillow
from PIL import UnidentifiedImageError

from athanor.exports.render.document import Image

# Formats every writer (Typst, EPUB readers, Word) shows as they are; others become PNG.
_KEPT_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}
MAX_IMAGE_BYTES = 20 * 1024 * 1024
# A small file can unpack to a huge bitmap; beyond this a picture is refused, not decoded.
MAX_IMAGE_PIXELS = 40_000_000
_DATA_URI = re.compile(r"data:(image/[\w.+-]+)?(;[\w=.+-]+)*?;base64,(.*)", re.DOTALL | re.IGNORECASE)


def load_image(data: bytes, *, alt: str = "", name: str = "image") -> Image | None:
    """The picture as an Image, or None when it is not one that can be shown safely.

    SVG is refused on purpose: it is a document that can hold scripts and remote references.
    """
    if not data or len(data) > MAX_IMAGE_BYTES:
        return None
    try:
        with warnings.catch_warnings():
            # The pixel count is checked below, against a lower limit than Pillow's warning.
            warnings.simplefilter("ignore", Pillow.DecompressionBombWarning)
            with Pillow.open(io.BytesIO(data)) as picture:
                if picture.width * picture.height > MAX_IMAGE_PIXELS:
                    return None
                picture.load()
                media_type = _KEPT_FORMATS.get(picture.format or "")
                if media_type is None:
                    data, media_type = _as_png(picture), "image/png"
    except (UnidentifiedImageError, OSError, ValueError, Pillow.DecompressionBombError):
        return None
    return Image(data=data, media_type=media_type, alt=alt, name=name)


def _as_png(picture: Pillow.Image) -> bytes:
    output = io.BytesIO()
    converted = picture if picture.mode in {"RGB", "RGBA", "L", "LA"} else picture.convert("RGBA")
    converted.save(output, format="PNG")
    return output.getvalue()


def decode_data_uri(src: str) -> bytes | None:
    """The bytes of a base64 `data:image/...` URI, or None for anything else."""
    match = _DATA_URI.fullmatch(src.strip())
    if match is None:
        return None
    try:
        return base64.b64decode(re.sub(r"\s+", "", match.group(3)), validate=True)
    except (binascii.Error, ValueError):
        return None


ImageResolver = Callable[[str], Image | None]


class ImageSource:
    """Turns the `src` of a picture into an Image, once per distinct `src`.

    A data URI needs no resolver; anything else goes through the caller's resolver, and its
    answer is checked like any other picture.
    """

    def __init__(self, resolver: ImageResolver | None) -> None:
        self._resolver = resolver
        self._seen: dict[str, Image | None] = {}

    def load(self, src: str, alt: str) -> Image | None:
        if src not in self._seen:
            self._seen[src] = self._fetch(src)
        found = self._seen[src]
        return None if found is None else replace(found, alt=alt)

    def _fetch(self, src: str) -> Image | None:
        if src.lower().startswith("data:"):
            data = decode_data_uri(src)
            return None if data is None else load_image(data)
        resolved = self._resolver(src) if self._resolver is not None else None
        return None if resolved is None else load_image(resolved.data, name=resolved.name)
