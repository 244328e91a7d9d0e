"""How an exported document looks: page, type, colour, running heads and front matter."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from athanor.core.i18n import _
from athanor.exports.render.document import Document


class PageSize(StrEnum):
    A4 = "a4"
    A5 = "a5"
    LETTER = "letter"
    TRADE = "trade"  # 6 x 9 in, the common paperback size

    @property
    def millimetres(self) -> tuple[float, float]:
        """Width and height."""
        return _PAGE_SIZES[self]


_PAGE_SIZES = {
    PageSize.A4: (210.0, 297.0),
    PageSize.A5: (148.0, 210.0),
    PageSize.LETTER: (215.9, 279.4),
    PageSize.TRADE: (152.4, 228.6),
}


class FontFamily(StrEnum):
    """The families Typst embeds, so a PDF looks the same on every server; the other
    formats name them first and fall back to look-alikes the reader has."""

    LIBERTINUS_SERIF = "Libertinus Serif"
    NEW_COMPUTER_MODERN = "New Computer Modern"
    DEJAVU_SANS_MONO = "DejaVu Sans Mono"

    @property
    def css(self) -> str:
        return _CSS_STACKS[self]


_CSS_STACKS = {
    FontFamily.LIBERTINUS_SERIF: '"Libertinus Serif", "Linux Libertine O", Georgia, "Times New Roman", serif',
    FontFamily.NEW_COMPUTER_MODERN: '"New Computer Modern", "Latin Modern Roman", "CMU Serif", Cambria, serif',
    FontFamily.DEJAVU_SANS_MONO: '"DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace',
}


class PageNumberPosition(StrEnum):
    FOOTER_CENTER = "footer-center"
    FOOTER_RIGHT = "footer-right"
    HEADER_RIGHT = "header-right"

    @property
    def in_header(self) -> bool:
        return self is PageNumberPosition.HEADER_RIGHT


# Heading sizes relative to the body text, by level (deeper levels use the last).
HEADING_SCALE = (2.0, 1.5, 1.25, 1.1, 1.0)
# Not model-wide strictness (enums arrive as strings from JSON bodies and stored templates),
# but no number or switch is read from a string ("11", "yes").
Millimetres = Annotated[float, Field(ge=5, le=60, strict=True)]
Switch = Annotated[bool, Field(strict=True)]
# Running heads are one short line of plain text: no line breaks or control characters.
RunningText = Annotated[str, Field(max_length=120, pattern=r"^[^\x00-\x1f\x7f]*$")]


def heading_scale(level: int) -> float:
    return HEADING_SCALE[min(level, len(HEADING_SCALE)) - 1]


class Margins(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    top: Millimetres = 20
    bottom: Millimetres = 20
    left: Millimetres = 20
    right: Millimetres = 20


class Layout(BaseModel):
    """`header_text` and `footer_text` may hold `{title}` and `{author}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field("", max_length=300)
    page_size: PageSize = PageSize.A4
    margins: Margins = Margins()
    body_font: FontFamily = FontFamily.LIBERTINUS_SERIF
    heading_font: FontFamily = FontFamily.LIBERTINUS_SERIF
    mono_font: FontFamily = FontFamily.DEJAVU_SANS_MONO
    font_size: float = Field(11, ge=8, le=16, strict=True, description="Body text size in points")
    line_height: float = Field(
        1.4, ge=1.0, le=2.5, strict=True, description="Line spacing as a multiple of the font size"
    )
    justify: Switch = True
    accent_color: str = Field("#1f3a5f", pattern=r"^#[0-9a-fA-F]{6}$")
    header_text: RunningText = ""
    footer_text: RunningText = ""
    page_numbers: Switch = True
    page_number_position: PageNumberPosition = PageNumberPosition.FOOTER_CENTER
    toc: Switch = True
    toc_depth: int = Field(2, ge=1, le=4, strict=True)
    title_page: Switch = True
    cover: Switch = True
    chapter_page_breaks: Switch = True

    @model_validator(mode="after")
    def _room_for_text(self) -> Self:
        width, height = self.page_size.millimetres
        if (
            width - self.margins.left - self.margins.right < 60
            or height - self.margins.top - self.margins.bottom < 80
        ):
            raise ValueError("the margins leave too little room for text on this page size")
        return self

    @property
    def text_width_mm(self) -> float:
        return self.page_size.millimetres[0] - self.margins.left - self.margins.right


def running_text(template: str, document: Document) -> str:
    return template.replace("{title}", document.title).replace("{author}", document.author)


BUILTIN_LAYOUTS: dict[str, Layout] = {
    "classic": Layout(
        description=_(
            "A printed book: a paperback page, serif type, justified text, each chapter on a new page."
        ),
        page_size=PageSize.TRADE,
        margins=Margins(top=18, bottom=20, left=19, right=16),
        font_size=10.5,
        line_height=1.45,
        accent_color="#7a2e1f",
        header_text="{title}",
        toc_depth=1,
    ),
    "modern": Layout(
        description=_(
            "A report: A4, generous spacing, ragged-right text, a blue accent and numbered pages at the right."
        ),
        page_size=PageSize.A4,
        margins=Margins(top=25, bottom=25, left=25, right=25),
        body_font=FontFamily.NEW_COMPUTER_MODERN,
        heading_font=FontFamily.NEW_COMPUTER_MODERN,
        font_size=11,
        line_height=1.5,
        justify=False,
        accent_color="#1f5fbf",
        header_text="{title}",
        footer_text="{author}",
        page_number_position=PageNumberPosition.FOOTER_RIGHT,
        chapter_page_breaks=False,
    ),
    "manuscript": Layout(
        description=_(
            "A manuscript for editors: Letter paper, typewriter type, double spacing, no cover or contents."
        ),
        page_size=PageSize.LETTER,
        margins=Margins(top=25.4, bottom=25.4, left=25.4, right=25.4),
        body_font=FontFamily.DEJAVU_SANS_MONO,
        heading_font=FontFamily.DEJAVU_SANS_MONO,
        font_size=11,
        line_height=2.0,
        justify=False,
        accent_color="#000000",
        header_text="{author} / {title}",
        page_number_position=PageNumberPosition.HEADER_RIGHT,
        toc=False,
        cover=False,
    ),
    "compact": Layout(
        description=_("Compact: small type and narrow margins to print long texts on few pages."),
        page_size=PageSize.A4,
        margins=Margins(top=14, bottom=14, left=15, right=15),
        font_size=9.5,
        line_height=1.3,
        accent_color="#2d6a4f",
        page_number_position=PageNumberPosition.FOOTER_RIGHT,
        title_page=False,
        cover=False,
        chapter_page_breaks=False,
    ),
}
