"""Word's page setup, styles and fields for a layout: what python-docx has no API for is
written as WordprocessingML elements here, and only here."""

from __future__ import annotations

from typing import cast

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.text.paragraph import Paragraph as WordParagraph

from athanor.exports.render.document import Document
from athanor.exports.render.layout import FontFamily, Layout, PageNumberPosition, heading_scale, running_text

CODE_CHARACTERS = "Inline Code"
CODE_BLOCK = "Code Block"
HYPERLINK = "Hyperlink"
MAX_HEADING_LEVEL = 6
_GREY = RGBColor(0x55, 0x55, 0x55)


def set_up_page(section: Section, layout: Layout) -> None:
    width, height = layout.page_size.millimetres
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.bottom_margin = Mm(layout.margins.top), Mm(layout.margins.bottom)
    section.left_margin, section.right_margin = Mm(layout.margins.left), Mm(layout.margins.right)


def set_up_styles(word: WordDocument, layout: Layout, document: Document) -> None:
    accent = RGBColor.from_string(layout.accent_color[1:].upper())
    normal = _paragraph_style(word, "Normal")
    _set_font(normal, layout.body_font, Pt(layout.font_size))
    normal.paragraph_format.line_spacing = layout.line_height
    normal.paragraph_format.space_after = Pt(layout.font_size * 0.6)
    if layout.justify:
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _set_language(normal, document)
    for level in range(1, MAX_HEADING_LEVEL + 1):
        heading = _paragraph_style(word, f"Heading {level}")
        _set_font(heading, layout.heading_font, Pt(layout.font_size * heading_scale(level)))
        heading.font.color.rgb = accent
        heading.font.bold = True
        heading.font.italic = False
        heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        heading.paragraph_format.line_spacing = 1.1
    _paragraph_style(word, "Heading 1").paragraph_format.page_break_before = layout.chapter_page_breaks
    for name in ("Title", "Subtitle", "TOC Heading"):
        style = _paragraph_style(word, name)
        _set_font(style, layout.heading_font, None)
        style.font.color.rgb = accent
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph_style(word, "TOC Heading").paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    code = word.styles.add_style(CODE_CHARACTERS, WD_STYLE_TYPE.CHARACTER)
    assert isinstance(code, CharacterStyle)
    _set_font(code, layout.mono_font, Pt(layout.font_size * 0.9))
    block = word.styles.add_style(CODE_BLOCK, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(block, ParagraphStyle)
    block.base_style = normal
    _set_font(block, layout.mono_font, Pt(layout.font_size * 0.85))
    block.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    block.paragraph_format.line_spacing = 1.0
    block.paragraph_format.left_indent = Mm(3)
    _shade(block, "F2F2EE")
    link = word.styles.add_style(HYPERLINK, WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = accent
    link.font.underline = True
    for name in ("Header", "Footer"):
        running = _paragraph_style(word, name)
        running.font.size = Pt(layout.font_size * 0.8)
        running.font.color.rgb = _GREY
        running.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _set_running_tabs(running, layout)


def _paragraph_style(word: WordDocument, name: str) -> ParagraphStyle:
    style = word.styles[name]
    assert isinstance(style, ParagraphStyle)
    return style


def _set_font(style: CharacterStyle, family: FontFamily, size: Pt | None) -> None:
    style.font.name = family.value
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    # Theme font references win over named fonts in Word: the headings of the default
    # template carry them, so they go.
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:cs"), family.value)
    if size is not None:
        style.font.size = size


# The schema's order of the children this module adds, from the first of them to the end
# of each parent's sequence: Word refuses a file whose properties are out of order.
_CHILD_ORDER = {
    "w:pPr": (
        "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
    ),
    "w:rPr": ("w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"),
    "w:trPr": ("w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange"),
    "w:sectPr": (
        "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
        "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
    ),
    "w:settings": (
        "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
        "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
        "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
        "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
        "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
        "w:listSeparator",
    ),
}  # fmt: skip
_ORDER_BY_TAG = {qn(parent): order for parent, order in _CHILD_ORDER.items()}


def add_child(parent: BaseOxmlElement, tag: str, **attributes: str) -> BaseOxmlElement:
    """A new child of a properties element, placed where the schema wants it."""
    order = _ORDER_BY_TAG[parent.tag]
    child = OxmlElement(tag, {qn(f"w:{name}"): value for name, value in attributes.items()})
    parent.insert_element_before(child, *order[order.index(tag) + 1 :])
    return cast(BaseOxmlElement, child)


def _set_language(style: ParagraphStyle, document: Document) -> None:
    properties = style.element.get_or_add_rPr()
    if document.right_to_left:
        add_child(style.element.get_or_add_pPr(), "w:bidi")
        add_child(properties, "w:rtl")
        add_child(properties, "w:lang", val=document.language, bidi=document.language)
    else:
        add_child(properties, "w:lang", val=document.language)


def _shade(style: ParagraphStyle, fill: str) -> None:
    add_child(style.element.get_or_add_pPr(), "w:shd", val="clear", color="auto", fill=fill)


def _set_running_tabs(style: ParagraphStyle, layout: Layout) -> None:
    """Centre and right tab stops at this page's text width (the template's suit Letter)."""
    tabs = style.paragraph_format.tab_stops
    tabs.clear_all()
    tabs.add_tab_stop(Mm(layout.text_width_mm / 2), WD_TAB_ALIGNMENT.CENTER)
    tabs.add_tab_stop(Mm(layout.text_width_mm), WD_TAB_ALIGNMENT.RIGHT)


def add_field(paragraph: WordParagraph, instruction: str, placeholder: str) -> None:
    """A field Word computes (PAGE, TOC): `placeholder` shows until it is updated."""
    paragraph.add_run()._r.append(_field_character("begin"))
    instruction_run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instruction_run._r.append(text)
    paragraph.add_run()._r.append(_field_character("separate"))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(_field_character("end"))


def _field_character(kind: str) -> BaseOxmlElement:
    # `dirty` asks Word to compute the field instead of showing the placeholder.
    attributes = {qn("w:fldCharType"): kind} | ({qn("w:dirty"): "true"} if kind == "begin" else {})
    return cast(BaseOxmlElement, OxmlElement("w:fldChar", attributes))


def update_fields_on_open(word: WordDocument) -> None:
    """Word then fills the table of contents when the file is opened (after asking)."""
    add_child(word.settings.element, "w:updateFields", val="true")


def set_up_running_heads(
    section: Section, layout: Layout, document: Document, *, restart_numbers: bool
) -> None:
    """Running text at the left; the page number after one tab (centre) or two (right)."""
    position = layout.page_number_position
    tabs = 1 if position is PageNumberPosition.FOOTER_CENTER else 2
    parts = (
        (section.header, layout.header_text, position.in_header),
        (section.footer, layout.footer_text, not position.in_header),
    )
    for part, text, holds_number in parts:
        part.is_linked_to_previous = False
        paragraph = part.paragraphs[0]
        paragraph.add_run(running_text(text, document))
        if layout.page_numbers and holds_number:
            paragraph.add_run("\t" * tabs)
            add_field(paragraph, "PAGE", "1")
    if restart_numbers:
        add_child(section._sectPr, "w:pgNumType", start="1")
