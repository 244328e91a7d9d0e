"""Encryption at rest: AES-256-GCM under a key ring.

The ring is "id:base64" entries, newest first. Ciphertexts carry the id of the key that
sealed them, so old ones stay readable after a new key is put in front, and
`athanor keys rotate` re-seals them under the newest key. The associated data binds a
ciphertext to its row (e.g. the credential's id), so one cannot be swapped for another.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
NONCE_BYTES = 12


class DecryptionFailed(Exception):
    """The ciphertext is damaged, bound to other data, or sealed by a key not in the ring."""


class KeyRing:
    def __init__(self, entries: list[str]) -> None:
        if not entries:
            raise ValueError("the key ring is empty")
        self._keys: dict[str, AESGCM] = {}
        for entry in entries:
            key_id, _, encoded = entry.partition(":")
            self._keys[key_id] = AESGCM(base64.b64decode(encoded))
        self.current_id = entries[0].partition(":")[0]

    def encrypt(self, plaintext: str, *, associated: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self.current_id].encrypt(nonce, plaintext.encode(), associated.encode())
        return f"{VERSION}:{self.current_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, *, associated: str) -> str:
        try:
            version, key_id, encoded = token.split(":", 2)
            if version != VERSION:
                raise DecryptionFailed(f"unknown ciphertext version {version!r}")
            key = self._keys[key_id]
            raw = base64.urlsafe_b64decode(encoded)
            return key.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated.encode()).decode()
        except KeyError:
            raise DecryptionFailed("sealed by a key that is not in the ring") from None
        except (ValueError, InvalidTag) as exc:
            raise DecryptionFailed("damaged ciphertext or wrong associated data") from exc

    @staticmethod
    def key_id_of(token: str) -> str:
        return token.split(":", 2)[1]

    def is_current(self, token: str) -> bool:
        return self.key_id_of(token) == self.current_id
