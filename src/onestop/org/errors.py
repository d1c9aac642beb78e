"""Errors raised by the org domain.

``OrgError`` copies the shape of ``onestop.cases.errors.DomainError`` (``message`` in Chinese, ``field``,
``code``, ``status``) without importing it: the case engine imports ``onestop.org`` for actors and roles, so
the import may not run the other way. Once the common base moves to a module both can import, ``OrgError``
should subclass it and drop its own ``__init__``.
"""

from __future__ import annotations


class OrgError(ValueError):
    """Base for every user-facing error of the org domain."""

    code: str = "org_error"
    status: int = 422

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class InvalidOrgData(OrgError):
    """A unit, user or party record breaks a rule (missing name, unit cycle, staff without a unit, …)."""

    code = "invalid_org_data"
    status = 422


class UnitNotFound(OrgError):
    """A unit id is not in the tree."""

    code = "unit_not_found"
    status = 404


class AccountDisabled(OrgError):
    """A disabled account tried to act."""

    code = "account_disabled"
    status = 403
