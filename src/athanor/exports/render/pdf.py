"""PDF through Typst, compiled in this process from generated source."""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

import typst

from athanor.core.i18n import _
from athanor.exports.render.document import Document, DocumentError, ImageFiles
from athanor.exports.render.layout import Layout
from athanor.exports.render.progress import Progress, each_chapter
from athanor.exports.render.typst_markup import TypstWriter

# Share of the progress bar spent writing the source; compiling takes the rest.
_SOURCE_SHARE = 0.2


@lru_cache(maxsize=1)
def _fonts() -> typst.Fonts:
    """Typst's embedded families plus the system's: the layout only offers the embedded ones,
    the others are fallbacks for scripts those lack (Arabic, CJK). Scanned once per process."""
    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)


def typst_source(document: Document, layout: Layout, images: ImageFiles, progress: Progress) -> str:
    writer = TypstWriter(document, layout, images)
    parts = [writer.preamble(), writer.front_matter(), writer.running_heads()]
    parts += [
        writer.chapter(chapter) for _index, chapter in each_chapter(document, progress, end=_SOURCE_SHARE)
    ]
    return "\n\n".join(parts) + "\n"


def write_pdf(document: Document, layout: Layout, progress: Progress) -> bytes:
    images = ImageFiles(document, with_cover=layout.cover)
    source = typst_source(document, layout, images, progress)
    progress(_SOURCE_SHARE, "typesetting")
    with tempfile.TemporaryDirectory(prefix="athanor-typst-") as folder:
        # Typst reads pictures only from files under its root: the source sits beside them.
        root = Path(folder)
        (root / "images").mkdir()
        for name, image in images.files.items():
            (root / name).write_bytes(image.data)
        main = root / "main.typ"
        main.write_text(source, encoding="utf-8")
        try:
            return typst.compile(main, root=root, format="pdf", font_paths=_fonts())
        except typst.TypstError as error:
            # Escaping makes user text unable to break the source: this is a bug of ours.
            raise DocumentError(
                "export.render_failed", _("The document could not be typeset."), detail=error.message
            ) from error
