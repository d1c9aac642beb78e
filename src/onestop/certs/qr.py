"""The QR code printed on a certificate: a verify URL, never the certificate's Chinese text.

``<base>/verify/<number>?s=<short digest>``: the short digest (16 hex digits of the algorithm's hash of the
signature) ties the printed paper to one signature, so a QR copied onto a forged paper with another
certificate's number fails the check. The URL is plain ASCII, so the code stays small (alphanumeric and byte
modes, version ≤ 6 for a typical base) and any phone camera opens it.
"""

from __future__ import annotations

import hmac
from urllib.parse import quote

import segno

from onestop.certs.document import SignedCertificate
from onestop.certs.signing import Algorithm, digest

SHORT_DIGEST_HEX = 16


def short_digest(cert: SignedCertificate) -> str:
    algorithm = Algorithm.parse(cert.body.algorithm, field="algorithm")
    return digest(algorithm, cert.signature).hex()[:SHORT_DIGEST_HEX]


def short_digest_matches(cert: SignedCertificate, presented: str) -> bool:
    return hmac.compare_digest(short_digest(cert), presented.strip().lower())


def verify_url(base: str, cert: SignedCertificate) -> str:
    return f"{base.rstrip('/')}/verify/{quote(cert.body.number)}?s={short_digest(cert)}"


def qr_code(url: str) -> segno.QRCode:
    # Level M: a certificate gets folded and stamped; 15 % recovery survives that at a small size.
    return segno.make_qr(url, error="m")


def qr_svg(url: str, *, scale: int = 4) -> str:
    """Inline SVG (no XML declaration) for the printable page; sized by a viewBox, so CSS scales it whole."""
    return str(qr_code(url).svg_inline(scale=scale, border=4, omitsize=True, title="证照核验二维码"))
