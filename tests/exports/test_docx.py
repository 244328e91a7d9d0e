"""The DOCX reopened with python-docx: Word's own structures, counted."""

from __future__ import annotations

import io
from collections import Counter

import docx
import pytest
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Mm

from athanor.exports.render import BUILTIN_LAYOUTS, Document, ExportFormat, render
from tests.exports.conftest import CHAPTERS


@pytest.fixture(scope="module")
def word(handbook: Document) -> WordDocument:
    return docx.Document(io.BytesIO(render(handbook, ExportFormat.DOCX, BUILTIN_LAYOUTS["classic"])))


def _styles(word: WordDocument) -> Counter[str]:
    return Counter(paragraph.style.name for paragraph in word.paragraphs if paragraph.style is not None)


def test_headings_per_level(word: WordDocument) -> None:
    styles = _styles(word)
    assert (styles["Heading 1"], styles["Heading 2"], styles["Heading 3"]) == (len(CHAPTERS), 13, 1)
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == CHAPTERS
    assert styles["Title"] == 1
    assert styles["Subtitle"] == 2


def test_lists_use_word_list_styles_with_levels(word: WordDocument) -> None:
    styles = _styles(word)
    assert (styles["List Bullet"], styles["List Bullet 2"]) == (9, 4)
    assert (styles["List Number"], styles["List Number 2"]) == (4, 2)
    # Each numbered list counts from its own start instead of continuing the last one.
    numbered = [p for p in word.paragraphs if p.style.name.startswith("List Number")]
    instances = {p._p.pPr.numPr.numId.val for p in numbered}
    assert len(instances) == 2
    numbering = word.part.numbering_part.element
    for instance in instances:
        override = numbering.num_having_numId(instance).find(qn("w:lvlOverride"))
        assert override.find(qn("w:startOverride")).get(qn("w:val")) == "1"


def test_tables_with_header_rows(word: WordDocument) -> None:
    assert [(len(table.rows), len(table.columns)) for table in word.tables] == [(5, 4), (3, 3)]
    roles = word.tables[0]
    assert [cell.text for cell in roles.rows[0].cells] == [
        "Role",
        "Can invite",
        "Can spend tokens",
        "Can change billing",
    ]
    assert roles.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for run in roles.rows[0].cells[0].paragraphs[0].runs)
    assert roles.rows[1].cells[3].paragraphs[0].alignment == 2  # right


def test_character_formatting(word: WordDocument) -> None:
    runs = [run for paragraph in word.paragraphs for run in paragraph.runs]
    assert "single process" in {run.text for run in runs if run.bold}
    assert "fleet" in {run.text for run in runs if run.italic}
    assert "manual" in {run.text for run in runs if run.font.strike}
    assert "athanor" in {run.text for run in runs if run.style.name == "Inline Code"}
    code_blocks = [p for p in word.paragraphs if p.style.name == "Code Block"]
    assert len(code_blocks) == 3
    assert "athanor migrate" in code_blocks[0].text
    assert _styles(word)["Quote"] == 3


def test_pictures_links_and_fields(word: WordDocument) -> None:
    assert len(word.inline_shapes) == 2  # the cover and the diagram
    assert all(shape.width <= Mm(152.4 - 35) + 1 for shape in word.inline_shapes)
    links = word.element.body.findall(".//" + qn("w:hyperlink"))
    targets = {word.part.rels[link.get(qn("r:id"))].target_ref for link in links}
    assert targets == {"https://example.org/athanor/releases", "mailto:maintainers@example.org"}
    instructions = [text.text for text in word.element.body.iter(qn("w:instrText"))]
    assert instructions == [' TOC \\o "1-1" \\h \\z \\u ']


def test_page_setup_running_heads_and_properties(word: WordDocument) -> None:
    body = word.sections[-1]
    assert (body.page_width, body.page_height) == (Mm(152.4), Mm(228.6))
    assert body.header.paragraphs[0].text.startswith("The Athanor Operator's Handbook")
    footer_fields = [text.text for text in body.footer._element.iter(qn("w:instrText"))]
    assert footer_fields == [" PAGE "]
    assert len(word.sections) == 2
    assert not word.sections[0].header.paragraphs[0].text
    assert word.core_properties.title == "The Athanor Operator's Handbook"
    assert (word.core_properties.author, word.core_properties.language) == ("Ada Quill", "en")
