"""Documents rendered to PDF, EPUB, DOCX, HTML, Markdown and plain text, in this process.

document = from_markdown(text)
pdf = render(document, ExportFormat.PDF, BUILTIN_LAYOUTS["classic"], progress=report)
"""

from __future__ import annotations

from collections.abc import Callable

from athanor.exports.render.document import Document, DocumentError
from athanor.exports.render.formats import ExportFormat
from athanor.exports.render.images import ImageResolver, load_image
from athanor.exports.render.layout import BUILTIN_LAYOUTS, Layout
from athanor.exports.render.parse import from_html, from_markdown
from athanor.exports.render.progress import Progress, ignore_progress

__all__ = [
    "BUILTIN_LAYOUTS",
    "Document",
    "DocumentError",
    "ExportFormat",
    "ImageResolver",
    "Layout",
    "Progress",
    "from_html",
    "from_markdown",
    "load_image",
    "render",
]

Writer = Callable[[Document, Layout, Progress], bytes]


def render(
    document: Document, fmt: ExportFormat, layout: Layout, *, progress: Progress | None = None
) -> bytes:
    """The document as a file of the format. A progress callback that raises cancels the
    export: its exception propagates and nothing is returned."""
    report = progress or ignore_progress
    report(0.0, "start")
    output = _writer(fmt)(document, layout, report)
    report(1.0, "done")
    return output


def _writer(fmt: ExportFormat) -> Writer:
    # Imported on first use: Typst and python-docx take a third of a second to load, and
    # the `athanor` command imports this package whatever it is asked to do.
    match fmt:
        case ExportFormat.PDF:
            from athanor.exports.render.pdf import write_pdf

            return write_pdf
        case ExportFormat.EPUB:
            from athanor.exports.render.epub import write_epub

            return write_epub
        case ExportFormat.DOCX:
            from athanor.exports.render.docx import write_docx

            return write_docx
        case ExportFormat.HTML:
            from athanor.exports.render.html import write_html

            return write_html
        case ExportFormat.MARKDOWN:
            from athanor.exports.render.markdown import write_markdown

            return write_markdown
        case ExportFormat.TEXT:
            from athanor.exports.render.text import write_text

            return write_text
