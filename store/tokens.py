"""Secret tokens: made with 256 random bits, shown once, stored only as their sha256 hash.

A teacher's token opens the class's dashboard; a student's token (kept in their browser) says who
they are. Neither is ever stored as given: a leaked database yields hashes that open nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128


def new_token() -> str:
    """A fresh, URL-safe token (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the store keeps of ``token``: its sha256 digest in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def matches(token: str | None, stored_hash: str) -> bool:
    """Whether ``token`` is the one whose hash was stored, compared in constant time."""
    return bool(token) and hmac.compare_digest(token_hash(token), stored_hash)
