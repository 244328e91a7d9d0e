"""The formats a document can be exported to."""

from __future__ import annotations

from enum import StrEnum


class ExportFormat(StrEnum):
    PDF = "pdf"
    EPUB = "epub"
    DOCX = "docx"
    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        """The file name suffix, with its dot."""
        return _EXTENSIONS[self]


_MEDIA_TYPES = {
    ExportFormat.PDF: "application/pdf",
    ExportFormat.EPUB: "application/epub+zip",
    ExportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ExportFormat.HTML: "text/html; charset=utf-8",
    ExportFormat.MARKDOWN: "text/markdown; charset=utf-8",
    ExportFormat.TEXT: "text/plain; charset=utf-8",
}
_EXTENSIONS = {
    ExportFormat.PDF: ".pdf",
    ExportFormat.EPUB: ".epub",
    ExportFormat.DOCX: ".docx",
    ExportFormat.HTML: ".html",
    ExportFormat.MARKDOWN: ".md",
    ExportFormat.TEXT: ".txt",
}
