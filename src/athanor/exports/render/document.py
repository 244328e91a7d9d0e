"""The document every writer renders: chapters of blocks of inlines, immutable once built."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from athanor.core.i18n import _

# XML 1.0 (EPUB, DOCX) cannot carry C0 controls other than tab and newline; nor can Typst
# strings safely, so no text in a document ever holds them.
_UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_CSS_ALIGNMENT = re.compile(r"(?:^|text-align\s*:)\s*(left|center|right)\b", re.IGNORECASE)
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "yi", "ps", "sd", "ug", "dv", "ku"})


class DocumentError(Exception):
    """Input that cannot become a document. `message` is a msgid for `translate(message, locale, **params)`."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.params: Mapping[str, object] = params


def clean_text(text: str) -> str:
    return _UNSAFE_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _clean_field(instance: object, name: str) -> None:
    # Frozen dataclasses may only be normalised through object.__setattr__.
    object.__setattr__(instance, name, clean_text(getattr(instance, name)))


@dataclass(frozen=True, slots=True)
class Image:
    """A picture as writers expect it (PNG, JPEG or GIF): make one with `images.load_image`,
    which converts other formats and refuses what is not a safe picture."""

    data: bytes
    media_type: str
    alt: str = ""
    name: str = "image"

    def __post_init__(self) -> None:
        _clean_field(self, "alt")

    @property
    def extension(self) -> str:
        return self.media_type.rpartition("/")[2].replace("jpeg", "jpg")


# Inlines


@dataclass(frozen=True, slots=True)
class Text:
    text: str

    def __post_init__(self) -> None:
        _clean_field(self, "text")


@dataclass(frozen=True, slots=True)
class Emphasis:
    children: Sequence[Inline]


@dataclass(frozen=True, slots=True)
class Strong:
    children: Sequence[Inline]


@dataclass(frozen=True, slots=True)
class Strikethrough:
    children: Sequence[Inline]


@dataclass(frozen=True, slots=True)
class Code:
    text: str

    def __post_init__(self) -> None:
        _clean_field(self, "text")


@dataclass(frozen=True, slots=True)
class Link:
    """`href` is absolute (http, https or mailto): parsers turn any other link into its text."""

    href: str
    children: Sequence[Inline]


@dataclass(frozen=True, slots=True)
class LineBreak:
    pass


@dataclass(frozen=True, slots=True)
class InlineImage:
    image: Image


Inline = Text | Emphasis | Strong | Strikethrough | Code | Link | LineBreak | InlineImage
Inlines = Sequence[Inline]


# Blocks


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    inlines: Inlines


@dataclass(frozen=True, slots=True)
class Paragraph:
    inlines: Inlines


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: Sequence[Sequence[Block]]
    start: int = 1


class Alignment(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"

    @classmethod
    def from_css(cls, declaration: str) -> Alignment | None:
        """The alignment of an HTML `align` value or a style holding `text-align`."""
        match = _CSS_ALIGNMENT.search(declaration)
        return cls(match.group(1).lower()) if match else None


Row = Sequence[Inlines]


@dataclass(frozen=True, slots=True)
class Table:
    header: Sequence[Row]
    body: Sequence[Row]
    alignments: Sequence[Alignment | None] = ()

    @property
    def columns(self) -> int:
        return max((len(row) for row in (*self.header, *self.body)), default=0)

    def alignment(self, column: int) -> Alignment | None:
        return self.alignments[column] if column < len(self.alignments) else None


@dataclass(frozen=True, slots=True)
class CodeBlock:
    text: str
    language: str = ""

    def __post_init__(self) -> None:
        _clean_field(self, "text")
        object.__setattr__(self, "language", re.sub(r"[^\w+#.-]", "", self.language)[:40])


@dataclass(frozen=True, slots=True)
class BlockQuote:
    blocks: Sequence[Block]


@dataclass(frozen=True, slots=True)
class ImageBlock:
    image: Image
    caption: str = ""

    def __post_init__(self) -> None:
        _clean_field(self, "caption")


@dataclass(frozen=True, slots=True)
class Rule:
    pass


Block = Heading | Paragraph | ListBlock | Table | CodeBlock | BlockQuote | ImageBlock | Rule


def paragraph_or_figure(inlines: Inlines) -> Paragraph | ImageBlock:
    """A picture alone in its paragraph is a figure, its alt text doubling as the caption."""
    if len(inlines) == 1 and isinstance(picture := inlines[0], InlineImage):
        return ImageBlock(picture.image, picture.image.alt)
    return Paragraph(inlines)


@dataclass(frozen=True, slots=True)
class Chapter:
    """A level-1 section; an untitled chapter holds what comes before the first one."""

    title: str
    blocks: Sequence[Block]

    def __post_init__(self) -> None:
        _clean_field(self, "title")


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    title: str
    chapters: Sequence[Chapter]
    author: str = ""
    language: str = "en"
    subtitle: str | None = None
    description: str | None = None
    cover: Image | None = None

    def __post_init__(self) -> None:
        for name in ("title", "author", "subtitle", "description"):
            if getattr(self, name) is not None:
                _clean_field(self, name)
        if not _LANGUAGE_TAG.fullmatch(self.language):
            raise DocumentError(
                "export.language_invalid",
                _("The language {language} is not a language tag such as en or es-MX."),
                language=self.language,
            )

    @property
    def primary_language(self) -> str:
        return self.language.partition("-")[0].lower()

    @property
    def region(self) -> str | None:
        parts = self.language.split("-")
        return parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 and parts[1].isalpha() else None

    @property
    def right_to_left(self) -> bool:
        return self.primary_language in RTL_LANGUAGES


def plain_text(inlines: Inlines) -> str:
    """The words of some inlines, without formatting (titles of outlines, alt texts)."""
    return "".join(_plain(inline) for inline in inlines)


def _plain(inline: Inline) -> str:
    match inline:
        case Text(text) | Code(text):
            return text
        case LineBreak():
            return " "
        case InlineImage(image):
            return image.alt
        case Emphasis(children) | Strong(children) | Strikethrough(children) | Link(_, children):
            return plain_text(children)


def walk_images(document: Document, *, with_cover: bool = True) -> Iterator[Image]:
    """Every image of the document in reading order, the cover first when asked for."""
    if with_cover and document.cover is not None:
        yield document.cover
    for chapter in document.chapters:
        yield from _block_images(chapter.blocks)


def _block_images(blocks: Sequence[Block]) -> Iterator[Image]:
    for block in blocks:
        match block:
            case ImageBlock(image):
                yield image
            case Heading(_, inlines) | Paragraph(inlines):
                yield from _inline_images(inlines)
            case ListBlock(items=items):
                for item in items:
                    yield from _block_images(item)
            case BlockQuote(blocks):
                yield from _block_images(blocks)
            case Table(header, body):
                for row in (*header, *body):
                    for cell in row:
                        yield from _inline_images(cell)


def _inline_images(inlines: Inlines) -> Iterator[Image]:
    for inline in inlines:
        match inline:
            case InlineImage(image):
                yield image
            case Emphasis(children) | Strong(children) | Strikethrough(children) | Link(_, children):
                yield from _inline_images(children)


class ImageFiles:
    """Stable file names for a document's images, one per distinct picture (EPUB, Typst)."""

    def __init__(self, document: Document, *, with_cover: bool) -> None:
        self._names: dict[bytes, str] = {}
        self.files: dict[str, Image] = {}
        for image in walk_images(document, with_cover=with_cover):
            if image.data not in self._names:
                name = f"images/image-{len(self._names) + 1}.{image.extension}"
                self._names[image.data] = name
                self.files[name] = image

    def name(self, image: Image) -> str:
        return self._names[image.data]


_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f]")


def safe_href(href: str | None) -> str | None:
    """The link target when it is absolute and harmless in every format, else None.

    Relative and fragment links point at files or anchors no export carries, and other
    schemes (javascript:, file:) are unsafe.
    """
    target = (href or "").strip()
    if not target.lower().startswith(_SAFE_SCHEMES) or _NOT_IN_URL.search(target) or len(target) > 2000:
        return None
    return target
