"""Errors of the evaluation module: each a ``DomainError`` with a Chinese message, a field and an HTTP status."""

from __future__ import annotations

from onestop.errors import DomainError


class EvaluationError(DomainError):
    """Base of every evaluation rule violation."""

    code: str = "evaluation_error"
    status: int = 422


class InvalidTree(EvaluationError):
    """An indicator tree file is malformed: a missing field, bounds the wrong way round, a duplicate code."""

    code = "invalid_tree"


class TreeYearUnknown(EvaluationError):
    """No indicator tree is configured for the year asked (nor for any year before it)."""

    code = "tree_year_unknown"
    status = 404


class InvalidPeriod(EvaluationError):
    code = "invalid_period"


class UnknownIndicator(EvaluationError):
    code = "unknown_indicator"
    status = 404


class InvalidEntry(EvaluationError):
    """An entered value or its evidence breaks a rule (range, missing evidence, wrong state for the step)."""

    code = "invalid_entry"


class EntryNotFound(EvaluationError):
    code = "entry_not_found"
    status = 404


class EntryForbidden(EvaluationError):
    code = "entry_forbidden"
    status = 403


class EntryConflict(EvaluationError):
    """Someone changed the entry since the form was loaded (optimistic version check)."""

    code = "entry_conflict"
    status = 409


class InvalidDoingBusinessData(EvaluationError):
    code = "invalid_doing_business_data"
