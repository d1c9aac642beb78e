"""Random secrets and their digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Verification codes are read aloud and typed from paper: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8  # 25^8 ≈ 1.5e11 codes, and failed lookups are throttled per address


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random token (session ids, CSRF tokens, API tokens)."""
    return secrets.token_urlsafe(nbytes)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def digest(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret: what is stored instead of the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two tokens."""
    return hmac.compare_digest(a.encode(), b.encode())
