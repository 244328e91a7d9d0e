"""What a file is, from its first bytes: the client's Content-Type is never trusted."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

# Enough for every signature below, and for a fair guess that the content is text.
HEAD_BYTES = 8192

_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"\x1f\x8b", 0, "application/gzip"),
    (b"BM", 0, "image/bmp"),
    (b"ID3", 0, "audio/mpeg"),
    (b"OggS", 0, "audio/ogg"),
    (b"fLaC", 0, "audio/flac"),
    (b"\x00\x00\x01\x00", 0, "image/x-icon"),
    (b"7z\xbc\xaf\x27\x1c", 0, "application/x-7z-compressed"),
    (b"ftyp", 4, "video/mp4"),
)
_ZIP_KINDS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_TEXT_BY_EXTENSION = {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".csv": "text/csv",
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
}

OCTET_STREAM = "application/octet-stream"


def sniff(head: bytes, name: str) -> str:
    """The media type of content starting with `head`. The name's extension only tells
    kinds of text apart (Markdown from CSV), after the bytes have shown they are text."""
    for signature, offset, media_type in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"PK\x03\x04":
        return _zip_kind(head)
    if not _is_text(head):
        return OCTET_STREAM
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    if extension == ".json" or _looks_like_json(head):
        return "application/json"
    return _TEXT_BY_EXTENSION.get(extension, "text/plain")


def _zip_kind(head: bytes) -> str:
    # An EPUB's first entry is an uncompressed "mimetype" file naming it.
    if head[30:38] == b"mimetype" and b"application/epub+zip" in head[38:80]:
        return "application/epub+zip"
    try:
        names = set(zipfile.ZipFile(BytesIO(head)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        # Only the head is here: the central directory at the end usually is not.
        names = set()
    for member, media_type in _ZIP_KINDS.items():
        if member in names or member.encode() in head:
            return media_type
    return "application/zip"


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the head is still text.
        return error.start >= len(head) - 3
    return True


def _looks_like_json(head: bytes) -> bool:
    stripped = head.strip()
    if stripped[:1] not in (b"{", b"["):
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True
