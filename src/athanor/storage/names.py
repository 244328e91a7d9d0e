"""File paths as people give them, made safe: no traversal, no control characters.

A path is folders and a name joined by "/". It is only ever a label in the database
(bytes live under keys the platform chooses), but it is shown, sent in headers and used
as a download name, so it is kept clean and bounded.
"""

from __future__ import annotations

import re
import unicodedata

from athanor.storage.exceptions import InvalidPath

MAX_PATH = 1024
MAX_SEGMENT = 255
# C0 and C1 controls, DEL, and the characters Windows refuses in names.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"\\|?*]')
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def clean_segment(segment: str) -> str:
    """One folder or file name, normalised; "" when nothing safe is left."""
    segment = unicodedata.normalize("NFC", segment)
    segment = _BIDI_CONTROLS.sub("", _UNSAFE.sub("_", segment)).strip().rstrip(".")
    return "" if segment in {"", ".", ".."} else segment[:MAX_SEGMENT]


def clean_path(path: str) -> str:
    """A file path: backslashes are separators, and "..", "." and empty segments are
    dropped, so no path can climb out of its bucket."""
    segments = [clean_segment(part) for part in path.replace("\\", "/").split("/")]
    cleaned = "/".join(part for part in segments if part)
    if not cleaned:
        raise InvalidPath(params={"path": path[:100]})
    if len(cleaned) > MAX_PATH:
        raise InvalidPath(params={"path": path[:100]})
    return cleaned


def clean_folder(prefix: str) -> str:
    """A folder prefix for listing: "" (the root) or a clean path ending in "/"."""
    stripped = prefix.strip().strip("/")
    return clean_path(stripped) + "/" if stripped else ""


def name_of(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def content_disposition(name: str, *, inline: bool) -> str:
    """A header value any browser reads: an ASCII fallback and the UTF-8 name."""
    from urllib.parse import quote

    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
