"""Markdown (CommonMark with tables and strikethrough) read into document blocks."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from athanor.exports.render.document import (
    Alignment,
    Block,
    BlockQuote,
    Code,
    CodeBlock,
    Emphasis,
    Heading,
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

# Raw HTML stays off: a tag in Markdown is shown as the text it is, never passed through.
_PARSER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_CONTAINERS: dict[str, type[Emphasis | Strong | Strikethrough]] = {
    "em": Emphasis,
    "strong": Strong,
    "s": Strikethrough,
}


def markdown_blocks(text: str, images: ImageSource) -> list[Block]:
    return _MarkdownReader(images).blocks(SyntaxTreeNode(_PARSER.parse(text)).children)


class _MarkdownReader:
    def __init__(self, images: ImageSource) -> None:
        self._images = images

    def blocks(self, nodes: list[SyntaxTreeNode]) -> list[Block]:
        return [block for node in nodes if (block := self._block(node)) is not None]

    def _block(self, node: SyntaxTreeNode) -> Block | None:
        match node.type:
            case "heading":
                return Heading(int(node.tag[1:]), self._inline_children(node))
            case "paragraph":
                return paragraph_or_figure(self._inline_children(node))
            case "bullet_list" | "ordered_list":
                start = node.attrs.get("start", 1)
                items = [self.blocks(item.children) for item in node.children]
                return ListBlock(node.type == "ordered_list", items, int(start))
            case "blockquote":
                return BlockQuote(self.blocks(node.children))
            case "fence" | "code_block":
                language = node.info.split(maxsplit=1)[0] if node.info.strip() else ""
                return CodeBlock(node.content.removesuffix("\n"), language)
            case "table":
                return self._table(node)
            case "hr":
                return Rule()
        return None

    def _inline_children(self, node: SyntaxTreeNode) -> list[Inline]:
        inline = node.children[0] if node.children else None
        return self.inlines(inline.children) if inline is not None else []

    def inlines(self, nodes: list[SyntaxTreeNode]) -> list[Inline]:
        result: list[Inline] = []
        for node in nodes:
            result.extend(self._inline(node))
        return result

    def _inline(self, node: SyntaxTreeNode) -> list[Inline]:
        match node.type:
            case "text":
                return [Text(node.content)]
            case "softbreak":
                return [Text(" ")]
            case "hardbreak":
                return [LineBreak()]
            case "code_inline":
                return [Code(node.content)]
            case "em" | "strong" | "s":
                return [_CONTAINERS[node.type](self.inlines(node.children))]
            case "link":
                children = self.inlines(node.children)
                href = safe_href(str(node.attrs.get("href", "")))
                return [Link(href, children)] if href else children
            case "image":
                alt = _text_of(node)
                image = self._images.load(str(node.attrs.get("src", "")), alt)
                return [InlineImage(image)] if image is not None else [Text(alt)]
        return [Text(node.content)] if node.content else self.inlines(node.children)

    def _table(self, node: SyntaxTreeNode) -> Table:
        sections = {section.type: section.children for section in node.children}
        header = [self._row(row) for row in sections.get("thead", [])]
        body = [self._row(row) for row in sections.get("tbody", [])]
        first = sections.get("thead", sections.get("tbody", []))
        alignments = (
            [Alignment.from_css(str(cell.attrs.get("style", ""))) for cell in first[0].children]
            if first
            else []
        )
        return Table(header, body, alignments)

    def _row(self, row: SyntaxTreeNode) -> Row:
        return [self._inline_children(cell) for cell in row.children]


def _text_of(node: SyntaxTreeNode) -> str:
    if node.type == "text" or node.type == "code_inline":
        return node.content
    return "".join(_text_of(child) for child in node.children)
