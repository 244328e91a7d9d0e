"""DOCX with Word's own structures: heading and list styles, real tables, fields for the
contents and page numbers, pictures inline."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.image import Image as WordImage
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm, Pt
from docx.text.paragraph import Paragraph as WordParagraph

from athanor.exports.render.document import (
    Alignment,
    Block,
    BlockQuote,
    Code,
    CodeBlock,
    Document,
    Emphasis,
    Heading,
    Image,
    ImageBlock,
    Inline,
    InlineImage,
    Inlines,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Rule,
    Strikethrough,
    Strong,
    Table,
    Text,
)
from athanor.exports.render.docx_styles import (
    CODE_BLOCK,
    CODE_CHARACTERS,
    HYPERLINK,
    MAX_HEADING_LEVEL,
    add_child,
    add_field,
    set_up_page,
    set_up_running_heads,
    set_up_styles,
    update_fields_on_open,
)
from athanor.exports.render.layout import Layout
from athanor.exports.render.progress import Progress, each_chapter
from athanor.exports.render.words import CONTENTS, UPDATE_TOC, word

# Word's template defines list styles for three levels; deeper items stay at the third.
_LIST_LEVELS = 3
_ALIGNMENTS = {
    Alignment.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Alignment.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Alignment.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
}


@dataclass(frozen=True)
class _Format:
    """The character formatting an inline inherits from those around it."""

    bold: bool = False
    italic: bool = False
    strike: bool = False


def write_docx(document: Document, layout: Layout, progress: Progress) -> bytes:
    word_document = docx.Document()
    set_up_page(word_document.sections[0], layout)
    set_up_styles(word_document, layout, document)
    _set_properties(word_document, document)
    writer = _DocxWriter(word_document, layout)
    has_front_matter = writer.front_matter(document)
    if has_front_matter:
        # The body's own section: running heads and page numbers start with it.
        word_document.add_section(WD_SECTION.NEW_PAGE)
    set_up_running_heads(word_document.sections[-1], layout, document, restart_numbers=has_front_matter)
    for _index, chapter in each_chapter(document, progress, end=0.9):
        if chapter.title:
            writer.heading(1, [Text(chapter.title)])
        writer.blocks(chapter.blocks)
    progress(0.95, "package")
    output = io.BytesIO()
    word_document.save(output)
    return output.getvalue()


def _set_properties(word_document: WordDocument, document: Document) -> None:
    properties = word_document.core_properties
    properties.title = document.title
    properties.author = document.author
    properties.language = document.language
    properties.subject = document.subtitle or ""
    properties.comments = document.description or ""


class _DocxWriter:
    def __init__(self, word_document: WordDocument, layout: Layout) -> None:
        self._word = word_document
        self._layout = layout
        page_height = layout.page_size.millimetres[1]
        self._text_width = Mm(layout.text_width_mm)
        self._text_height = Mm(page_height - layout.margins.top - layout.margins.bottom)
        self._line_height = Pt(layout.font_size * 1.2)
        self._style_ids: dict[str, str] = {}

    def front_matter(self, document: Document) -> bool:
        """Cover, title page and contents, each ending its page; True when any was written."""
        pages = 0
        if self._layout.cover and document.cover is not None:
            paragraph = self._word.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._picture(paragraph, document.cover, self._text_width, Emu(int(self._text_height * 0.95)))
            pages += 1
        if self._layout.title_page:
            if pages:
                self._page_break()
            self._paragraph("Title", document.title)
            for text, style in ((document.subtitle, "Subtitle"), (document.author, "Subtitle")):
                if text:
                    self._paragraph(style, text)
            if document.description:
                self._paragraph(None, document.description).alignment = WD_ALIGN_PARAGRAPH.CENTER
            pages += 1
        if self._layout.toc:
            if pages:
                self._page_break()
            self._paragraph("TOC Heading", word(CONTENTS, document))
            add_field(
                self._word.add_paragraph(),
                f'TOC \\o "1-{self._layout.toc_depth}" \\h \\z \\u',
                word(UPDATE_TOC, document),
            )
            update_fields_on_open(self._word)
            pages += 1
        return pages > 0

    def _paragraph(self, style: str | None, text: str = "") -> WordParagraph:
        paragraph = self._word.add_paragraph(text)
        if style is not None:
            paragraph._p.style = self._style_id(style)
        return paragraph

    def _style_id(self, name: str) -> str:
        """Looked up once: python-docx scans every style on each lookup by name, which made
        a long book take seconds."""
        if name not in self._style_ids:
            self._style_ids[name] = self._word.styles[name].style_id
        return self._style_ids[name]

    def _page_break(self) -> None:
        self._word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def blocks(self, blocks: Sequence[Block], *, style: str | None = None, depth: int = 0) -> None:
        for block in blocks:
            self._block(block, style, depth)

    def _block(self, block: Block, style: str | None, depth: int) -> None:
        match block:
            case Heading(level, inlines):
                self.heading(level, inlines)
            case Paragraph(inlines):
                self.inlines(self._paragraph(style), inlines)
            case ListBlock():
                self._list(block, depth)
            case Table():
                self._table(block)
            case CodeBlock(text):
                self._code(text)
            case BlockQuote(blocks):
                self.blocks(blocks, style="Quote", depth=depth)
            case ImageBlock(image, caption):
                paragraph = self._word.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.paragraph_format.keep_with_next = bool(caption)
                self._picture(paragraph, image, self._text_width, self._text_height)
                if caption:
                    self._paragraph("Caption", caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
            case Rule():
                paragraph = self._word.add_paragraph()
                borders = add_child(paragraph._p.get_or_add_pPr(), "w:pBdr")
                borders.append(OxmlElement("w:bottom", {qn(f"w:{k}"): v for k, v in _RULE.items()}))

    def heading(self, level: int, inlines: Inlines) -> None:
        self.inlines(self._paragraph(f"Heading {min(max(level, 1), MAX_HEADING_LEVEL)}"), inlines)

    def _list(self, listing: ListBlock, depth: int) -> None:
        level = min(depth + 1, _LIST_LEVELS)
        suffix = "" if level == 1 else f" {level}"
        item_style = ("List Number" if listing.ordered else "List Bullet") + suffix
        number_id = self._restarted_numbering(item_style, listing.start) if listing.ordered else None
        for item in listing.items:
            first, rest = (item[0], item[1:]) if item and isinstance(item[0], Paragraph) else (None, item)
            paragraph = self._paragraph(item_style)
            if number_id is not None:
                properties = paragraph._p.get_or_add_pPr()
                numbering = properties.get_or_add_numPr()
                numbering.get_or_add_ilvl().val = 0
                numbering.get_or_add_numId().val = number_id
            if first is not None:
                self.inlines(paragraph, first.inlines)
            for block in rest:
                if isinstance(block, Paragraph):
                    self.inlines(self._paragraph(f"List Continue{suffix}"), block.inlines)
                else:
                    self._block(block, None, depth + 1)

    def _restarted_numbering(self, style_name: str, start: int) -> int:
        """A numbering instance of the style's list that counts from `start`: without one,
        every numbered list of the document would continue the previous one."""
        style = self._word.styles[style_name]
        style_number = style.element.pPr.numPr.numId.val
        numbering = self._word.part.numbering_part.element
        abstract = numbering.num_having_numId(style_number).abstractNumId.val
        instance = numbering.add_num(abstract)
        override = instance.add_lvlOverride(ilvl=0)
        override.add_startOverride(start)
        return int(instance.numId)

    def _table(self, table: Table) -> None:
        columns = max(table.columns, 1)
        rows = [*table.header, *table.body]
        word_table = self._word.add_table(rows=len(rows), cols=columns)
        word_table.style = self._word.styles["Table Grid"]
        word_table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for row_index, (row, word_row) in enumerate(zip(rows, word_table.rows, strict=True)):
            is_header = row_index < len(table.header)
            if is_header:
                # Repeats the header row at the top of each page the table spans.
                add_child(word_row._tr.get_or_add_trPr(), "w:tblHeader")
            # Rows shorter than the table leave their last cells empty.
            for column, (cell, word_cell) in enumerate(zip(row, word_row.cells, strict=False)):
                paragraph = word_cell.paragraphs[0]
                alignment = table.alignment(column)
                paragraph.alignment = _ALIGNMENTS[alignment] if alignment else WD_ALIGN_PARAGRAPH.LEFT
                self.inlines(paragraph, cell, _Format(bold=is_header))

    def _code(self, text: str) -> None:
        paragraph = self._paragraph(CODE_BLOCK)
        for number, line in enumerate(text.split("\n")):
            run = paragraph.add_run()
            if number:
                run.add_break()
            run.add_text(line)

    def inlines(self, paragraph: WordParagraph, inlines: Inlines, form: _Format = _Format()) -> None:
        for inline in inlines:
            self._inline(paragraph, inline, form)

    def _inline(self, paragraph: WordParagraph, inline: Inline, form: _Format) -> None:
        match inline:
            case Text(text):
                self._run(paragraph, text, form)
            case Code(text):
                self._run(paragraph, text, form, style=CODE_CHARACTERS)
            case LineBreak():
                paragraph.add_run().add_break()
            case InlineImage(image):
                self._picture(paragraph, image, self._text_width, self._line_height)
            case Emphasis(children):
                self.inlines(paragraph, children, replace(form, italic=True))
            case Strong(children):
                self.inlines(paragraph, children, replace(form, bold=True))
            case Strikethrough(children):
                self.inlines(paragraph, children, replace(form, strike=True))
            case Link(href, children):
                self._link(paragraph, href, children, form)

    def _run(self, paragraph: WordParagraph, text: str, form: _Format, style: str | None = None) -> None:
        run = paragraph.add_run(text)
        if style is not None:
            run._r.style = self._style_id(style)
        # Only what is on is written: each property set adds XML, even to say "inherit".
        if form.bold:
            run.bold = True
        if form.italic:
            run.italic = True
        if form.strike:
            run.font.strike = True

    def _link(self, paragraph: WordParagraph, href: str, children: Inlines, form: _Format) -> None:
        """The link text's runs moved into a w:hyperlink (python-docx cannot make one)."""
        relation = paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink", {qn("r:id"): relation})
        runs_before = len(paragraph.runs)
        self.inlines(paragraph, children, form)
        for run in paragraph.runs[runs_before:]:
            run._r.style = self._style_id(HYPERLINK)
            hyperlink.append(run._r)
        paragraph._p.append(hyperlink)

    def _picture(self, paragraph: WordParagraph, image: Image, max_width: Length, max_height: Length) -> None:
        natural = WordImage.from_blob(image.data)
        scale = min(1.0, max_width / natural.width, max_height / natural.height)
        picture = paragraph.add_run().add_picture(
            io.BytesIO(image.data),
            width=Emu(int(natural.width * scale)),
            height=Emu(int(natural.height * scale)),
        )
        picture._inline.docPr.set("descr", image.alt)


_RULE = {"val": "single", "sz": "6", "space": "1", "color": "AAAAAA"}
