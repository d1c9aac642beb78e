"""The oversight module's errors: each with a Chinese message naming the field, and the HTTP status."""

from __future__ import annotations

from onestop.errors import DomainError


class OversightError(DomainError):
    code = "oversight_error"
    status = 422


class InvalidConfig(OversightError):
    """A rule, weight or threshold in the data file or an override is not usable."""

    code = "invalid_oversight_config"


class InvalidOrder(OversightError):
    """A supervision order raised by hand with bad input (no reason, a limit out of range)."""

    code = "invalid_order"


class InvalidPeriod(OversightError):
    code = "invalid_period"


class OrderOpen(OversightError):
    """There is already an open supervision order for this rule and case (one open order per pair)."""

    code = "order_open"
    status = 409


class OversightForbidden(OversightError):
    """效能监察 is for supervisors (督查员) and administrators."""

    code = "forbidden"
    status = 403


class FontNotFound(OversightError):
    """No Chinese TrueType font on the system: a PDF or chart without one would show empty boxes."""

    code = "cjk_font_not_found"
    status = 500
