"""Errors of the e-certificate module; each is a ``DomainError`` with a Chinese message naming the field."""

from __future__ import annotations

from onestop.errors import DomainError


class CertError(DomainError):
    """Bad input to issuing, revoking or verifying a certificate."""

    code = "cert_error"
    status = 422


class CertNotFound(CertError):
    code = "cert_not_found"
    status = 404


class SigningUnavailable(CertError):
    """The signing key cannot be used (its private key file is missing or unreadable): an operator must act."""

    code = "signing_unavailable"
    status = 503
