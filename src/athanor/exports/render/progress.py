"""Progress reports: a fraction from 0 to 1 and a short stage label.

A callback that raises cancels the export: writers let the exception through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from athanor.exports.render.document import Chapter, Document

Progress = Callable[[float, str], None]


def ignore_progress(fraction: float, stage: str) -> None:
    """The callback of a caller who does not follow progress."""


def each_chapter(
    document: Document, progress: Progress, *, start: float = 0.0, end: float = 1.0
) -> Iterator[tuple[int, Chapter]]:
    """The chapters with their index, reporting before each one on the span start..end."""
    count = len(document.chapters)
    for index, chapter in enumerate(document.chapters):
        progress(start + (end - start) * index / count, "chapters")
        yield index, chapter
    progress(end, "chapters")
