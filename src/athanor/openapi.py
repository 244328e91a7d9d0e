"""The OpenAPI document as committed in docs/openapi.json."""

from __future__ import annotations

import json

from athanor.app import create_app
from athanor.settings import Settings


def render_spec(settings: Settings) -> str:
    spec = create_app(settings).openapi()
    return json.dumps(spec, indent=2, sort_keys=True) + "\n"
