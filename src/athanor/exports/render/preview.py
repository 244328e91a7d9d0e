"""PNG thumbnails of a PDF's first pages, for previews of a layout."""

from __future__ import annotations

import io
import threading

import pypdfium2
from PIL.Image import Image as Picture

from athanor.core.i18n import _
from athanor.exports.render.document import Document, DocumentError
from athanor.exports.render.layout import Layout
from athanor.exports.render.pdf import write_pdf
from athanor.exports.render.progress import ignore_progress

# PDFium is not thread-safe: every call into it, from opening to closing, holds this lock.
_PDFIUM = threading.Lock()
MAX_PREVIEW_WIDTH = 2400


def pdf_pages_to_png(pdf: bytes, *, pages: int = 1, width: int = 800) -> list[bytes]:
    """The first `pages` pages (fewer if the PDF is shorter), each `width` pixels wide."""
    if not 1 <= width <= MAX_PREVIEW_WIDTH or pages < 1:
        raise ValueError(f"pages must be at least 1 and width between 1 and {MAX_PREVIEW_WIDTH}")
    bitmaps: list[Picture] = []
    with _PDFIUM:
        try:
            document = pypdfium2.PdfDocument(pdf)
        except pypdfium2.PdfiumError as error:
            raise DocumentError("export.pdf_unreadable", _("The PDF could not be opened.")) from error
        try:
            for index in range(min(pages, len(document))):
                page = document[index]
                try:
                    # A copy: the rendered image shares PDFium's memory until then.
                    bitmaps.append(page.render(scale=width / page.get_width()).to_pil().copy())
                finally:
                    page.close()
        finally:
            document.close()
    return [_png(bitmap) for bitmap in bitmaps]


def _png(bitmap: Picture) -> bytes:
    output = io.BytesIO()
    bitmap.save(output, format="PNG", optimize=True)
    return output.getvalue()


def preview_pages(document: Document, layout: Layout, pages: int = 2, *, width: int = 800) -> list[bytes]:
    """The document's first pages in the layout, as PNG."""
    return pdf_pages_to_png(write_pdf(document, layout, ignore_progress), pages=pages, width=width)
