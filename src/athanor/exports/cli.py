"""`athanor export`: a Markdown or HTML file rendered to any export format, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import unquote, urlsplit

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from athanor.core.i18n import DEFAULT_LOCALE, translate
from athanor.exports.render import (
    BUILTIN_LAYOUTS,
    Document,
    DocumentError,
    ExportFormat,
    ImageResolver,
    Layout,
    from_html,
    from_markdown,
    load_image,
    render,
)
from athanor.exports.render.document import Image
from athanor.exports.render.images import MAX_IMAGE_BYTES

_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".txt"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
console = Console(stderr=True)


def export(
    file: Annotated[
        Path,
        typer.Argument(
            help="A Markdown (.md) or HTML (.html) file", exists=True, dir_okay=False, readable=True
        ),
    ],
    to: Annotated[ExportFormat, typer.Option("--to", help="The format to write")],
    template: Annotated[
        str,
        typer.Option(
            help=f"A built-in layout ({', '.join(BUILTIN_LAYOUTS)}) or a JSON file holding a layout"
        ),
    ] = "classic",
    output: Annotated[
        Path | None,
        typer.Option(
            help="Where to write (default: FILE with the format's extension, or FILE.export.md for a .md)"
        ),
    ] = None,
) -> None:
    """Export a Markdown or HTML file as PDF, EPUB, DOCX, HTML, Markdown or text."""
    layout = _layout(template)
    document = _read(file)
    target = output or _default_output(file, to)
    if target.resolve() == file.resolve():
        raise typer.BadParameter("the output would overwrite the input file", param_hint="--output")
    with Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("start", total=1.0)
        data = render(
            document,
            to,
            layout,
            progress=lambda done, stage: bar.update(task, completed=done, description=stage),
        )
    target.write_bytes(data)
    console.print(f"[green]Wrote {target}[/green] ({len(data):,} bytes)")


def _default_output(file: Path, to: ExportFormat) -> Path:
    target = file.with_suffix(to.extension)
    return file.with_suffix(f".export{to.extension}") if target == file else target


def _layout(template: str) -> Layout:
    if template in BUILTIN_LAYOUTS:
        return BUILTIN_LAYOUTS[template]
    path = Path(template)
    if path.suffix.lower() != ".json" or not path.is_file():
        names = ", ".join(BUILTIN_LAYOUTS)
        raise typer.BadParameter(
            f"{template!r} is neither a built-in layout ({names}) nor a JSON file", param_hint="--template"
        )
    try:
        return Layout.model_validate_json(path.read_bytes())
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'layout'}: {item['msg']}"
            for item in error.errors()
        )
        raise typer.BadParameter(
            f"{path} is not a valid layout: {problems}", param_hint="--template"
        ) from None


def _read(file: Path) -> Document:
    suffix = file.suffix.lower()
    if suffix not in _MARKDOWN_SUFFIXES | _HTML_SUFFIXES:
        raise typer.BadParameter("give a Markdown (.md) or HTML (.html) file", param_hint="FILE")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise typer.BadParameter(f"{file} is not UTF-8 text", param_hint="FILE") from None
    parse = from_html if suffix in _HTML_SUFFIXES else from_markdown
    try:
        return parse(text, title=file.stem, images=folder_images(file.parent))
    except DocumentError as error:
        message = translate(error.message, DEFAULT_LOCALE, **error.params)
        raise typer.BadParameter(f"{message} ({error.code})", param_hint="FILE") from None


def folder_images(folder: Path) -> ImageResolver:
    """Pictures named relative to the input file, read from its folder and below only:
    a path that leaves it (`../`, an absolute path, a symbolic link out) is not read."""
    root = folder.resolve()

    def resolve(src: str) -> Image | None:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        path = (root / unquote(parts.path)).resolve()
        if not path.is_relative_to(root) or not path.is_file() or path.stat().st_size > MAX_IMAGE_BYTES:
            return None
        return load_image(path.read_bytes(), name=path.name)

    return resolve
