"""Markdown and HTML turned into a Document, split into chapters at level-1 headings."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from athanor.core.i18n import _, normalize_locale, translate
from athanor.exports.render.document import Block, Chapter, Document, DocumentError, Heading, plain_text
from athanor.exports.render.html_in import html_blocks
from athanor.exports.render.images import ImageResolver, ImageSource
from athanor.exports.render.markdown_in import markdown_blocks

# About a 2,000-page book; the caller may lower it (per plan) or raise it.
DEFAULT_MAX_CHARS = 5_000_000
_FRONT_MATTER_KEYS = {"title", "author", "language", "lang", "subtitle", "description", "cover"}
_FRONT_MATTER_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*(.*)")
_FRONT_MATTER_MAX_LINES = 50


def from_markdown(
    text: str,
    *,
    title: str | None = None,
    images: ImageResolver | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Document:
    """A Document from Markdown, with an optional `---` front matter of `key: value` lines
    (title, author, language, subtitle, description, and cover: a picture's path)."""
    _check_size(text, max_chars)
    metadata, body = split_front_matter(text)
    pictures = ImageSource(images)
    return _assemble(markdown_blocks(body, pictures), metadata, title, pictures)


def from_html(
    html: str,
    *,
    title: str | None = None,
    images: ImageResolver | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Document:
    """A Document from HTML; `<title>`, `<html lang>` and author/description `<meta>` tags
    fill the metadata."""
    _check_size(html, max_chars)
    pictures = ImageSource(images)
    blocks, found = html_blocks(html, pictures)
    metadata = {
        key: value
        for key, value in {
            "title": found.title,
            "language": found.language,
            "author": found.author,
            "description": found.description,
        }.items()
        if value
    }
    return _assemble(blocks, metadata, title, pictures)


def _check_size(text: str, max_chars: int) -> None:
    if len(text) > max_chars:
        raise DocumentError(
            "export.document_too_large",
            _("The document is longer than {limit} characters."),
            limit=max_chars,
        )


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """The metadata of a leading `---` block and the text after it.

    A block with any line that is not `key: value` is not front matter (it may be a rule
    followed by a heading underline), so it is left to the Markdown.
    """
    lines = text.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    metadata: dict[str, str] = {}
    for index, line in enumerate(lines[1 : _FRONT_MATTER_MAX_LINES + 1], start=1):
        stripped = line.strip()
        if stripped in {"---", "..."}:
            return metadata, "\n".join(lines[index + 1 :])
        if stripped.startswith("#") or not stripped:
            continue
        match = _FRONT_MATTER_LINE.fullmatch(stripped)
        if match is None:
            return {}, text
        key = match.group(1).lower()
        if key in _FRONT_MATTER_KEYS:
            metadata["language" if key == "lang" else key] = _unquoted(match.group(2).strip())
    return {}, text


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _assemble(
    blocks: Sequence[Block], metadata: Mapping[str, str], title: str | None, pictures: ImageSource
) -> Document:
    chapters = split_chapters(blocks)
    if not any(chapter.title or chapter.blocks for chapter in chapters):
        raise DocumentError("export.document_empty", _("The document has no content."))
    language = metadata.get("language") or "en"
    first_heading = next((chapter.title for chapter in chapters if chapter.title), None)
    document_title = metadata.get("title") or title or first_heading or _untitled(language)
    cover = metadata.get("cover")
    return Document(
        title=document_title,
        author=metadata.get("author", ""),
        language=language,
        subtitle=metadata.get("subtitle") or None,
        description=metadata.get("description") or None,
        chapters=chapters,
        cover=pictures.load(cover, document_title) if cover else None,
    )


def _untitled(language: str) -> str:
    return translate(_("Untitled"), normalize_locale(language) or "en")


def split_chapters(blocks: Sequence[Block]) -> list[Chapter]:
    """One chapter per level-1 heading; what precedes the first is an untitled opening
    chapter, kept only when it holds something."""
    chapters: list[Chapter] = []
    title: str | None = None
    current: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading) and block.level == 1:
            if title is not None or current:
                chapters.append(Chapter(title or "", current))
            title, current = plain_text(block.inlines).strip(), []
        else:
            current.append(block)
    if title is not None or current:
        chapters.append(Chapter(title or "", current))
    return chapters
