"""Where file bytes live: a local folder (the embedded default) or any S3-compatible store,
behind one interface. Keys are chosen by the platform, never by a client."""

from __future__ import annotations

from athanor.settings import Settings
from athanor.storage.backends.base import Backend, ObjectMissing
from athanor.storage.backends.local import LocalBackend


def build_backend(settings: Settings) -> Backend:
    if settings.storage_backend == "s3":
        from athanor.storage.backends.s3 import S3Backend

        return S3Backend.from_settings(settings)
    return LocalBackend(settings.storage_dir or settings.data_dir / "files")


__all__ = ["Backend", "ObjectMissing", "build_backend"]
