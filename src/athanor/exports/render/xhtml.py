"""Chapters as XHTML fragments, shared by the HTML file and the EPUB's chapter files.

Every piece of user text goes through `escape`; the markup is well-formed XML so EPUB
readers accept it and browsers read it as HTML5.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

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
from athanor.exports.render.outline import OutlineEntry, chapter_anchor, heading_anchor

ImageSrc = Callable[[Image], str]
_WRAPPERS = {Emphasis: "em", Strong: "strong", Strikethrough: "del"}


class XhtmlWriter:
    def __init__(self, image_src: ImageSrc, *, section_attributes: str = "") -> None:
        self._image_src = image_src
        self._section_attributes = section_attributes

    def chapter(self, chapter: Chapter, index: int) -> str:
        parts = [f'<section class="chapter" id="{chapter_anchor(index)}"{self._section_attributes}>']
        if chapter.title:
            parts.append(f"<h1>{escape(chapter.title)}</h1>")
        headings = 0
        for block in chapter.blocks:
            if isinstance(block, Heading):
                parts.append(self._heading(block, heading_anchor(index, headings)))
                headings += 1
            else:
                parts.append(self.block(block))
        parts.append("</section>")
        return "\n".join(parts)

    def blocks(self, blocks: Sequence[Block]) -> str:
        return "\n".join(self.block(block) for block in blocks)

    def block(self, block: Block) -> str:
        match block:
            case Heading():
                return self._heading(block, None)
            case Paragraph(inlines):
                return f"<p>{self.inlines(inlines)}</p>"
            case ListBlock(ordered, items, start):
                tag = "ol" if ordered else "ul"
                first = f' start="{start}"' if ordered and start != 1 else ""
                entries = "".join(f"<li>{self.blocks(item)}</li>" for item in items)
                return f"<{tag}{first}>{entries}</{tag}>"
            case Table():
                return self._table(block)
            case CodeBlock(text, language):
                kind = f' class="language-{escape(language)}"' if language else ""
                return f"<pre><code{kind}>{escape(text)}</code></pre>"
            case BlockQuote(blocks):
                return f"<blockquote>{self.blocks(blocks)}</blockquote>"
            case ImageBlock(image, caption):
                figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
                return f"<figure>{self.image(image)}{figcaption}</figure>"
            case Rule():
                return "<hr/>"

    def _heading(self, heading: Heading, anchor: str | None) -> str:
        level = min(max(heading.level, 1), 6)
        ident = f' id="{anchor}"' if anchor else ""
        return f"<h{level}{ident}>{self.inlines(heading.inlines)}</h{level}>"

    def _table(self, table: Table) -> str:
        def row(cells: Sequence[Inlines], tag: str) -> str:
            rendered = []
            for column, cell in enumerate(cells):
                alignment = table.alignment(column)
                kind = f' class="align-{alignment}"' if alignment else ""
                rendered.append(f"<{tag}{kind}>{self.inlines(cell)}</{tag}>")
            return f"<tr>{''.join(rendered)}</tr>"

        head = "".join(row(cells, "th") for cells in table.header)
        body = "".join(row(cells, "td") for cells in table.body)
        return (f"<table><thead>{head}</thead>" if head else "<table>") + f"<tbody>{body}</tbody></table>"

    def inlines(self, inlines: Inlines) -> str:
        return "".join(self._inline(inline) for inline in inlines)

    def _inline(self, inline: Inline) -> str:
        match inline:
            case Text(text):
                return escape(text)
            case Code(text):
                return f"<code>{escape(text)}</code>"
            case LineBreak():
                return "<br/>"
            case Link(href, children):
                return f'<a href="{escape(href)}">{self.inlines(children)}</a>'
            case InlineImage(image):
                return self.image(image)
            case Emphasis(children) | Strong(children) | Strikethrough(children):
                tag = _WRAPPERS[type(inline)]
                return f"<{tag}>{self.inlines(children)}</{tag}>"

    def image(self, image: Image) -> str:
        return f'<img src="{escape(self._image_src(image))}" alt="{escape(image.alt)}"/>'


def title_page(document: Document) -> str:
    lines = [f'<p class="title">{escape(document.title)}</p>']
    if document.subtitle:
        lines.append(f'<p class="subtitle">{escape(document.subtitle)}</p>')
    if document.author:
        lines.append(f'<p class="author">{escape(document.author)}</p>')
    if document.description:
        lines.append(f'<p class="description">{escape(document.description)}</p>')
    return "\n".join(lines)


def contents_list(entries: Sequence[OutlineEntry], href: Callable[[OutlineEntry], str]) -> str:
    """Nested `<ol>` of links, as a nav document requires."""
    items = []
    for entry in entries:
        children = contents_list(entry.children, href) if entry.children else ""
        items.append(f'<li><a href="{escape(href(entry))}">{escape(entry.title)}</a>{children}</li>')
    return f"<ol>{''.join(items)}</ol>"
