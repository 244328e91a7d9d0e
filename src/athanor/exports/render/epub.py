"""EPUB 3 written as a zip by hand: the few files it needs, each under our control, so
epubcheck finds nothing to report. An NCX is included for EPUB 2 readers."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from athanor.exports.render.css import stylesheet
from athanor.exports.render.document import Document, ImageFiles
from athanor.exports.render.layout import Layout
from athanor.exports.render.outline import OutlineEntry, outline
from athanor.exports.render.progress import Progress, each_chapter
from athanor.exports.render.words import CONTENTS, COVER, START_OF_CONTENT, TITLE_PAGE, word
from athanor.exports.render.xhtml import XhtmlWriter, contents_list, title_page

_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
_XHTML = "application/xhtml+xml"


@dataclass(frozen=True)
class _Page:
    """A content document of the spine."""

    id: str
    href: str
    title: str
    body: str


def write_epub(document: Document, layout: Layout, progress: Progress) -> bytes:
    images = ImageFiles(document, with_cover=layout.cover)
    writer = XhtmlWriter(images.name, section_attributes=' epub:type="chapter"')
    pages: list[_Page] = []
    if layout.cover and document.cover is not None:
        cover = f'<section epub:type="cover" class="cover">{writer.image(document.cover)}</section>'
        pages.append(_Page("cover", "cover.xhtml", word(COVER, document), cover))
    if layout.title_page:
        front = f'<section epub:type="titlepage" class="title-page">{title_page(document)}</section>'
        pages.append(_Page("title-page", "title.xhtml", word(TITLE_PAGE, document), front))
    for index, chapter in each_chapter(document, progress, end=0.9):
        pages.append(
            _Page(
                f"chapter-{index + 1}",
                _chapter_href(index),
                chapter.title or document.title,
                writer.chapter(chapter, index),
            )
        )
    entries = outline(document, layout.toc_depth)
    identifier = _identifier(document, pages)
    files = {
        "META-INF/container.xml": _CONTAINER,
        "EPUB/style.css": stylesheet(layout, document, paged=False),
        "EPUB/nav.xhtml": _xhtml(
            document, word(CONTENTS, document), _nav_body(document, layout, entries, pages)
        ),
        "EPUB/toc.ncx": _ncx(document, entries, identifier),
        "EPUB/package.opf": _package(document, layout, pages, images, identifier),
    }
    files.update({f"EPUB/{page.href}": _xhtml(document, page.title, page.body) for page in pages})
    progress(0.95, "package")
    return _zip(files, images)


def _chapter_href(index: int) -> str:
    return f"chapter-{index + 1}.xhtml"


def _identifier(document: Document, pages: list[_Page]) -> str:
    """The same text gives the same identifier, so a reader sees a re-export as the same book."""
    digest = hashlib.sha256(document.title.encode())
    for page in pages:
        digest.update(page.body.encode())
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, digest.hexdigest())}"


def _xml_language(document: Document) -> str:
    direction = ' dir="rtl"' if document.right_to_left else ""
    return f'xml:lang="{escape(document.language)}"{direction}'


def _lines(items: list[str]) -> str:
    return "\n".join(items)


def _xhtml(document: Document, title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{escape(document.language)}" {_xml_language(document)}>\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{escape(title)}</title>\n'
        '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _nav_body(document: Document, layout: Layout, entries: list[OutlineEntry], pages: list[_Page]) -> str:
    contents = contents_list(entries, lambda entry: f"{_chapter_href(entry.chapter)}#{entry.anchor}")
    landmarks: list[str] = []
    if pages[0].id == "cover":
        landmarks.insert(0, f'<li><a epub:type="cover" href="cover.xhtml">{escape(pages[0].title)}</a></li>')
    if layout.toc:
        landmarks.append(
            f'<li><a epub:type="toc" href="nav.xhtml#toc">{escape(word(CONTENTS, document))}</a></li>'
        )
    start = escape(word(START_OF_CONTENT, document))
    landmarks.append(f'<li><a epub:type="bodymatter" href="{_chapter_href(0)}">{start}</a></li>')
    return (
        f'<nav epub:type="toc" id="toc" class="toc"><h2>{escape(word(CONTENTS, document))}</h2>{contents}</nav>\n'
        f'<nav epub:type="landmarks" hidden="hidden"><ol>{"".join(landmarks)}</ol></nav>'
    )


def _ncx(document: Document, entries: list[OutlineEntry], identifier: str) -> str:
    order = 0

    def points(level: list[OutlineEntry]) -> str:
        nonlocal order
        rendered = []
        for entry in level:
            order += 1
            target = f"{_chapter_href(entry.chapter)}#{entry.anchor}"
            rendered.append(
                f'<navPoint id="nav-{order}" playOrder="{order}"><navLabel><text>{escape(entry.title)}</text>'
                f'</navLabel><content src="{target}"/>{points(entry.children)}</navPoint>'
            )
        return "".join(rendered)

    def depth(level: list[OutlineEntry]) -> int:
        return 1 + max((depth(entry.children) for entry in level), default=0) if level else 0

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="{escape(document.language)}">\n'
        f'<head><meta name="dtb:uid" content="{identifier}"/><meta name="dtb:depth" content="{depth(entries)}"/>'
        '<meta name="dtb:totalPageCount" content="0"/><meta name="dtb:maxPageNumber" content="0"/></head>\n'
        f"<docTitle><text>{escape(document.title)}</text></docTitle>\n"
        f"<navMap>{points(entries)}</navMap>\n</ncx>\n"
    )


def _package(
    document: Document, layout: Layout, pages: list[_Page], images: ImageFiles, identifier: str
) -> str:
    modified = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    metadata = [
        f'<dc:identifier id="book-id">{identifier}</dc:identifier>',
        f"<dc:title>{escape(document.title)}</dc:title>",
        f"<dc:language>{escape(document.language)}</dc:language>",
        f'<meta property="dcterms:modified">{modified}</meta>',
    ]
    if document.author:
        metadata.append(f"<dc:creator>{escape(document.author)}</dc:creator>")
    if document.description:
        metadata.append(f"<dc:description>{escape(document.description)}</dc:description>")
    cover_name = images.name(document.cover) if layout.cover and document.cover is not None else None
    manifest = [
        f'<item id="nav" href="nav.xhtml" media-type="{_XHTML}" properties="nav"/>',
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
    ]
    manifest += [f'<item id="{page.id}" href="{page.href}" media-type="{_XHTML}"/>' for page in pages]
    for number, (name, image) in enumerate(images.files.items(), start=1):
        cover = ' properties="cover-image"' if name == cover_name else ""
        manifest.append(f'<item id="image-{number}" href="{name}" media-type="{image.media_type}"{cover}/>')
        if cover:
            # EPUB 2 readers find the cover through this element.
            metadata.append(f'<meta name="cover" content="image-{number}"/>')
    spine = [f'<itemref idref="{page.id}"/>' for page in pages]
    if layout.toc:
        spine.insert(sum(page.id in {"cover", "title-page"} for page in pages), '<itemref idref="nav"/>')
    progression = ' page-progression-direction="rtl"' if document.right_to_left else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" '
        f"{_xml_language(document)}>\n"
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n{_lines(metadata)}\n</metadata>\n'
        f"<manifest>\n{_lines(manifest)}\n</manifest>\n"
        f'<spine toc="ncx"{progression}>\n{_lines(spine)}\n</spine>\n</package>\n'
    )


def _zip(files: dict[str, str], images: ImageFiles) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        # The mimetype comes first and uncompressed, so tools can sniff the format.
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED
        )
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
        for name, image in images.files.items():
            archive.writestr(f"EPUB/{name}", image.data)
    return output.getvalue()
