"""One self-contained HTML5 file: the layout as CSS, pictures inlined as data URIs."""

from __future__ import annotations

import base64
from html import escape

from athanor.exports.render.css import stylesheet
from athanor.exports.render.document import Document, Image
from athanor.exports.render.layout import Layout
from athanor.exports.render.outline import outline
from athanor.exports.render.progress import Progress, each_chapter
from athanor.exports.render.words import CONTENTS, word
from athanor.exports.render.xhtml import XhtmlWriter, contents_list, title_page


def data_uri(image: Image) -> str:
    return f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"


def write_html(document: Document, layout: Layout, progress: Progress) -> bytes:
    writer = XhtmlWriter(data_uri)
    direction = "rtl" if document.right_to_left else "ltr"
    head = [
        '<meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f"<title>{escape(document.title)}</title>",
    ]
    if document.author:
        head.append(f'<meta name="author" content="{escape(document.author)}"/>')
    if document.description:
        head.append(f'<meta name="description" content="{escape(document.description)}"/>')
    head.append(f"<style>\n{stylesheet(layout, document, paged=True)}\n</style>")
    body = []
    if layout.cover and document.cover is not None:
        body.append(f'<div class="cover">{writer.image(document.cover)}</div>')
    if layout.title_page:
        body.append(f'<header class="title-page">{title_page(document)}</header>')
    if layout.toc:
        entries = contents_list(outline(document, layout.toc_depth), lambda entry: f"#{entry.anchor}")
        body.append(f'<nav class="toc"><h2>{escape(word(CONTENTS, document))}</h2>{entries}</nav>')
    body.extend(writer.chapter(chapter, index) for index, chapter in each_chapter(document, progress))
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{escape(document.language)}" dir="{direction}">',
            "<head>",
            *head,
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>\n",
        ]
    ).encode("utf-8")
