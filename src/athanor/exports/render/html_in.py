"""HTML read into document blocks with the standard library's tolerant parser.

Scripts, styles and templates are dropped; tags this model has no use for keep their text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from athanor.exports.render.document import (
    Alignment,
    Block,
    BlockQuote,
    Code,
    CodeBlock,
    Emphasis,
    Heading,
    Image,
    ImageBlock,
    Inline,
    InlineImage,
    LineBreak,
    Link,
    ListBlock,
    Row,
    Rule,
    Strikethrough,
    Strong,
    Table,
    Text,
    paragraph_or_figure,
    safe_href,
)
from athanor.exports.render.images import ImageSource

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# The <title> is read apart, as the document's title.
_DROPPED = {"script", "style", "template", "noscript", "iframe", "object", "svg", "math", "title"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _HEADINGS | {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "header", "hr", "html", "li", "main", "nav", "ol",
    "p", "pre", "section", "summary", "table", "ul",
}  # fmt: skip
# Opening one of these closes the listed elements still open, as browsers do.
_CLOSES = {
    "li": {"li", "p"},
    "dt": {"dt", "dd", "p"},
    "dd": {"dt", "dd", "p"},
    "tr": {"tr", "td", "th", "p"},
    "td": {"td", "th", "p"},
    "th": {"td", "th", "p"},
}
_INLINE_CONTAINERS: dict[str, type[Emphasis | Strong | Strikethrough]] = {
    "em": Emphasis, "i": Emphasis, "cite": Emphasis, "dfn": Emphasis,
    "strong": Strong, "b": Strong,
    "del": Strikethrough, "s": Strikethrough, "strike": Strikethrough,
}  # fmt: skip
_CODE = {"code", "kbd", "samp", "tt"}
# Deeper nesting is flattened into its parent: no input can exhaust the recursion limit.
_MAX_DEPTH = 60
_SPACES = re.compile(r"\s+")


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def find(self, tag: str) -> Iterator[_Element]:
        for child in self.children:
            if isinstance(child, _Element):
                if child.tag == tag:
                    yield child
                yield from child.find(tag)


@dataclass(frozen=True)
class HtmlMetadata:
    title: str | None = None
    language: str | None = None
    author: str | None = None
    description: str | None = None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("root")
        self._stack = [self.root]
        self._dropping: list[str] = []
        self._title: list[str] = []
        self._in_title = False
        self.meta: dict[str, str] = {}
        self.language: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html" and values.get("lang"):
            self.language = values["lang"]
        if tag == "meta" and values.get("name") and values.get("content"):
            self.meta[values["name"].lower()] = values["content"]
        self._in_title = tag == "title"
        if self._dropping or tag in _DROPPED:
            if tag not in _VOID:
                self._dropping.append(tag)
            return
        self._close_implied(tag)
        element = _Element(tag, values)
        if len(self._stack) > _MAX_DEPTH:
            return
        self._stack[-1].children.append(element)
        if tag not in _VOID:
            self._stack.append(element)

    def _close_implied(self, tag: str) -> None:
        closes = _CLOSES.get(tag, {"p"} if tag in _BLOCKS else set())
        while len(self._stack) > 1 and self._stack[-1].tag in closes:
            self._stack.pop()

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False
        if self._dropping:
            if tag == self._dropping[-1]:
                self._dropping.pop()
            return
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        elif not self._dropping:
            self._stack[-1].children.append(data)

    @property
    def title(self) -> str | None:
        return _SPACES.sub(" ", "".join(self._title)).strip() or None


def html_blocks(html: str, images: ImageSource) -> tuple[list[Block], HtmlMetadata]:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    metadata = HtmlMetadata(
        title=builder.title,
        language=builder.language,
        author=builder.meta.get("author"),
        description=builder.meta.get("description"),
    )
    return _HtmlReader(images).blocks(builder.root), metadata


class _HtmlReader:
    def __init__(self, images: ImageSource) -> None:
        self._images = images

    def blocks(self, element: _Element) -> list[Block]:
        """The blocks of a container; loose text and inline tags between blocks become paragraphs."""
        blocks: list[Block] = []
        pending: list[Inline] = []
        for child in element.children:
            if isinstance(child, _Element) and child.tag in _BLOCKS:
                blocks.extend(_paragraphs(pending))
                pending = []
                blocks.extend(self._block(child))
            else:
                pending.extend(self._inline(child))
        blocks.extend(_paragraphs(pending))
        return blocks

    def _block(self, element: _Element) -> list[Block]:
        tag = element.tag
        if tag in _HEADINGS:
            return [Heading(int(tag[1]), _trimmed(self.inlines(element)))]
        if tag in {"ul", "ol"}:
            return [self._list(element)]
        if tag == "pre":
            return [_code_block(element)]
        if tag == "blockquote":
            return [BlockQuote(self.blocks(element))]
        if tag == "table":
            return [self._table(element)]
        if tag == "hr":
            return [Rule()]
        if tag == "figure":
            return self._figure(element)
        if tag == "p":
            return _paragraphs(self.inlines(element))
        return self.blocks(element)

    def _list(self, element: _Element) -> ListBlock:
        items = [self.blocks(child) for child in element.children if isinstance(child, _Element)]
        start = element.attrs.get("start", "1")
        return ListBlock(element.tag == "ol", items, int(start) if start.isdigit() else 1)

    def _figure(self, element: _Element) -> list[Block]:
        caption = " ".join(_SPACES.sub(" ", found.text()).strip() for found in element.find("figcaption"))
        pictures = [self._picture(found) for found in element.find("img")]
        figures: list[Block] = [
            ImageBlock(picture, caption or picture.alt) for picture in pictures if picture
        ]
        return figures or _paragraphs([Text(caption)])

    def _table(self, element: _Element) -> Table:
        header: list[Row] = []
        body: list[Row] = []
        alignments: list[Alignment | None] = []
        for row in element.find("tr"):
            cells = [cell for cell in row.children if isinstance(cell, _Element) and cell.tag in {"td", "th"}]
            if not alignments:
                alignments = [
                    Alignment.from_css(cell.attrs.get("align") or cell.attrs.get("style", ""))
                    for cell in cells
                ]
            # Header rows are those before the first row holding an ordinary cell.
            target = header if not body and all(cell.tag == "th" for cell in cells) else body
            target.append([_trimmed(self.inlines(cell)) for cell in cells])
        return Table(header, body, alignments)

    def inlines(self, element: _Element) -> list[Inline]:
        result: list[Inline] = []
        for child in element.children:
            result.extend(self._inline(child))
        return result

    def _inline(self, node: _Element | str) -> list[Inline]:
        if isinstance(node, str):
            return [Text(_SPACES.sub(" ", node))] if node else []
        tag = node.tag
        if tag in _INLINE_CONTAINERS:
            return [_INLINE_CONTAINERS[tag](self.inlines(node))]
        if tag in _CODE:
            return [Code(node.text())]
        if tag == "br":
            return [LineBreak()]
        if tag == "img":
            picture = self._picture(node)
            return [InlineImage(picture)] if picture else [Text(node.attrs.get("alt", ""))]
        if tag == "a":
            href = safe_href(node.attrs.get("href"))
            children = self.inlines(node)
            return [Link(href, children)] if href else children
        if tag in _BLOCKS:
            # A block inside an inline tag (<a><div>..</div></a>) keeps its words.
            return [Text(" "), *self.inlines(node), Text(" ")]
        return self.inlines(node)

    def _picture(self, element: _Element) -> Image | None:
        return self._images.load(element.attrs.get("src", ""), element.attrs.get("alt", ""))


def _code_block(element: _Element) -> CodeBlock:
    language = ""
    for code in element.find("code"):
        classes = code.attrs.get("class", "").split()
        language = next(
            (name.removeprefix("language-") for name in classes if name.startswith("language-")), ""
        )
        break
    return CodeBlock(element.text().removeprefix("\n").removesuffix("\n"), language)


def _paragraphs(inlines: list[Inline]) -> list[Block]:
    """Inline content as a paragraph, or nothing when it is only whitespace."""
    trimmed = _trimmed(inlines)
    return [paragraph_or_figure(trimmed)] if trimmed else []


def _trimmed(inlines: list[Inline]) -> list[Inline]:
    """Without the whitespace HTML's indentation leaves at either end."""
    start, end = 0, len(inlines)
    while start < end and _is_blank(inlines[start]):
        start += 1
    while end > start and _is_blank(inlines[end - 1]):
        end -= 1
    kept = inlines[start:end]
    if kept and isinstance(first := kept[0], Text):
        kept[0] = Text(first.text.lstrip())
    if kept and isinstance(last := kept[-1], Text):
        kept[-1] = Text(last.text.rstrip())
    return kept


def _is_blank(inline: Inline) -> bool:
    return isinstance(inline, Text) and not inline.text.strip()
