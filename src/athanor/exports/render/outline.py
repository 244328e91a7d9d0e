"""The table of contents of formats that build their own (HTML, EPUB): entries and anchors."""

from __future__ import annotations

from dataclasses import dataclass, field

from athanor.exports.render.document import Document, Heading, plain_text


def chapter_anchor(chapter: int) -> str:
    return f"ch{chapter + 1}"


def heading_anchor(chapter: int, heading: int) -> str:
    """The id of the chapter's `heading`-th top-level heading (both counted from 0)."""
    return f"ch{chapter + 1}-s{heading + 1}"


@dataclass
class OutlineEntry:
    title: str
    chapter: int
    anchor: str
    children: list[OutlineEntry] = field(default_factory=list)


def outline(document: Document, depth: int) -> list[OutlineEntry]:
    """Titled chapters and their headings down to `depth` (1 = chapters only), nested by level.

    A document without any title still gets one entry, so a contents list is never empty.
    """
    flat: list[tuple[int, OutlineEntry]] = []
    for index, chapter in enumerate(document.chapters):
        if chapter.title:
            flat.append((1, OutlineEntry(chapter.title, index, chapter_anchor(index))))
        headings = (block for block in chapter.blocks if isinstance(block, Heading))
        for number, heading in enumerate(headings):
            title = plain_text(heading.inlines).strip()
            if 1 < heading.level <= depth and title:
                flat.append((heading.level, OutlineEntry(title, index, heading_anchor(index, number))))
    if not flat:
        return [OutlineEntry(document.title, 0, chapter_anchor(0))]
    return _nested(flat)


def _nested(flat: list[tuple[int, OutlineEntry]]) -> list[OutlineEntry]:
    roots: list[OutlineEntry] = []
    open_entries: list[tuple[int, OutlineEntry]] = []
    for level, entry in flat:
        while open_entries and open_entries[-1][0] >= level:
            open_entries.pop()
        (open_entries[-1][1].children if open_entries else roots).append(entry)
        open_entries.append((level, entry))
    return roots
