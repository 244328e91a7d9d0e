"""Previews, made in the background once per blob: a PNG thumbnail of an image or of a
PDF's first page, or the opening of a text (JSON pretty-printed)."""

from __future__ import annotations

import asyncio
import io
import json
from dataclasses import dataclass

from PIL import Image

from athanor.storage.backends import Backend
from athanor.storage.backends.base import read_all, write_bytes
from athanor.storage.models import Blob, PreviewStatus

THUMBNAIL_PIXELS = 480
TEXT_PREVIEW_BYTES = 4096
# Larger sources are not previewed: a preview must stay cheap to make.
MAX_SOURCE_BYTES = 64 * 1024 * 1024
_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
_TEXT_TYPES = frozenset({"application/json", "application/xml", "application/yaml", "image/svg+xml"})


@dataclass(frozen=True, slots=True)
class Preview:
    status: PreviewStatus
    png: bytes | None = None
    text: str | None = None


def preview_key(blob: Blob) -> str:
    return f"{blob.storage_key}.preview.png"


def _thumbnail(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)  # the first frame of an animation
        image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
        converted = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
        output = io.BytesIO()
        converted.save(output, format="PNG", optimize=True)
        return output.getvalue()


def _pdf_first_page(data: bytes) -> bytes:
    from athanor.exports.render.preview import pdf_pages_to_png

    return _thumbnail(pdf_pages_to_png(data, pages=1, width=THUMBNAIL_PIXELS * 2)[0])


def _text(data: bytes, content_type: str) -> str:
    text = data[:TEXT_PREVIEW_BYTES].decode("utf-8", errors="replace")
    if content_type == "application/json" and len(data) <= TEXT_PREVIEW_BYTES:
        try:
            return json.dumps(json.loads(data), indent=2, ensure_ascii=False)
        except ValueError:
            return text
    return text


def is_previewable(content_type: str) -> bool:
    return (
        content_type in _IMAGE_TYPES
        or content_type == "application/pdf"
        or content_type.startswith("text/")
        or content_type in _TEXT_TYPES
    )


async def make(backend: Backend, blob: Blob) -> Preview:
    """The preview of a blob's content; FAILED for content that does not decode."""
    kind = blob.content_type
    if not is_previewable(kind) or blob.size > MAX_SOURCE_BYTES:
        return Preview(PreviewStatus.NONE)
    if kind.startswith("text/") or kind in _TEXT_TYPES:
        head = await read_all(backend, blob.storage_key, TEXT_PREVIEW_BYTES + 1)
        return Preview(PreviewStatus.READY, text=_text(head, kind))
    data = await read_all(backend, blob.storage_key)
    render = _pdf_first_page if kind == "application/pdf" else _thumbnail
    try:
        png = await asyncio.to_thread(render, data)
    except Exception:  # noqa: BLE001 - decoders fail in many ways on bad bytes: no preview, not a crash
        return Preview(PreviewStatus.FAILED)
    return Preview(PreviewStatus.READY, png=png)


async def store(backend: Backend, blob: Blob, preview: Preview) -> None:
    """Save the preview's PNG and note it (and its status) on the blob."""
    if preview.png is not None:
        key = preview_key(blob)

        await write_bytes(backend, key, preview.png)
        blob.preview_key = key
    blob.preview_text = preview.text
    blob.preview_status = preview.status
