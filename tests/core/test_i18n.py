"""Every message the server can show exists in each language, placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from athanor.core.i18n import LOCALE_DIR, SUPPORTED_LOCALES, negotiate, translate

SOURCE = Path(__file__).resolve().parents[2] / "src" / "athanor"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _source_messages() -> set[str]:
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            SOURCE, method_map=[("**.py", "python")], keywords={"_": None}
        )
        if isinstance(message, str)
    }


@pytest.mark.parametrize("locale", [code for code in SUPPORTED_LOCALES if code != "en"])
def test_catalog_translates_every_message(locale: str) -> None:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=locale)
    translated = {message.id: message.string for message in catalog if message.id and message.string}
    missing = sorted(_source_messages() - set(translated))
    assert missing == [], f"untranslated in {locale}: {missing}"
    for msgid, text in translated.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), msgid


def test_translate_fills_placeholders() -> None:
    message = "Too many requests. Try again in {retry_after} seconds."
    assert translate(message, "es", retry_after=3) == (
        "Demasiadas solicitudes. Vuelve a intentarlo en 3 segundos."
    )
    assert translate(message, "en", retry_after=3) == "Too many requests. Try again in 3 seconds."


@pytest.mark.parametrize(
    ("header", "saved", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", None, "es"),
        ("fr-FR, ar;q=0.5", None, "ar"),
        ("de, fr", None, "en"),
        ("", None, "en"),
        ("es", "ar", "ar"),
        ("en;q=0.1, es;q=0.9", None, "es"),
        ("garbage;;q=x, ar", None, "ar"),
    ],
)
def test_negotiation_prefers_saved_language_then_header(
    header: str, saved: str | None, expected: str
) -> None:
    assert negotiate(header, saved) == expected
