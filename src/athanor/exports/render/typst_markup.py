"""A document as Typst source.

User text reaches Typst only two ways: as markup with every character Typst gives a
meaning backslash-escaped (`markup_text`), or inside string literals (`string_literal`).
Every embedded expression ends with `;` so text after it cannot extend the call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from athanor.exports.render.document import (
    Block,
    BlockQuote,
    Chapter,
    Code,
    CodeBlock,
    Document,
    Emphasis,
    Heading,
    Image,
    ImageBlock,
    ImageFiles,
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
from athanor.exports.render.layout import HEADING_SCALE, Layout, PageNumberPosition, running_text
from athanor.exports.render.words import CONTENTS, word

# Markup syntax: escapes, code, math, emphasis, raw, labels, references, headings, lists,
# comments, content blocks, shorthands (~ -- ...), and `(` which could extend a call.
_MARKUP_SPECIAL = re.compile(r"([\\#$*_`<>@=\-+/\[\]{}~.:()])")
_WHITESPACE = re.compile(r"\s+")
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}
_WRAPPERS = {Emphasis: "emph", Strong: "strong", Strikethrough: "strike"}
_ALIGN = {"left": "left", "center": "center", "right": "right", None: "start"}


def markup_text(text: str) -> str:
    """Text shown literally in markup; line breaks become spaces (a blank line would
    start a paragraph)."""
    return _MARKUP_SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text))


def string_literal(text: str) -> str:
    return '"' + "".join(_STRING_ESCAPES.get(char, char) for char in text) + '"'


class TypstWriter:
    def __init__(self, document: Document, layout: Layout, images: ImageFiles) -> None:
        self._document = document
        self._layout = layout
        self._images = images

    def preamble(self) -> str:
        document, layout = self._document, self._layout
        width, height = layout.page_size.millimetres
        margins = layout.margins
        region = f", region: {string_literal(document.region)}" if document.region else ""
        authors = f", author: {string_literal(document.author)}" if document.author else ""
        headings = "\n".join(
            f"#show heading.where(level: {level}): set text(size: {scale}em)"
            for level, scale in enumerate(HEADING_SCALE, start=1)
        )
        leading = layout.line_height - 0.7  # Typst's leading runs from baseline to the next cap height
        text_height = height - margins.top - margins.bottom
        return f"""\
#set document(title: {string_literal(document.title)}{authors})
#set page(width: {width}mm, height: {height}mm, margin: (top: {margins.top}mm, bottom: {margins.bottom}mm, left: {margins.left}mm, right: {margins.right}mm))
#set text(font: {string_literal(layout.body_font)}, size: {layout.font_size}pt, lang: {string_literal(document.primary_language)}{region})
#set par(justify: {_boolean(layout.justify)}, leading: {leading:.2f}em, spacing: {leading + 0.45:.2f}em)
#let accent = rgb({string_literal(layout.accent_color)})
#show heading: set text(font: {string_literal(layout.heading_font)}, fill: accent)
#show heading: set block(above: 1.5em, below: 0.8em)
{headings}
#show raw: set text(font: {string_literal(layout.mono_font)}, size: 0.9em)
#show raw.where(block: true): block.with(fill: luma(245), inset: 8pt, radius: 3pt, width: 100%)
#show quote.where(block: true): it => block(stroke: (left: 2pt + accent), inset: (left: 1em, y: 0.2em), it.body)
#show link: set text(fill: accent)
#show outline.entry.where(level: 1): set text(weight: "bold")
// A figure at its natural size, shrunk to fit the column and most of the page's height.
#let fitted(path, alt) = layout(region => {{
  let natural = measure(image(path))
  let scale = calc.min(1, region.width / natural.width, {text_height * 0.85:.1f}mm / natural.height)
  image(path, alt: alt, width: natural.width * scale)
}})
"""

    def front_matter(self) -> str:
        document, layout = self._document, self._layout
        parts = []
        if layout.cover and document.cover is not None:
            picture = self._image_call(document.cover, 'width: 100%, height: 100%, fit: "contain"')
            parts.append(
                f"#page(margin: 0pt, header: none, footer: none)[#align(center + horizon, {picture});];"
            )
        if layout.title_page:
            parts.append(f"#page(header: none, footer: none)[{self._title_block()}];")
        if layout.toc:
            title = markup_text(word(CONTENTS, document))
            parts.append(f"#outline(title: [{title}], depth: {layout.toc_depth});")
        return "\n".join(parts)

    def _title_block(self) -> str:
        document = self._document
        lines = [
            f'#text(size: 2.4em, weight: "bold", font: {string_literal(self._layout.heading_font)}, fill: accent)'
            f"[{markup_text(document.title)}];"
        ]
        if document.subtitle:
            lines.append(f"#v(0.6em); #text(size: 1.3em)[{markup_text(document.subtitle)}];")
        if document.author:
            lines.append(f"#v(2.5em); #text(size: 1.15em)[{markup_text(document.author)}];")
        if document.description:
            lines.append(f"#v(2em); #block(width: 80%)[{markup_text(document.description)}];")
        return f"#align(center + horizon)[#set par(justify: false); {' '.join(lines)}];"

    def running_heads(self) -> str:
        """Header and footer of the body pages; the count starts again at its first page."""
        document, layout = self._document, self._layout
        number = "#context counter(page).display();" if layout.page_numbers else ""
        header = [markup_text(running_text(layout.header_text, document)), "", ""]
        footer = [markup_text(running_text(layout.footer_text, document)), "", ""]
        position = layout.page_number_position
        target = header if position.in_header else footer
        target[1 if position is PageNumberPosition.FOOTER_CENTER else 2] = number
        return (
            f"#set page(header: {_running_line(header)}, footer: {_running_line(footer)})\n"
            "#counter(page).update(1)"
        )

    def chapter(self, chapter: Chapter) -> str:
        parts = []
        if self._layout.chapter_page_breaks:
            parts.append("#pagebreak(weak: true);")
        if chapter.title:
            parts.append(f"#heading(level: 1)[{markup_text(chapter.title)}];")
        parts.append(self.blocks(chapter.blocks))
        return "\n\n".join(parts)

    def blocks(self, blocks: Sequence[Block]) -> str:
        return "\n\n".join(self._block(block) for block in blocks)

    def _block(self, block: Block) -> str:
        match block:
            case Heading(level, inlines):
                return f"#heading(level: {min(max(level, 1), 6)})[{self.inlines(inlines)}];"
            case Paragraph(inlines):
                return self.inlines(inlines)
            case ListBlock(ordered, items, start):
                entries = ", ".join(f"[{self.blocks(item)}]" for item in items)
                call = f"enum(start: {start}, " if ordered else "list("
                return f"#{call}{entries});"
            case Table():
                return self._table(block)
            case CodeBlock(text, language):
                return f"#raw({string_literal(text)}, block: true, lang: {string_literal(language) if language else 'none'});"
            case BlockQuote(blocks):
                return f"#quote(block: true)[{self.blocks(blocks)}];"
            case ImageBlock(image, caption):
                figure_caption = f", caption: [{markup_text(caption)}]" if caption else ""
                picture = f"fitted({self._image_path(image)}, {string_literal(image.alt)})"
                return f"#figure({picture}{figure_caption});"
            case Rule():
                return "#line(length: 100%, stroke: 0.5pt + luma(160));"

    def _table(self, table: Table) -> str:
        columns = max(table.columns, 1)

        def cells(row: Sequence[Inlines]) -> list[str]:
            return [f"[{self.inlines(cell)}]" for cell in row] + ["[]"] * (columns - len(row))

        alignments = ", ".join(_ALIGN[table.alignment(column)] for column in range(columns))
        header = [cell for row in table.header for cell in cells(row)]
        body = [cell for row in table.body for cell in cells(row)]
        arguments = [
            f"columns: {columns}",
            f"align: ({alignments},)",
            "stroke: 0.5pt + luma(180)",
            f"fill: (_, y) => if y < {len(table.header)} {{ luma(235) }}",
        ]
        if header:
            arguments.append(f"table.header({', '.join(header)})")
        return f"#table({', '.join(arguments + body)});"

    def inlines(self, inlines: Inlines) -> str:
        return "".join(self._inline(inline) for inline in inlines)

    def _inline(self, inline: Inline) -> str:
        match inline:
            case Text(text):
                return markup_text(text)
            case Code(text):
                return f"#raw({string_literal(text)});"
            case LineBreak():
                return "#linebreak();"
            case Link(href, children):
                return f"#link({string_literal(href)})[{self.inlines(children)}];"
            case InlineImage(image):
                # An inline picture sits in a line of text: it takes the height of the text.
                return f"#box({self._image_call(image, 'height: 1.2em')});"
            case Emphasis(children) | Strong(children) | Strikethrough(children):
                return f"#{_WRAPPERS[type(inline)]}[{self.inlines(children)}];"

    def _image_call(self, image: Image, size: str) -> str:
        return f"image({self._image_path(image)}, alt: {string_literal(image.alt)}, {size})"

    def _image_path(self, image: Image) -> str:
        return string_literal("/" + self._images.name(image))


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _running_line(cells: list[str]) -> str:
    if not any(cells):
        return "none"
    content = ", ".join(f"[{cell}]" for cell in cells)
    return (
        "{ set text(size: 0.8em, fill: luma(90)); "
        f"grid(columns: (1fr, auto, 1fr), align: (start, center, end), {content}) }}"
    )
