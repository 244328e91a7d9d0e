"""Token estimates for holds, before the provider has counted.

Word-and-punctuation counting, the same rule the offline `mock` provider counts with, so
holds on the embedded default match real usage exactly. Real providers count with their
own tokenizers: their usage settles the hold, and usage beyond it is charged as far as
the wallet allows (see wallet.settle).
"""

from __future__ import annotations

from collections.abc import Sequence

from athanor.providers.mock import count_tokens, prompt_tokens
from athanor.providers.types import Message


def estimate_prompt_tokens(messages: Sequence[Message]) -> int:
    return prompt_tokens(messages)


def estimate_text_tokens(text: str) -> int:
    return count_tokens(text)
