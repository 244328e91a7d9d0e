"""Normalised Markdown (CommonMark with pipe tables) that `from_markdown` reads back.

Pictures travel inside as data URIs, so the file stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from athanor.exports.render.document import (
    Block,
    BlockQuote,
    Code,
    CodeBlock,
    Document,
    Emphasis,
    Heading,
    Image,
    ImageBlock,
    Inline,
    InlineImage,
    Inlines,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Rule,
    Strikethrough,
    Strong,
    Table,
    Text,
)
from athanor.exports.render.html import data_uri
from athanor.exports.render.layout import Layout
from athanor.exports.render.progress import Progress, each_chapter

_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&])")
# What would turn the start of a line into a list item, quote or heading underline.
_LINE_START = re.compile(r"^(\s*)(?:([-+=>])|(\d{1,9})([.)]))", re.MULTILINE)
_DELIMITERS = {Emphasis: "*", Strong: "**", Strikethrough: "~~"}
_RULER = {None: "---", "left": ":---", "center": ":---:", "right": "---:"}


def write_markdown(document: Document, layout: Layout, progress: Progress) -> bytes:
    parts = [_front_matter(document)]
    for _index, chapter in each_chapter(document, progress):
        if chapter.title:
            parts.append(f"# {_escaped(chapter.title)}")
        parts.extend(_block(block) for block in chapter.blocks)
    return ("\n\n".join(parts) + "\n").encode("utf-8")


def _front_matter(document: Document) -> str:
    fields = {
        "title": document.title,
        "author": document.author,
        "language": document.language,
        "subtitle": document.subtitle,
        "description": document.description,
        "cover": data_uri(document.cover) if document.cover else None,
    }
    lines = [f"{key}: {' '.join(value.split())}" for key, value in fields.items() if value]
    return "\n".join(["---", *lines, "---"])


def _escaped_inline(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join(text.split("\n")))


def _line_safe(markdown: str) -> str:
    """Escapes what would read as syntax at the start of each line."""
    return _LINE_START.sub(_escape_line_start, markdown)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker, number, delimiter = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\{delimiter}"


def _escaped(text: str) -> str:
    return _line_safe(_escaped_inline(text))


def _blocks(blocks: Sequence[Block], separator: str = "\n\n") -> str:
    return separator.join(_block(block) for block in blocks)


def _block(block: Block) -> str:
    match block:
        case Heading(level, inlines):
            return f"{'#' * min(max(level, 1), 6)} {_inlines(inlines)}"
        case Paragraph(inlines):
            return _paragraph(inlines)
        case ListBlock():
            return _list(block)
        case Table():
            return _table(block)
        case CodeBlock(text, language):
            fence = "`" * max(3, _longest_run(text, "`") + 1)
            return f"{fence}{language}\n{text}\n{fence}"
        case BlockQuote(blocks):
            return _prefixed(_blocks(blocks), "> ", "> ")
        case ImageBlock(image, caption):
            picture = _image(image)
            return picture if caption in {"", image.alt} else f"{picture}\n\n*{_escaped(caption)}*"
        case Rule():
            return "---"


def _paragraph(inlines: Inlines) -> str:
    # Lines begin at the paragraph's start and after each hard break.
    return _line_safe(_inlines(inlines))


def _list(listing: ListBlock) -> str:
    tight = all(len(item) <= 1 for item in listing.items)
    rendered = []
    for number, item in enumerate(listing.items, start=listing.start):
        marker = f"{number}. " if listing.ordered else "- "
        rendered.append(_prefixed(_blocks(item) or "", marker, " " * len(marker)))
    return ("\n" if tight else "\n\n").join(rendered)


def _prefixed(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0]] + [(rest + line) if line else rest.rstrip() for line in lines[1:]])


def _table(table: Table) -> str:
    columns = max(table.columns, 1)

    def row(cells: Sequence[Inlines]) -> str:
        texts = [_inlines(cell).replace("\\\n", " ") for cell in cells] + [""] * (columns - len(cells))
        return "| " + " | ".join(texts) + " |"

    # A pipe table needs a header row: an empty one when the table has none.
    header = [row(cells) for cells in table.header] or ["|" + " |" * columns]
    ruler = "| " + " | ".join(_RULER[table.alignment(column)] for column in range(columns)) + " |"
    return "\n".join([header[0], ruler, *header[1:], *(row(cells) for cells in table.body)])


def _inlines(inlines: Inlines) -> str:
    return "".join(_inline(inline) for inline in inlines)


def _inline(inline: Inline) -> str:
    match inline:
        case Text(text):
            return _escaped_inline(text)
        case Code(text):
            ticks = "`" * (_longest_run(text, "`") + 1)
            padding = " " if text.startswith("`") or text.endswith("`") else ""
            return f"{ticks}{padding}{text}{padding}{ticks}"
        case LineBreak():
            return "\\\n"
        case Link(href, children):
            return f"[{_inlines(children)}](<{href.replace('<', '%3C').replace('>', '%3E')}>)"
        case InlineImage(image):
            return _image(image)
        case Emphasis(children) | Strong(children) | Strikethrough(children):
            delimiter = _DELIMITERS[type(inline)]
            return f"{delimiter}{_inlines(children)}{delimiter}"


def _image(image: Image) -> str:
    return f"![{_escaped_inline(image.alt)}]({data_uri(image)})"


def _longest_run(text: str, character: str) -> int:
    return max((len(run) for run in re.findall(f"{re.escape(character)}+", text)), default=0)
