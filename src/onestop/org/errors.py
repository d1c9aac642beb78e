"""Errors raised by the org domain."""

from __future__ import annotations

from onestop.errors import DomainError


class OrgError(DomainError, ValueError):
    """Base for every user-facing error of the org domain (also a ValueError: bad input values)."""

    code: str = "org_error"
    status: int = 422


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
