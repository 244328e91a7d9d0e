"""Rendering as a whole: progress, cancellation, layouts, previews."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image as Pillow
from pydantic import ValidationError

from athanor.exports.render import BUILTIN_LAYOUTS, Document, DocumentError, ExportFormat, Layout, render
from athanor.exports.render.layout import FontFamily
from athanor.exports.render.preview import pdf_pages_to_png, preview_pages


class Cancelled(Exception):
    pass


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_progress_reaches_done_and_a_raising_callback_cancels(handbook: Document, fmt: ExportFormat) -> None:
    seen: list[tuple[float, str]] = []
    render(handbook, fmt, BUILTIN_LAYOUTS["compact"], progress=lambda done, stage: seen.append((done, stage)))
    fractions = [fraction for fraction, _stage in seen]
    assert fractions == sorted(fractions)
    assert seen[0] == (0.0, "start")
    assert seen[-1] == (1.0, "done")
    assert sum(stage == "chapters" for _fraction, stage in seen) >= len(handbook.chapters)

    def cancel_midway(fraction: float, stage: str) -> None:
        if fraction >= 0.5:
            raise Cancelled

    with pytest.raises(Cancelled):
        render(handbook, fmt, BUILTIN_LAYOUTS["compact"], progress=cancel_midway)


def test_formats_name_their_files() -> None:
    assert ExportFormat.DOCX.extension == ".docx"
    assert ExportFormat.MARKDOWN.extension == ".md"
    assert ExportFormat.EPUB.media_type == "application/epub+zip"
    assert ExportFormat("text").media_type.startswith("text/plain")


def test_builtin_layouts_describe_themselves() -> None:
    assert set(BUILTIN_LAYOUTS) == {"classic", "modern", "manuscript", "compact"}
    assert all(layout.description for layout in BUILTIN_LAYOUTS.values())
    # A layout travels as JSON (a template file, an API body) and comes back equal.
    for layout in BUILTIN_LAYOUTS.values():
        assert Layout.model_validate_json(layout.model_dump_json()) == layout


@pytest.mark.parametrize(
    "change",
    [
        {"accent_color": "red"},
        {"accent_color": "#12345"},
        {"margins": {"top": 20, "bottom": 20, "left": 60, "right": 60}, "page_size": "a5"},
        {"margins": {"top": 2, "bottom": 20, "left": 20, "right": 20}},
        {"body_font": "Comic Sans MS"},
        {"font_size": 40},
        {"line_height": 0.5},
        {"header_text": "two\nlines"},
        {"page_size": "tabloid"},
        {"unknown": True},
        {"font_size": "11"},
        {"toc": "yes"},
        {"toc_depth": 1.5},
    ],
)
def test_layouts_are_validated(change: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Layout.model_validate_json(json.dumps(change))
    with pytest.raises(ValidationError):
        Layout.model_validate(change)


def test_layouts_from_stored_json_values() -> None:
    """Templates are stored and sent as plain JSON values: enums as strings, numbers as ints."""
    stored = {
        "page_size": "letter",
        "body_font": "New Computer Modern",
        "font_size": 12,
        "margins": {"top": 25},
    }
    layout = Layout.model_validate(stored)
    assert layout.page_size.millimetres == (215.9, 279.4)
    assert layout.margins.top == 25.0


def test_only_fonts_typst_embeds_are_offered() -> None:
    import typst

    embedded = set(typst.Fonts(include_system_fonts=False).families())
    assert {family.value for family in FontFamily} <= embedded


def test_preview_pages_are_pngs_of_the_requested_width(handbook: Document) -> None:
    pages = preview_pages(handbook, BUILTIN_LAYOUTS["classic"], pages=2, width=480)
    assert len(pages) == 2
    for png in pages:
        picture = Pillow.open(io.BytesIO(png))
        assert picture.format == "PNG"
        assert picture.width == 480
        assert picture.height == pytest.approx(480 * 228.6 / 152.4, abs=2)


def test_previews_from_many_threads(handbook: Document) -> None:
    pdf = render(handbook, ExportFormat.PDF, BUILTIN_LAYOUTS["compact"])
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: pdf_pages_to_png(pdf, pages=3, width=200), range(8)))
    assert all(len(pages) == 3 for pages in results)
    assert len({tuple(pages) for pages in results}) == 1


def test_a_pdf_that_cannot_be_opened() -> None:
    with pytest.raises(DocumentError) as caught:
        pdf_pages_to_png(b"%PDF-1.7 but nothing else")
    assert caught.value.code == "export.pdf_unreadable"
