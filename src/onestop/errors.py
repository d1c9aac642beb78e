"""The base of every user-facing rule violation, shared by all domain packages.

Every error carries a Chinese ``message`` (shown to the user as-is), an optional ``field`` (the form field to
highlight), a stable English ``code`` and the HTTP ``status`` a view answers with, so the web layer maps any
domain error without a table of its own.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base for every user-facing rule violation."""

    code: str = "domain_error"
    status: int = 422

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            # Per-instance override: a subclass groups errors by status, the code tells them apart.
            self.code = code

    def to_dict(self) -> dict[str, object]:
        """The JSON body the API returns for this error."""
        return {"code": self.code, "message": self.message, "field": self.field}
