"""The EPUB checked by epubcheck, the reference validator, and read back as a zip."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest

from athanor.exports.render import BUILTIN_LAYOUTS, Document, ExportFormat, from_markdown, render
from tests.exports.conftest import CHAPTERS

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def handbook_epub(handbook: Document) -> bytes:
    return render(handbook, ExportFormat.EPUB, BUILTIN_LAYOUTS["classic"])


@pytest.fixture(scope="module")
def arabic_epub() -> bytes:
    """Right to left, no headings at all (the contents still need an entry), no cover or contents page."""
    document = from_markdown(
        "---\ntitle: دليل المشغل\nauthor: أدا\nlanguage: ar\n---\n\nمرحبا *بالعالم*.\n\n- واحد\n- اثنان"
    )
    return render(document, ExportFormat.EPUB, BUILTIN_LAYOUTS["manuscript"])


# The quick JIT tier and the serial collector start epubcheck in 3.8 s instead of 5.7 s, on one core.
_QUICK_JAVA = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def _epubcheck(path: Path) -> subprocess.CompletedProcess[str]:
    java = shutil.which("java") or "java"
    command = [java, *_QUICK_JAVA, "-jar", str(EPUBCHECK), str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_epubcheck_finds_nothing(tmp_path: Path, handbook_epub: bytes, arabic_epub: bytes) -> None:
    if not EPUBCHECK.exists() or shutil.which("java") is None:
        if IN_CI:
            pytest.fail("epubcheck is required under CI (make doc-tools)")
        pytest.skip("epubcheck is not installed (make doc-tools)")
    books = [tmp_path / "handbook.epub", tmp_path / "arabic.epub"]
    books[0].write_bytes(handbook_epub)
    books[1].write_bytes(arabic_epub)
    # One Java start costs seconds: both books are checked at once.
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(_epubcheck, books))
    for book, result in zip(books, results, strict=True):
        report = result.stdout + result.stderr
        assert result.returncode == 0, f"{book.name}: {report}"
        assert "No errors or warnings detected." in report, f"{book.name}: {report}"


def test_package_layout(handbook_epub: bytes) -> None:
    archive = zipfile.ZipFile(BytesIO(handbook_epub))
    first = archive.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/epub+zip"
    names = set(archive.namelist())
    chapters = sorted(name for name in names if re.fullmatch(r"EPUB/chapter-\d+\.xhtml", name))
    assert len(chapters) == len(CHAPTERS) + 1  # and the untitled introduction
    assert {
        "EPUB/nav.xhtml",
        "EPUB/toc.ncx",
        "EPUB/style.css",
        "EPUB/cover.xhtml",
        "EPUB/title.xhtml",
    } <= names
    assert len([name for name in names if name.startswith("EPUB/images/")]) == 2


def test_metadata_and_contents(handbook_epub: bytes) -> None:
    archive = zipfile.ZipFile(BytesIO(handbook_epub))
    package = archive.read("EPUB/package.opf").decode()
    assert "<dc:title>The Athanor Operator&#x27;s Handbook</dc:title>" in package
    assert "<dc:creator>Ada Quill</dc:creator>" in package
    assert "<dc:language>en</dc:language>" in package
    assert re.search(r'<dc:identifier id="book-id">urn:uuid:[0-9a-f-]{36}</dc:identifier>', package)
    assert re.search(r'<meta property="dcterms:modified">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</meta>', package)
    assert 'properties="cover-image"' in package
    navigation = archive.read("EPUB/nav.xhtml").decode()
    assert all(title in navigation for title in CHAPTERS)
    assert archive.read("EPUB/toc.ncx").decode().count("<navPoint") == len(CHAPTERS)  # classic: chapters only
    body = archive.read("EPUB/chapter-3.xhtml").decode()
    assert "<h1>Tenants and Access</h1>" in body
    assert "<table>" in body
    assert 'class="align-center"' in body


def test_the_same_text_gives_the_same_identifier(handbook: Document, handbook_epub: bytes) -> None:
    again = render(handbook, ExportFormat.EPUB, BUILTIN_LAYOUTS["classic"])

    def identifier(book: bytes) -> str:
        package = zipfile.ZipFile(BytesIO(book)).read("EPUB/package.opf").decode()
        return re.search(r"urn:uuid:[0-9a-f-]+", package).group(0)  # type: ignore[union-attr]

    assert identifier(again) == identifier(handbook_epub)


def test_right_to_left_book(arabic_epub: bytes) -> None:
    archive = zipfile.ZipFile(BytesIO(arabic_epub))
    assert 'page-progression-direction="rtl"' in archive.read("EPUB/package.opf").decode()
    assert 'dir="rtl"' in archive.read("EPUB/chapter-1.xhtml").decode()
    assert "دليل المشغل" in archive.read("EPUB/nav.xhtml").decode()
