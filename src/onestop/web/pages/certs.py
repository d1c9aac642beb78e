"""Pages of the certs module.

* ``/verify`` (form) and ``/verify/{number}?s=…`` (what the QR opens): public, no login; the outcome and the
  face of the certificate (type, holder with ID masked, validity, issuing unit), nothing more.
* ``/certs`` (the list), ``/certs/{number}`` (data, outcome, 注销 form), ``/certs/{number}/print`` (the
  printable certificate with its QR as inline SVG): staff of units in scope, and the holder's own account.
"""

from __future__ import annotations

import os
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from onestop.actions.certs import list_certificates, load_certificate, revoke_certificate
from onestop.cases.errors import DomainError
from onestop.certs.access import may_revoke
from onestop.certs.numbers import normalise_cert_number
from onestop.certs.qr import qr_svg, verify_url
from onestop.certs.types import cert_types
from onestop.web.api.certs import stored_out, throttled_verify
from onestop.web.deps import PrincipalDep, client_ip
from onestop.web.pages.common import FormDep, StateDep, checked_form, opt_int, page_actor, redirect, value
from onestop.web.render import render

router = APIRouter()

Number = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9 -]+$")]
PER_PAGE = 30


def public_base(request: Request) -> str:
    """The address printed in QR codes: the deployment's public URL when set (behind a proxy), else this one."""
    return os.environ.get("ONESTOP_PUBLIC_URL") or str(request.base_url)


@router.get("/verify")
def verify_page(request: Request, number: str | None = None) -> Response:
    if number and number.strip():
        canonical = normalise_cert_number(number[:60])
        if canonical is not None:
            return redirect(f"/verify/{canonical}")
        return render(
            request,
            "certs/verify.html",
            {"number": number[:40], "errors": {"number": "证照编号格式不正确，如 YYZZ-441624-2026-000001"}},
            status_code=422,
        )
    return render(request, "certs/verify.html", {"number": "", "errors": {}})


@router.get("/verify/{number}")
def verify_result(number: Number, request: Request, state: StateDep, s: str | None = None) -> Response:
    digest = s.strip()[:32] if s else None
    try:
        result = throttled_verify(state, number, digest, client_ip(request))
    except DomainError as exc:
        return render(
            request,
            "certs/verify.html",
            {"number": number, "errors": {"number": exc.message}, "error": exc.message},
            status_code=exc.status,
        )
    return render(request, "certs/verify.html", {"number": result.number, "errors": {}, "result": result})


@router.get("/certs")
def cert_list(
    request: Request,
    principal: PrincipalDep,
    state: StateDep,
    cert_type: str | None = None,
    page: str | None = None,
) -> Response:
    actor = page_actor(principal)
    page_no = min(opt_int(page, "page", "页码") or 1, 10_000)
    chosen = cert_type if cert_type in cert_types() else None
    rows, total = list_certificates(state.rt, actor, cert_type=chosen, limit=PER_PAGE, offset=(page_no - 1) * PER_PAGE)
    return render(
        request,
        "certs/list.html",
        {
            "rows": rows,
            "total": total,
            "page": page_no,
            "pages": max(1, -(-total // PER_PAGE)),
            "types": cert_types(),
            "cert_type": chosen,
        },
    )


def _cert_page(
    request: Request, state: StateDep, principal: PrincipalDep, number: str, *, status: int = 200, **extra: object
) -> Response:
    actor = page_actor(principal)
    stored, as_staff = load_certificate(state.rt, actor, number)
    revocable = as_staff and stored.revoked_at is None and may_revoke(actor, state.units.get(), stored.issuing_unit_id)
    context = {"c": stored_out(state, stored), "as_staff": as_staff, "revocable": revocable, **extra}
    return render(request, "certs/cert.html", context, status_code=status)


@router.get("/certs/{number}")
def cert_page(number: Number, request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    return _cert_page(request, state, principal, number, done="revoked" if "revoked" in request.query_params else None)


@router.post("/certs/{number}/revoke")
def cert_revoke(number: Number, request: Request, principal: PrincipalDep, form: FormDep, state: StateDep) -> Response:
    checked_form(request, form, principal)
    actor = page_actor(principal)
    reason = value(form, "reason", max_length=500)
    try:
        stored = revoke_certificate(state.rt, number=number, actor=actor, reason=reason, ip=client_ip(request))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _cert_page(request, state, principal, number, error=exc, reason=reason, status=exc.status)
    return redirect(f"/certs/{stored.number}?revoked=1")


@router.get("/certs/{number}/print")
def cert_print(number: Number, request: Request, principal: PrincipalDep, state: StateDep) -> Response:
    stored, _as_staff = load_certificate(state.rt, page_actor(principal), number)
    url = verify_url(public_base(request), stored.cert)
    return render(
        request,
        "certs/print.html",
        {"c": stored_out(state, stored), "qr_svg": qr_svg(url), "verify_url": url},
    )
