"""Exports: documents rendered to PDF, EPUB, DOCX, HTML, Markdown and text."""
