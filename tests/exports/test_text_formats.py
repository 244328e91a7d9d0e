"""HTML, Markdown and plain text: self-contained, escaped, and readable back."""

from __future__ import annotations

import re

import pytest

from athanor.exports.render import BUILTIN_LAYOUTS, Document, ExportFormat, from_html, from_markdown, render
from athanor.exports.render.document import Block, BlockQuote, Chapter, ListBlock, Table, plain_text
from athanor.exports.render.layout import Layout
from athanor.exports.render.text import WIDTH
from tests.exports.conftest import CHAPTERS

HOSTILE = """---
title: </title><script>alert(1)</script>
author: "</style><script>x()</script>"
---

# Chapter <img src=x onerror=alert(1)>

<script>alert("body")</script>

[link](https://example.org/"><script>y()</script>)
"""


@pytest.fixture(scope="module")
def handbook_html(handbook: Document) -> str:
    return render(handbook, ExportFormat.HTML, BUILTIN_LAYOUTS["modern"]).decode()


def _shape(document: Document) -> list[tuple[str, str]]:
    """Each chapter and block by kind and words: what a reader sees, whatever the nesting of inlines."""

    def blocks(items: list[Block] | tuple[Block, ...]) -> list[tuple[str, str]]:
        shape = []
        for block in items:
            if isinstance(block, ListBlock):
                shape += [(f"list {block.ordered} {block.start}", "")]
                for item in block.items:
                    shape += blocks(list(item))
            elif isinstance(block, BlockQuote):
                shape += [("quote", ""), *blocks(list(block.blocks))]
            elif isinstance(block, Table):
                rows = [" | ".join(plain_text(cell) for cell in row) for row in (*block.header, *block.body)]
                shape += [("table", "\n".join(rows))]
            else:
                inlines = getattr(block, "inlines", None)
                shape += [(type(block).__name__, plain_text(inlines) if inlines is not None else "")]
        return shape

    return [
        entry
        for chapter in document.chapters
        for entry in [("chapter", chapter.title), *blocks(list(chapter.blocks))]
    ]


def test_html_is_one_self_contained_file(handbook_html: str) -> None:
    assert handbook_html.startswith("<!DOCTYPE html>")
    assert '<html lang="en" dir="ltr">' in handbook_html
    assert "<title>The Athanor Operator&#x27;s Handbook</title>" in handbook_html
    sources = re.findall(r'src="([^"]*)"', handbook_html)
    assert len(sources) == 2
    assert all(source.startswith("data:image/png;base64,") for source in sources)
    assert "@page { size: 210.0mm 297.0mm" in handbook_html
    assert all(f'href="#ch{index + 2}"' in handbook_html for index in range(len(CHAPTERS)))


def test_html_escapes_everything_the_user_wrote() -> None:
    document = from_markdown(HOSTILE)
    layout = Layout(header_text="{author}")
    html = render(document, ExportFormat.HTML, layout).decode()
    assert "<script" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;body&quot;)&lt;/script&gt;" in html
    # In the stylesheet the running head is a CSS string in which '<' is escaped too.
    assert "</style><script>" not in html
    assert "\\3c \\2f style\\3e " in html


def test_html_reads_back_to_the_same_document(handbook: Document, handbook_html: str) -> None:
    again = from_html(handbook_html)
    assert again.title == handbook.title
    assert again.language == "en"
    # The cover, title page and contents come back as the opening chapter's first blocks.
    original = _shape(handbook)[1:]
    assert _shape(again)[-len(original) :] == original


def test_markdown_reads_back_to_the_same_document(handbook: Document) -> None:
    markdown = render(handbook, ExportFormat.MARKDOWN, BUILTIN_LAYOUTS["classic"]).decode()
    again = from_markdown(markdown)
    assert _shape(again) == _shape(handbook)
    assert (again.title, again.author, again.subtitle, again.description) == (
        handbook.title,
        handbook.author,
        handbook.subtitle,
        handbook.description,
    )
    assert again.cover is not None
    assert handbook.cover is not None
    assert again.cover.data == handbook.cover.data


def test_markdown_escapes_text_that_looks_like_syntax() -> None:
    tricky = Document(
        title="t",
        chapters=[
            Chapter(
                "# not * a heading",
                [
                    from_markdown("\\- not a list").chapters[0].blocks[0],
                    from_markdown("1\\. not numbered \\| \\*x\\* \\<b\\> \\[l\\](u) `` a`b ``")
                    .chapters[0]
                    .blocks[0],
                ],
            )
        ],
    )
    again = from_markdown(render(tricky, ExportFormat.MARKDOWN, BUILTIN_LAYOUTS["classic"]).decode())
    assert _shape(again) == _shape(tricky)


def test_plain_text_is_wrapped_and_keeps_link_addresses(handbook: Document) -> None:
    text = render(handbook, ExportFormat.TEXT, BUILTIN_LAYOUTS["classic"]).decode()
    lines = text.splitlines()
    assert lines[:2] == ["The Athanor Operator's Handbook", "=" * len("The Athanor Operator's Handbook")]
    assert all(len(line) <= WIDTH for line in lines if " " in line.strip())
    assert "the project site <https://example.org/athanor/releases>" in " ".join(text.split())
    assert re.search(r"^Administrator +yes +yes +no$", text, re.MULTILINE)  # columns aligned
    assert "    pip install athanor" in lines
    assert "* Python 3.11 or newer" in lines
    assert "  * SQLite for a single machine" in lines
    assert "   1. Administrator for people who manage the tenant" in lines
    for title in CHAPTERS:
        assert f"{title}\n{'=' * len(title)}" in text
