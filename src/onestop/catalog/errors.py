"""Errors of the service catalogue: a bad data file, or a code nobody declared."""

from __future__ import annotations

from onestop.errors import DomainError


class CatalogError(DomainError):
    """A catalogue data file is wrong; ``message`` names the file and the field, ``field`` is ``file:path``."""

    code = "catalog_invalid"
    status = 500  # a deployment's data error, not the user's input


class UnknownTarget(DomainError):
    """No item or bundle is declared under the code the user gave."""

    code = "unknown_item"
    status = 422
