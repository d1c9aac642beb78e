"""电子证照: certificate types, the signed document and its canonical bytes, SM2/SM3 signing, outcomes, QR.

Pure domain: no database, no web framework. Storage and issuing are in ``onestop.actions.certs``.
"""

from onestop.certs.document import CertificateBody, Holder, Issuer, SignedCertificate, canonical_bytes, parse_document
from onestop.certs.errors import CertError, CertNotFound, SigningUnavailable
from onestop.certs.outcome import Outcome, Verdict, decide
from onestop.certs.signing import Algorithm, PrivateKey, PublicKey, generate_key, load_public_key
from onestop.certs.types import CertType, cert_types

__all__ = [
    "Algorithm",
    "CertError",
    "CertNotFound",
    "CertType",
    "CertificateBody",
    "Holder",
    "Issuer",
    "Outcome",
    "PrivateKey",
    "PublicKey",
    "SignedCertificate",
    "SigningUnavailable",
    "Verdict",
    "canonical_bytes",
    "cert_types",
    "decide",
    "generate_key",
    "load_public_key",
    "parse_document",
]
