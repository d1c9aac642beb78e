"""User-facing rule violations raised by the case engine.

Every error carries a Chinese ``message`` (shown to the user as-is), an optional ``field`` (the form field to
highlight) and a stable English ``code`` plus HTTP-ish ``status`` so the web layer can map errors without a
table of its own.
"""

from __future__ import annotations

from onestop.errors import DomainError

__all__ = [
    "ActionNotAllowed",
    "DomainError",
    "InvalidAction",
    "MissingData",
    "NotFound",
    "UnknownKind",
    "VersionConflict",
]


class InvalidAction(DomainError):
    """The action is not valid in the case's current state."""

    code = "invalid_action"
    status = 409


class ActionNotAllowed(DomainError):
    """The actor's roles may not perform the action."""

    code = "not_allowed"
    status = 403


class MissingData(DomainError):
    """A required data field is missing or invalid; ``field`` names it."""

    code = "missing_data"
    status = 422


class VersionConflict(DomainError):
    """Someone else changed the case since it was read (optimistic locking)."""

    code = "version_conflict"
    status = 409


class NotFound(DomainError):
    code = "not_found"
    status = 404


class UnknownKind(DomainError):
    """No case kind is registered under the code (a configuration or data error)."""

    code = "unknown_kind"
    status = 422
