"""The few words an export adds to the user's text, in the document's language."""

from __future__ import annotations

from athanor.core.i18n import DEFAULT_LOCALE, _, normalize_locale, translate
from athanor.exports.render.document import Document

CONTENTS = _("Contents")
COVER = _("Cover")
TITLE_PAGE = _("Title page")
START_OF_CONTENT = _("Start of content")
# Word fills a table of contents field only when asked: this is what shows until then.
UPDATE_TOC = _("Right-click here and choose Update Field to build the table of contents.")


def word(message: str, document: Document, **params: object) -> str:
    return translate(message, normalize_locale(document.language) or DEFAULT_LOCALE, **params)
