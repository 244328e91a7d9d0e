"""The shared handbook: parsed once, with its pictures drawn by Pillow (no binary files)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image as Pillow
from PIL import ImageDraw

from athanor.exports.render import Document, from_markdown, load_image
from athanor.exports.render.document import Image

HANDBOOK = Path(__file__).parent / "fixtures" / "handbook.md"
CHAPTERS = [
    "Getting Started",
    "Tenants and Access",
    "Engines and Workflows",
    "Wallets and Billing",
    "Operations",
    "Extending Athanor",
]


def picture(width: int, height: int, colour: str) -> bytes:
    canvas = Pillow.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((10, 10, width - 10, height - 10), outline=colour, width=6)
    draw.ellipse((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=colour)
    output = io.BytesIO()
    canvas.save(output, format="PNG")
    return output.getvalue()


@pytest.fixture(scope="session")
def pictures() -> dict[str, bytes]:
    return {"diagram.png": picture(600, 300, "#1f5fbf"), "cover.png": picture(600, 900, "#7a2e1f")}


@pytest.fixture(scope="session")
def handbook_text() -> str:
    return HANDBOOK.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def handbook(handbook_text: str, pictures: dict[str, bytes]) -> Document:
    def resolve(src: str) -> Image | None:
        return load_image(pictures[src], name=src) if src in pictures else None

    return from_markdown(handbook_text, images=resolve)
