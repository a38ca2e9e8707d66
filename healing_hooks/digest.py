"""Short stable ids: the first hex digits of a text's SHA-1.

`import hashlib` initialises OpenSSL: ~11 M instructions on every failure, a sixth of bare
Python's start-up. CPython's own `_sha1` module gives the same digest for 0.4 M.
"""

from __future__ import annotations

import importlib

try:
    _sha1 = importlib.import_module("_sha1").sha1  # private, and without type stubs
except ImportError:  # an interpreter built without it
    from hashlib import sha1 as _sha1


def short_sha1(text: str, length: int) -> str:
    """The first `length` hex digits of the SHA-1 of `text` (UTF-8)."""
    digest: str = _sha1(text.encode("utf-8", "replace")).hexdigest()
    return digest[:length]
