"""Server-side message translation through Babel catalogs (`athanor/locale/*.po`)."""

from __future__ import annotations

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT_LOCALE = "en"
SUPPORTED_LOCALES = ("en", "es", "ar")


def _(message: str) -> str:
    """Marks a message for extraction; translation happens when it is shown."""
    return message


@lru_cache(maxsize=len(SUPPORTED_LOCALES))
def _catalog(locale: str) -> gettext.NullTranslations:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translate(message: str, locale: str, **params: object) -> str:
    text = _catalog(locale).gettext(message) if locale in SUPPORTED_LOCALES else message
    return text.format(**params) if params else text


def normalize_locale(tag: str | None) -> str | None:
    """The supported language for a tag such as 'es-MX', or None."""
    if not tag:
        return None
    try:
        language = Locale.parse(tag.replace("-", "_")).language
    except (ValueError, UnknownLocaleError):
        return None
    return language if language in SUPPORTED_LOCALES else None


def negotiate(accept_language: str | None, preferred: str | None = None) -> str:
    """The user's saved language first, then the best match of Accept-Language."""
    saved = normalize_locale(preferred)
    if saved:
        return saved
    ranked: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*":
            ranked.append((quality, tag))
    for _quality, tag in sorted(ranked, key=lambda item: -item[0]):
        locale = normalize_locale(tag)
        if locale:
            return locale
    return DEFAULT_LOCALE
