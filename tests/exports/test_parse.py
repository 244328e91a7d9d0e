"""Markdown and HTML read into the document model: what a writer will be given."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image as Pillow

from athanor.exports.render import Document, DocumentError, from_html, from_markdown, load_image
from athanor.exports.render.document import (
    Alignment,
    BlockQuote,
    Code,
    CodeBlock,
    Emphasis,
    Heading,
    Image,
    ImageBlock,
    InlineImage,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Rule,
    Strikethrough,
    Strong,
    Table,
    Text,
    plain_text,
)
from tests.exports.conftest import CHAPTERS, picture


def _blocks_of(document: Document, kind: type) -> list:
    found = []

    def visit(blocks: list) -> None:
        for block in blocks:
            if isinstance(block, kind):
                found.append(block)
            if isinstance(block, ListBlock):
                for item in block.items:
                    visit(list(item))
            if isinstance(block, BlockQuote):
                visit(list(block.blocks))

    for chapter in document.chapters:
        visit(list(chapter.blocks))
    return found


def test_handbook_metadata_and_chapters(handbook: Document) -> None:
    assert handbook.title == "The Athanor Operator's Handbook"
    assert handbook.subtitle == "Running AI products for many tenants"
    assert handbook.author == "Ada Quill"
    assert handbook.language == "en"
    assert handbook.cover is not None
    assert handbook.cover.media_type == "image/png"
    # The introduction before the first level-1 heading is an untitled opening chapter.
    assert [chapter.title for chapter in handbook.chapters] == ["", *CHAPTERS]
    assert isinstance(handbook.chapters[0].blocks[0], Paragraph)


def test_handbook_blocks(handbook: Document) -> None:
    levels = sorted(heading.level for heading in _blocks_of(handbook, Heading))
    assert levels.count(2) == 13
    assert levels.count(3) == 1
    tables = _blocks_of(handbook, Table)
    assert [(len(table.header), len(table.body), table.columns) for table in tables] == [(1, 4, 4), (1, 2, 3)]
    assert tables[0].alignments == [Alignment.LEFT, Alignment.CENTER, Alignment.RIGHT, Alignment.RIGHT]
    assert [code.language for code in _blocks_of(handbook, CodeBlock)] == ["bash", "python", "python"]
    lists = _blocks_of(handbook, ListBlock)
    nested = [
        block
        for block in lists
        if any(isinstance(inner, ListBlock) for item in block.items for inner in item)
    ]
    assert len(nested) == 3
    assert any(block.ordered for block in nested)
    assert len(_blocks_of(handbook, BlockQuote)) == 2
    assert len(_blocks_of(handbook, Rule)) == 1
    (figure,) = _blocks_of(handbook, ImageBlock)
    assert figure.caption == "Workflow of three nodes"
    assert figure.image.alt == "Workflow of three nodes"


def test_inline_formatting() -> None:
    document = from_markdown(
        "Some *soft* and **strong** text with `code`, ~~old~~ and [a link](https://example.org).  \nNext line."
    )
    inlines = document.chapters[0].blocks[0].inlines
    kinds = [type(inline) for inline in inlines]
    assert {Emphasis, Strong, Code, Strikethrough, LineBreak} <= set(kinds)
    (link,) = [inline for inline in inlines if isinstance(inline, Link)]
    assert link.href == "https://example.org"
    assert plain_text(link.children) == "a link"
    assert plain_text(inlines).endswith("and a link. Next line.")


def test_raw_html_is_text_and_unsafe_links_are_dropped() -> None:
    document = from_markdown(
        '<script>alert("x")</script>\n\n[click](javascript:alert(1)) and [page](other.md) and <b>bold</b>'
    )
    first, second = document.chapters[0].blocks
    assert plain_text(first.inlines) == '<script>alert("x")</script>'
    assert not [inline for inline in second.inlines if isinstance(inline, Link)]
    assert "click" in plain_text(second.inlines)
    assert "<b>bold</b>" in plain_text(second.inlines)


def test_data_uri_images_need_no_resolver_and_missing_ones_become_alt_text() -> None:
    encoded = base64.b64encode(picture(40, 20, "red")).decode()
    document = from_markdown(
        f"![dot](data:image/png;base64,{encoded})\n\nText ![missing picture](nowhere.png) here.\n\n"
        "![not a picture](data:image/png;base64,bm90IGEgcGljdHVyZQ==)"
    )
    figure, paragraph, refused = document.chapters[0].blocks
    assert isinstance(figure, ImageBlock)
    assert figure.image.data.startswith(b"\x89PNG")
    assert paragraph.inlines == [Text("Text "), Text("missing picture"), Text(" here.")]
    assert refused == Paragraph([Text("not a picture")])


def test_what_a_resolver_returns_is_checked_too() -> None:
    # SVG can carry scripts and remote references: it is never taken in as a picture.
    svg = Image(
        data=b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', media_type="image/svg+xml"
    )
    document = from_markdown("![logo](logo.svg)", images=lambda src: svg)
    assert document.chapters[0].blocks == [Paragraph([Text("logo")])]


def test_other_picture_formats_become_png() -> None:
    output = io.BytesIO()
    Pillow.new("RGB", (8, 8), "blue").save(output, format="WEBP")
    webp = load_image(output.getvalue())
    assert webp is not None
    assert webp.media_type == "image/png"
    document = from_markdown("![w](pic.webp)", images=lambda src: webp)
    (figure,) = document.chapters[0].blocks
    assert figure.image.data == webp.data


def test_pictures_too_large_to_decode_safely_are_refused() -> None:
    output = io.BytesIO()
    Pillow.new("1", (8000, 6000)).save(output, format="PNG")
    assert load_image(output.getvalue()) is None


def test_title_comes_from_front_matter_then_argument_then_first_heading() -> None:
    assert from_markdown("---\ntitle: Front\n---\n# Heading\n\nx", title="Argument").title == "Front"
    assert from_markdown("# Heading\n\nx", title="Argument").title == "Argument"
    assert from_markdown("Intro\n\n# Heading\n\nx").title == "Heading"
    assert from_markdown("Just text.").title == "Untitled"
    assert from_markdown("---\nlanguage: es\n---\nSolo texto.").title == "Sin título"


def test_a_rule_and_heading_is_not_front_matter() -> None:
    document = from_markdown("---\nNot a key value line\n---\n\nBody")
    assert document.title == "Untitled"
    assert isinstance(document.chapters[0].blocks[0], Rule)


def test_quoted_front_matter_values() -> None:
    document = from_markdown("---\ntitle: 'A: Story'\nauthor: \"B. Writer\"\nlang: fr-CA\n---\ntext")
    assert (document.title, document.author, document.language) == ("A: Story", "B. Writer", "fr-CA")
    assert document.primary_language == "fr"
    assert document.region == "CA"


def test_from_html() -> None:
    html = """<!doctype html><html lang="es"><head><title>Guía</title>
    <meta name="author" content="Ana"><style>p { color: red }</style><script>var x = 1;</script></head>
    <body><p>Intro <em>suave</em></p>
    <h1>Primero</h1><p>Texto con <strong>fuerza</strong> y <a href="https://ejemplo.org">enlace</a>
    <a href="javascript:x()">malo</a><custom-tag>desconocido</custom-tag>
    <h2>Lista</h2><ul><li>uno<li>dos<ul><li>dos.uno</ul></ul>
    <ol start="3"><li>tres</li></ol>
    <table><tr><th align="right">A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>
    <pre><code class="language-python">print("hola")
</code></pre>
    <blockquote><p>Cita</p></blockquote><hr>
    <h1>Segundo</h1>Suelto<br>texto
    </body></html>"""
    document = from_html(html)
    assert (document.title, document.language, document.author) == ("Guía", "es", "Ana")
    assert [chapter.title for chapter in document.chapters] == ["", "Primero", "Segundo"]
    body = document.chapters[1].blocks
    paragraph = body[0]
    assert isinstance(paragraph, Paragraph)
    text = plain_text(paragraph.inlines)
    assert "fuerza" in text
    assert "malo" in text
    assert "desconocido" in text
    assert "var x" not in text
    assert [inline.href for inline in paragraph.inlines if isinstance(inline, Link)] == [
        "https://ejemplo.org"
    ]
    bullets, numbered = (block for block in body if isinstance(block, ListBlock))
    assert len(bullets.items) == 2
    assert isinstance(bullets.items[1][-1], ListBlock)
    assert numbered.ordered
    assert numbered.start == 3
    (table,) = (block for block in body if isinstance(block, Table))
    assert len(table.header) == 1
    assert len(table.body) == 1
    assert table.alignments[0] is Alignment.RIGHT
    (code,) = (block for block in body if isinstance(block, CodeBlock))
    assert code.language == "python"
    assert code.text == 'print("hola")'
    assert any(isinstance(block, BlockQuote) for block in body)
    assert any(isinstance(block, Rule) for block in body)
    assert plain_text(document.chapters[2].blocks[0].inlines) == "Suelto texto"


def test_html_inline_image_and_figure() -> None:
    encoded = base64.b64encode(picture(20, 20, "green")).decode()
    document = from_html(
        f'<figure><img src="data:image/png;base64,{encoded}" alt="dot"><figcaption>A dot</figcaption></figure>'
        f'<p>Inline <img src="data:image/png;base64,{encoded}" alt="i"> and <img src="x.png" alt="gone"></p>'
    )
    figure, paragraph = document.chapters[0].blocks
    assert isinstance(figure, ImageBlock)
    assert figure.caption == "A dot"
    assert isinstance(paragraph.inlines[1], InlineImage)
    assert plain_text(paragraph.inlines).endswith("and gone")


def test_deep_html_nesting_does_not_exhaust_recursion() -> None:
    document = from_html("<div>" * 5000 + "deep" + "</div>" * 5000)
    assert plain_text(document.chapters[0].blocks[0].inlines) == "deep"


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("", "export.document_empty"),
        ("   \n\n  ", "export.document_empty"),
        ("---\ntitle: Only metadata\n---\n", "export.document_empty"),
        ("x" * 101, "export.document_too_large"),
        ("---\nlanguage: English\n---\ntext", "export.language_invalid"),
    ],
)
def test_bad_markdown_raises_a_coded_error(source: str, code: str) -> None:
    with pytest.raises(DocumentError) as caught:
        from_markdown(source, max_chars=100)
    assert caught.value.code == code


def test_bad_html_raises_a_coded_error() -> None:
    with pytest.raises(DocumentError) as caught:
        from_html("<html><head><title>t</title></head><body><script>x</script></body></html>")
    assert caught.value.code == "export.document_empty"


def test_control_characters_never_reach_a_document() -> None:
    # XML (EPUB, DOCX) cannot carry them; CommonMark itself turns NUL into U+FFFD.
    document = from_markdown("Bell\x07 and null\x00 here\x1b.")
    assert plain_text(document.chapters[0].blocks[0].inlines) == "Bell and null\ufffd here."
    assert Text("a\x00b\x0c").text == "ab"
    assert CodeBlock("x\x1by").text == "xy"
