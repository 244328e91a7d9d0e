"""A layout as CSS, for the HTML file and the EPUB."""

from __future__ import annotations

import re

from athanor.exports.render.document import Document
from athanor.exports.render.layout import HEADING_SCALE, Layout, PageNumberPosition, running_text

_CSS_PLAIN = re.compile(r"[A-Za-z0-9 _.,;:!?'-]")


def css_string(text: str) -> str:
    """A quoted CSS string that no text can break out of (not even with `</style>`)."""
    return '"' + "".join(char if _CSS_PLAIN.fullmatch(char) else f"\\{ord(char):x} " for char in text) + '"'


def stylesheet(layout: Layout, document: Document, *, paged: bool) -> str:
    """Paged rules (page size, running heads, chapter breaks) are for print and WeasyPrint;
    an EPUB reader paginates by itself."""
    headings = "\n".join(
        f"h{level} {{ font-size: {scale}em; }}" for level, scale in enumerate(HEADING_SCALE, start=1)
    )
    rules = [
        _BASE.format(
            size=layout.font_size,
            body=layout.body_font.css,
            heading=layout.heading_font.css,
            mono=layout.mono_font.css,
            line_height=layout.line_height,
            align="justify" if layout.justify else "start",
            accent=layout.accent_color,
        ),
        headings,
    ]
    if paged:
        rules.append(_page_rules(layout, document))
    return "\n".join(rules)


def _page_rules(layout: Layout, document: Document) -> str:
    width, height = layout.page_size.millimetres
    margins = layout.margins
    boxes = {"top-left": running_text(layout.header_text, document)}
    boxes["bottom-left"] = running_text(layout.footer_text, document)
    content = {key: css_string(value) for key, value in boxes.items() if value}
    if layout.page_numbers:
        number_box = {
            PageNumberPosition.FOOTER_CENTER: "bottom-center",
            PageNumberPosition.FOOTER_RIGHT: "bottom-right",
            PageNumberPosition.HEADER_RIGHT: "top-right",
        }[layout.page_number_position]
        content[number_box] = "counter(page)"
    margin_boxes = " ".join(
        f"@{box} {{ content: {value}; font-size: .8em; color: #555; }}" for box, value in content.items()
    )
    breaks = ".chapter { break-before: page; }" if layout.chapter_page_breaks else ""
    return (
        f"@page {{ size: {width}mm {height}mm; "
        f"margin: {margins.top}mm {margins.right}mm {margins.bottom}mm {margins.left}mm; {margin_boxes} }}\n"
        f"@media print {{ body {{ max-width: none; margin: 0; }} .title-page, nav.toc {{ break-after: page; }} {breaks} }}"
    )


_BASE = """\
html {{ font-size: {size}pt; }}
body {{ font-family: {body}; line-height: {line_height}; text-align: {align}; hyphens: auto;
  max-width: 40em; margin: 0 auto; padding: 0 1em; color: #1a1a1a; }}
h1, h2, h3, h4, h5, h6 {{ font-family: {heading}; color: {accent}; line-height: 1.2; text-align: start;
  margin: 1.4em 0 .5em; break-after: avoid; }}
p {{ margin: 0 0 .7em; }}
li > p {{ margin: 0; }}
a {{ color: {accent}; }}
code, pre {{ font-family: {mono}; font-size: .88em; }}
pre {{ background: #f5f5f2; padding: .6em .8em; white-space: pre-wrap; overflow-wrap: break-word;
  text-align: start; border-radius: 3px; }}
blockquote {{ margin: 1em 0; padding-inline-start: 1em; border-inline-start: 3px solid {accent}; color: #444; }}
table {{ border-collapse: collapse; margin: 1em 0; text-align: start; }}
th, td {{ border: 1px solid #bbb; padding: .25em .6em; vertical-align: top; }}
th {{ background: #eeeeea; }}
.align-left {{ text-align: left; }}
.align-center {{ text-align: center; }}
.align-right {{ text-align: right; }}
figure {{ margin: 1em 0; text-align: center; }}
img {{ max-width: 100%; height: auto; }}
figcaption {{ font-size: .9em; font-style: italic; }}
hr {{ border: none; border-top: 1px solid #bbb; margin: 1.5em 0; }}
.title-page {{ text-align: center; margin: 4em 0; }}
.title-page .title {{ font-family: {heading}; font-size: 2.4em; color: {accent}; line-height: 1.2; }}
.title-page .subtitle {{ font-size: 1.3em; }}
.title-page .author {{ font-size: 1.1em; margin-top: 2em; }}
.cover {{ text-align: center; margin: 0; }}
.cover img {{ max-height: 95vh; }}
nav.toc ol {{ list-style: none; padding-inline-start: 1.2em; }}
nav.toc > ol {{ padding-inline-start: 0; }}"""
