"""`athanor export`: files in, files out, clear errors, no reading outside the input's folder."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from athanor.cli import app
from athanor.exports.render import BUILTIN_LAYOUTS, ExportFormat
from tests.exports.conftest import HANDBOOK

runner = CliRunner()
# The first bytes of each format, as `file` would recognise it.
SIGNATURES = {
    ExportFormat.PDF: b"%PDF-",
    ExportFormat.EPUB: b"PK\x03\x04",
    ExportFormat.DOCX: b"PK\x03\x04",
    ExportFormat.HTML: b"<!DOCTYPE html>",
    ExportFormat.MARKDOWN: b"---\ntitle: The Athanor",
    ExportFormat.TEXT: b"The Athanor Operator's Handbook\n===",
}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory, pictures: dict[str, bytes]) -> Path:
    folder = tmp_path_factory.mktemp("book")
    shutil.copy(HANDBOOK, folder / "handbook.md")
    for name, data in pictures.items():
        (folder / name).write_bytes(data)
    return folder / "handbook.md"


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_each_format(book: Path, fmt: ExportFormat) -> None:
    result = runner.invoke(app, ["export", str(book), "--to", fmt.value, "--template", "compact"])
    assert result.exit_code == 0, result.output
    # Markdown out of Markdown in does not overwrite the source.
    written = book.with_suffix(".export.md" if fmt is ExportFormat.MARKDOWN else fmt.extension)
    assert written.read_bytes().startswith(SIGNATURES[fmt])
    if fmt is ExportFormat.EPUB:  # the diagram, read from beside the file (the compact layout has no cover)
        assert [name for name in zipfile.ZipFile(written).namelist() if name.startswith("EPUB/images/")] == [
            "EPUB/images/image-1.png"
        ]


def test_html_input_and_json_template(book: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html lang='es'><title>Página</title><body><h1>Uno</h1><p>Hola <b>mundo</b>.</p></body></html>"
    )
    template = tmp_path / "letter.json"
    template.write_text(
        json.dumps(BUILTIN_LAYOUTS["modern"].model_dump(mode="json") | {"page_size": "letter"})
    )
    output = tmp_path / "out" / "page.txt"
    output.parent.mkdir()
    result = runner.invoke(
        app, ["export", str(page), "--to", "text", "--template", str(template), "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert output.read_text().startswith("Página\n======")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--template", "fancy"], "neither a built-in layout"),
        (["--to", "odt"], "'odt' is not one of"),
    ],
)
def test_bad_options_exit_with_status_2(book: Path, arguments: list[str], message: str) -> None:
    options = ["--to", "pdf", *arguments] if "--to" not in arguments else arguments
    result = runner.invoke(app, ["export", str(book), *options])
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace("│", " ").split())


def test_bad_inputs_exit_with_status_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("\n\n")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    invalid = tmp_path / "invalid.json"
    invalid.write_text('{"accent_color": "blue"}')
    cases = [
        (["export", str(tmp_path / "missing.md"), "--to", "pdf"], "does not exist"),
        (["export", str(empty), "--to", "pdf"], "export.document_empty"),
        (["export", str(binary), "--to", "pdf"], "is not UTF-8 text"),
        (["export", str(invalid.with_suffix(".csv")), "--to", "pdf"], "does not exist"),
        (["export", str(empty), "--to", "pdf", "--template", str(invalid)], "accent_color"),
    ]
    for arguments, message in cases:
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2, arguments
        assert message in " ".join(result.output.replace("│", " ").split()), result.output


def test_pictures_outside_the_input_folder_are_not_read(tmp_path: Path, pictures: dict[str, bytes]) -> None:
    (tmp_path / "secret.png").write_bytes(pictures["diagram.png"])
    inside = tmp_path / "book"
    inside.mkdir()
    (inside / "link.png").symlink_to(tmp_path / "secret.png")
    (inside / "here.png").write_bytes(pictures["diagram.png"])
    source = inside / "book.md"
    source.write_text(
        f"# Pictures\n\n![up](../secret.png)\n\n![absolute]({tmp_path / 'secret.png'})\n\n"
        "![linked](link.png)\n\n![escaped](%2E%2E/secret.png)\n\n![fine](here.png)"
    )
    result = runner.invoke(app, ["export", str(source), "--to", "html"])
    assert result.exit_code == 0, result.output
    html = source.with_suffix(".html").read_text()
    assert html.count("data:image/png") == 1
    assert all(f"<p>{alt}</p>" in html for alt in ("up", "absolute", "linked", "escaped"))
