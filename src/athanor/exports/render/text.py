"""Plain text wrapped for reading in a terminal or an e-mail."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from athanor.exports.render.document import (
    Alignment,
    Block,
    BlockQuote,
    CodeBlock,
    Document,
    Heading,
    ImageBlock,
    Inline,
    Inlines,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Rule,
    Table,
    plain_text,
)
from athanor.exports.render.layout import Layout
from athanor.exports.render.progress import Progress, each_chapter

WIDTH = 78
# Underlines of the title, chapter and section headings.
_UNDERLINES = {0: "=", 1: "=", 2: "-"}
_JUSTIFY = {Alignment.RIGHT: str.rjust, Alignment.CENTER: str.center}


def write_text(document: Document, layout: Layout, progress: Progress) -> bytes:
    parts = [_underlined(document.title, 0)]
    parts += [line for line in (document.subtitle, document.author) if line]
    for _index, chapter in each_chapter(document, progress):
        if chapter.title:
            parts.append("\n" + _underlined(chapter.title, 1))
        parts.extend(_block(block, WIDTH) for block in chapter.blocks)
    return ("\n\n".join(parts) + "\n").encode("utf-8")


def _underlined(title: str, level: int) -> str:
    line = " ".join(title.split())
    underline = _UNDERLINES.get(level)
    return f"{line}\n{underline * len(line)}" if underline else line


def _block(block: Block, width: int) -> str:
    match block:
        case Heading(level, inlines):
            return _underlined(_words(inlines), level)
        case Paragraph(inlines):
            return _wrapped(inlines, width)
        case ListBlock(ordered, items, start):
            rendered = []
            for number, item in enumerate(items, start=start):
                marker = f"{number}. " if ordered else "* "
                body = _blocks(item, width - len(marker))
                rendered.append(_indented(body, marker, " " * len(marker)))
            return "\n".join(rendered)
        case Table():
            return _table(block)
        case CodeBlock(text):
            return _indented(text, "    ", "    ")
        case BlockQuote(blocks):
            return _indented(_blocks(blocks, width - 2), "> ", "> ")
        case ImageBlock(image, caption):
            return f"[{caption or image.alt}]" if caption or image.alt else ""
        case Rule():
            return "* * *".center(width).rstrip()


def _blocks(blocks: Sequence[Block], width: int) -> str:
    return "\n\n".join(_block(block, width) for block in blocks)


def _indented(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *((rest + line).rstrip() for line in lines[1:])])


def _wrapped(inlines: Inlines, width: int) -> str:
    """Wrapped at spaces only: URLs and long words stay whole. A hard break starts a new line."""
    lines: list[list[Inline]] = [[]]
    for inline in inlines:
        if isinstance(inline, LineBreak):
            lines.append([])
        else:
            lines[-1].append(inline)
    return "\n".join(
        textwrap.fill(_words(line), width, break_long_words=False, break_on_hyphens=False) for line in lines
    )


def _words(inlines: Inlines) -> str:
    """The text, with each link's address after its words when they differ."""
    parts = []
    for inline in inlines:
        if isinstance(inline, Link):
            words = plain_text(inline.children)
            parts.append(words if words == inline.href else f"{words} <{inline.href}>")
        else:
            parts.append(plain_text([inline]))
    return " ".join("".join(parts).split())


def _table(table: Table) -> str:
    rows = [[_words(cell) for cell in row] for row in (*table.header, *table.body)]
    columns = max(table.columns, 1)
    rows = [row + [""] * (columns - len(row)) for row in rows]
    widths = [max((len(row[column]) for row in rows), default=0) for column in range(columns)]

    def line(row: list[str]) -> str:
        cells = []
        for column, text in enumerate(row):
            align = table.alignment(column)
            justify = _JUSTIFY.get(align, str.ljust) if align is not None else str.ljust
            cells.append(justify(text, widths[column]))
        return "  ".join(cells).rstrip()

    rendered = [line(row) for row in rows]
    if table.header:
        rendered.insert(len(table.header), "  ".join("-" * width for width in widths))
    return "\n".join(rendered)
