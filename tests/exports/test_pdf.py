"""The PDF read back as a reader would see it: pages, words, bookmarks, page size."""

from __future__ import annotations

import io

import pypdf
import pytest

from athanor.exports.render import (
    BUILTIN_LAYOUTS,
    Document,
    DocumentError,
    ExportFormat,
    from_markdown,
    render,
)
from athanor.exports.render.document import (
    Chapter,
    Code,
    Emphasis,
    Heading,
    Image,
    ImageBlock,
    Link,
    ListBlock,
    Paragraph,
    Strong,
    Table,
    Text,
)
from athanor.exports.render.layout import Layout, PageSize
from athanor.exports.render.typst_markup import markup_text
from tests.exports.conftest import CHAPTERS, picture

POINTS_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def progress_log() -> list[tuple[float, str]]:
    return []


@pytest.fixture(scope="module")
def handbook_pdf(handbook: Document, progress_log: list[tuple[float, str]]) -> pypdf.PdfReader:
    data = render(
        handbook,
        ExportFormat.PDF,
        BUILTIN_LAYOUTS["classic"],
        progress=lambda done, stage: progress_log.append((done, stage)),
    )
    assert data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(data))


# Typst sets straight quotes as curly ones: typography, not interpretation of the text.
_STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def _page_text(page: pypdf.PageObject) -> str:
    return page.extract_text().translate(_STRAIGHT_QUOTES)


def _text(reader: pypdf.PdfReader) -> str:
    return "\n".join(_page_text(page) for page in reader.pages)


def _size_mm(reader: pypdf.PdfReader, page: int = 0) -> tuple[float, float]:
    box = reader.pages[page].mediabox
    return round(float(box.width) / POINTS_PER_MM, 1), round(float(box.height) / POINTS_PER_MM, 1)


def test_pages_words_and_metadata(handbook_pdf: pypdf.PdfReader) -> None:
    # Cover, title page, contents, the introduction, then six chapters each on a new page.
    assert 10 <= len(handbook_pdf.pages) <= 16
    text = _text(handbook_pdf)
    for title in CHAPTERS:
        assert title in text
    assert "row-level security" in text
    assert "Restore drills matter." in text
    assert "athanor seed-demo" in text
    assert 'slug="summarise"' in text
    assert handbook_pdf.metadata.title == "The Athanor Operator's Handbook"
    assert handbook_pdf.metadata.author == "Ada Quill"
    assert _size_mm(handbook_pdf) == (152.4, 228.6)


def test_cover_title_page_and_contents(handbook_pdf: pypdf.PdfReader) -> None:
    cover, title_page, contents = handbook_pdf.pages[:3]
    assert len(cover.images) == 1
    assert not cover.extract_text().strip()
    assert "Running AI products for many tenants" in title_page.extract_text()
    listing = _page_text(contents)
    assert listing.startswith("Contents")
    assert all(title in listing for title in CHAPTERS)


def test_bookmarks_follow_the_chapters(handbook_pdf: pypdf.PdfReader) -> None:
    titles = [entry.title for entry in handbook_pdf.outline if not isinstance(entry, list)]
    assert [title for title in titles if title in CHAPTERS] == CHAPTERS
    assert any(isinstance(entry, list) for entry in handbook_pdf.outline)  # sections nest under chapters


def test_running_header_and_page_numbers(handbook_pdf: pypdf.PdfReader) -> None:
    body = [_page_text(page) for page in handbook_pdf.pages[3:]]
    assert all(page.startswith("The Athanor Operator's Handbook") for page in body)
    # Numbering starts again at 1 on the first page after the front matter.
    assert body[0].rstrip().endswith("1")
    assert body[1].rstrip().endswith("2")


def test_progress_climbs_from_start_to_done(
    progress_log: list[tuple[float, str]], handbook_pdf: pypdf.PdfReader
) -> None:
    fractions = [fraction for fraction, _stage in progress_log]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert {"chapters", "typesetting", "done"} <= {stage for _fraction, stage in progress_log}


INJECTIONS = [
    '#import "evil.typ": *',
    "#set page(width: 1cm)",
    "] #text(red)[",
    "$x^2$",
    "back\\slash \\u{41}",
    "@missing-reference",
    "<label>",
    "// comment /* block",
    "= not a heading",
    "*not strong* _not emph_ `not raw`",
    '#read("/etc/passwd")',
]


def test_user_text_cannot_inject_typst() -> None:
    hostile = [Text(text) for text in INJECTIONS]
    blocks = [Paragraph([Emphasis([inline]), Text(" "), Strong([inline])]) for inline in hostile] + [
        Heading(2, [Text("#h ] $")]),
        ListBlock(True, [[Paragraph([Text("] item")])]]),
        Table([[[Text("] head")]]], [[[Text("#cell")]]]),
        Paragraph([Link('https://example.org/"]);#x', [Text("] link")]), Code('"]; #x')]),
        ImageBlock(Image(data=picture(20, 20, "red"), media_type="image/png", alt='"); #x'), caption="] cap"),
    ]
    document = Document(
        title="#set page(height: 1cm) ]",
        author="$ @x <y>",
        description='"); #x',
        chapters=[Chapter("Chapter ] #pagebreak()", blocks)],
    )
    layout = Layout(header_text="{title} #set text(red)", footer_text="{author} ]")
    reader = pypdf.PdfReader(io.BytesIO(render(document, ExportFormat.PDF, layout)))
    text = " ".join(_text(reader).split())
    for injected in INJECTIONS:
        assert " ".join(injected.split()) in text, injected
    for literal in (
        "#set page(height: 1cm) ]",
        "Chapter ] #pagebreak()",
        "#h ] $",
        "] head",
        "#cell",
        "] cap",
    ):
        assert literal in text, literal
    assert "#set page(height: 1cm) ] #set text(red)" in text
    assert "$ @x <y> ]" in text
    assert _size_mm(reader) == (210.0, 297.0)
    assert reader.metadata.title == "#set page(height: 1cm) ]"


def test_code_keeps_quotes_and_backslashes() -> None:
    document = from_markdown('```\nprint("a\\\\b") # \\" ]\n```\n\nAnd `"q" \\ ]` inline.')
    text = _text(pypdf.PdfReader(io.BytesIO(render(document, ExportFormat.PDF, BUILTIN_LAYOUTS["compact"]))))
    assert 'print("a\\\\b") # \\" ]' in text
    assert '"q" \\ ]' in text


def test_markup_escaping_covers_every_special_character() -> None:
    assert markup_text("#[]$\\*_`<>@=-+/{}~.:()") == "".join(
        f"\\{char}" for char in "#[]$\\*_`<>@=-+/{}~.:()"
    )
    assert markup_text("two\n\nparagraphs") == "two paragraphs"


def test_page_size_follows_the_layout() -> None:
    document = from_markdown("# One\n\nA page.")
    sizes = {
        size: _size_mm(
            pypdf.PdfReader(io.BytesIO(render(document, ExportFormat.PDF, Layout(page_size=size))))
        )
        for size in (PageSize.A4, PageSize.LETTER, PageSize.A5)
    }
    assert sizes == {
        PageSize.A4: (210.0, 297.0),
        PageSize.LETTER: (215.9, 279.4),
        PageSize.A5: (148.0, 210.0),
    }


def test_every_builtin_layout_renders(handbook: Document) -> None:
    pages = {}
    for name, layout in BUILTIN_LAYOUTS.items():
        reader = pypdf.PdfReader(io.BytesIO(render(handbook, ExportFormat.PDF, layout)))
        pages[name] = len(reader.pages)
        assert "Wallets and Billing" in _text(reader)
    # Double-spaced typewriter type takes far more pages than the compact layout.
    assert pages["manuscript"] > 2 * pages["compact"]


def test_right_to_left_document() -> None:
    document = from_markdown("---\ntitle: دليل\nlanguage: ar\n---\n\n# الفصل الأول\n\nمرحبا بالعالم.")
    reader = pypdf.PdfReader(io.BytesIO(render(document, ExportFormat.PDF, BUILTIN_LAYOUTS["modern"])))
    assert len(reader.pages) >= 2


def test_cancelling_from_the_progress_callback() -> None:
    class Cancelled(Exception):
        pass

    def cancel_at_typesetting(fraction: float, stage: str) -> None:
        if stage == "typesetting":
            raise Cancelled

    document = from_markdown("# One\n\ntext\n\n# Two\n\nmore")
    with pytest.raises(Cancelled):
        render(document, ExportFormat.PDF, BUILTIN_LAYOUTS["classic"], progress=cancel_at_typesetting)


def test_typesetting_failure_is_a_coded_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from athanor.exports.render import pdf

    monkeypatch.setattr(pdf, "typst_source", lambda *args: "#broken(")
    with pytest.raises(DocumentError) as caught:
        render(from_markdown("x"), ExportFormat.PDF, BUILTIN_LAYOUTS["classic"])
    assert caught.value.code == "export.render_failed"
