"""Intake forms: how a request enters the platform, from the public or from a window clerk on their behalf.

A module adds its own form by declaring an ``IntakeForm`` (fields, the case kind it opens, the unit that owns
the cases) and calling ``register_form`` at import time, as it registers its case kinds; the web layer renders
every registered form, validates it with ``validate`` and submits it with ``submit``. No web code per form.

``submit`` writes the case with its first event and the submission record (the hash of the verification code
the applicant is given) in one transaction: after a crash either both exist or neither. The party is written
just before, in its own transaction; a crash in between leaves a party record that the next request reuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import sqlalchemy as sa

from onestop.access import code_hash
from onestop.actions.cases import open_case
from onestop.actions.runtime import Runtime
from onestop.auth.crypto import new_code
from onestop.cases.case import Case
from onestop.cases.errors import DomainError, NotFound
from onestop.cases.kinds import get_kind
from onestop.db import org_repo
from onestop.db.engine import read, write
from onestop.db.tables import case_submissions, parties
from onestop.org.errors import OrgError
from onestop.org.identifiers import validate_credit_code, validate_resident_id
from onestop.org.parties import Party, PartyKind
from onestop.org.phones import validate_phone
from onestop.org.roles import Role
from onestop.org.units import UnitKind, UnitTree
from onestop.org.users import Actor

FieldType = Literal["text", "textarea", "select", "date", "phone", "lines"]
Channel = Literal["web", "api", "window"]

# The applicant's identity, asked by every form that collects a party.
PARTY_FIELDS = ("applicant_kind", "applicant_name", "id_number", "phone")
ANONYMOUS = Actor(user_id=None, username="anonymous", roles=frozenset({Role.PUBLIC}))


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: FieldType = "text"
    required: bool = True
    max_length: int = 200
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    placeholder: str = ""


@dataclass(frozen=True)
class IntakeForm:
    code: str  # in URLs: /public/apply/<code>
    kind: str  # the case kind it opens
    title: str
    description: str
    fields: tuple[FormField, ...]
    unit_code: str | None = None  # owning unit; None: the service center (or the first region)
    collect_party: bool = True  # ask for the applicant's name, ID/credit code and phone
    public: bool = True  # offered in the public hall (else only at the window)
    staff_roles: frozenset[str] = field(default_factory=lambda: frozenset({Role.WINDOW_CLERK.value}))
    subject_field: str | None = None  # the field lists show as the case's subject

    def all_fields(self) -> tuple[FormField, ...]:
        return (*(PARTY_FORM_FIELDS if self.collect_party else ()), *self.fields)


PARTY_FORM_FIELDS: tuple[FormField, ...] = (
    FormField(
        "applicant_kind",
        "申请人类型",
        "select",
        choices=tuple((k.value, k.label) for k in PartyKind),
    ),
    FormField("applicant_name", "申请人姓名或企业名称", max_length=200),
    FormField(
        "id_number",
        "身份证号或统一社会信用代码",
        max_length=32,
        help="个人填写 18 位身份证号，企业填写统一社会信用代码",
    ),
    FormField("phone", "联系电话", "phone", max_length=32, help="手机号码或带区号的固定电话"),
)


class FormInvalid(DomainError):
    """One or more fields are wrong; ``errors`` maps each field to its Chinese message."""

    code = "invalid_form"
    status = 422

    def __init__(self, errors: Mapping[str, str]) -> None:
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, field=first_field)
        self.errors = dict(errors)


@dataclass(frozen=True)
class Submission:
    case: Case
    code: str  # the verification code (查询码): shown once, stored only as a hash
    form: IntakeForm


_FORMS: dict[str, IntakeForm] = {}


def register_form(form: IntakeForm) -> IntakeForm:
    get_kind(form.kind)  # a form for an unknown kind fails at import time
    names = [f.name for f in form.all_fields()]
    if len(names) != len(set(names)):
        raise ValueError(f"intake form {form.code!r} declares a field twice")
    existing = _FORMS.get(form.code)
    if existing is not None and existing != form:
        raise ValueError(f"intake form {form.code!r} is already registered with a different definition")
    _FORMS[form.code] = form
    return form


def get_form(code: str, *, public_only: bool = False) -> IntakeForm:
    form = _FORMS.get(code)
    if form is None or (public_only and not form.public):
        raise NotFound(f"办事表单「{code}」不存在", field="form")
    return form


def all_forms(*, public_only: bool = False) -> tuple[IntakeForm, ...]:
    return tuple(f for f in _FORMS.values() if f.public or not public_only)


# -- validation ----------------------------------------------------------------------------------------------


def validate(form: IntakeForm, values: Mapping[str, object], *, today: date | None = None) -> dict[str, object]:
    """The cleaned values, or ``FormInvalid`` naming every wrong field at once."""
    clean: dict[str, object] = {}
    errors: dict[str, str] = {}
    for spec in form.all_fields():
        raw = values.get(spec.name)
        text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
        text = text.strip()
        if not text:
            if spec.required:
                errors[spec.name] = f"请填写「{spec.label}」"
            continue
        if len(text) > spec.max_length:
            errors[spec.name] = f"「{spec.label}」不能超过 {spec.max_length} 个字符（现为 {len(text)} 个）"
            continue
        if spec.type == "select" and text not in {value for value, _ in spec.choices}:
            allowed = "、".join(label for _, label in spec.choices)
            errors[spec.name] = f"「{spec.label}」的取值无效，可选：{allowed}"
            continue
        try:
            clean[spec.name] = _typed(spec, text)
        except (OrgError, ValueError) as exc:
            errors[spec.name] = getattr(exc, "message", None) or f"「{spec.label}」格式不正确"
    if form.collect_party and "id_number" in clean and "id_number" not in errors:
        try:
            clean["id_number"] = _identifier(str(clean.get("applicant_kind", "")), str(clean["id_number"]), today)
        except OrgError as exc:
            errors["id_number"] = exc.message
    if errors:
        raise FormInvalid(errors)
    return clean


def _typed(spec: FormField, text: str) -> object:
    if spec.type == "phone":
        return validate_phone(text, field=spec.name, label=spec.label)
    if spec.type == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f"「{spec.label}」应为日期，如 2026-03-01") from None
    if spec.type == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    return text


def _identifier(kind: str, value: str, today: date | None) -> str:
    if kind == PartyKind.ENTERPRISE.value:
        return validate_credit_code(value, field="id_number")
    return validate_resident_id(value, field="id_number", today=today)


# -- submission ----------------------------------------------------------------------------------------------


def owning_unit(form: IntakeForm, tree: UnitTree) -> int | None:
    if form.unit_code is not None:
        return tree.by_code(form.unit_code).id
    centers = [u for u in tree if u.kind is UnitKind.CENTER]
    if centers:
        return centers[0].id
    roots = tree.roots()
    return roots[0].id if roots else None


def submit(
    rt: Runtime,
    form: IntakeForm,
    values: Mapping[str, object],
    *,
    actor: Actor | None,
    channel: Channel,
) -> Submission:
    """Validates and files one request; ``actor`` is the public account or the clerk, None when anonymous."""
    now = rt.now()
    clean = validate(form, values, today=now.date())
    code = new_code()
    with read(rt.engine) as conn:
        tree = org_repo.load_unit_tree(conn)
    # The party first, in its own transaction: a crash before the case leaves only a reusable party record
    # (the same person's next request finds it), never a case without its submission.
    party_id = None
    if form.collect_party:
        with write(rt.engine) as conn:
            party_id = _party_id(conn, clean, now)
    payload = {k: v for k, v in clean.items() if k not in PARTY_FIELDS}
    payload["form"] = form.code
    payload["channel"] = channel
    if form.collect_party:
        payload["applicant"] = clean["applicant_name"]
    # A public account owns what it submits; a clerk's intake belongs to the applicant (code only).
    owner = actor.user_id if actor is not None and actor.has_role(Role.PUBLIC) else None

    def record_submission(conn: sa.Connection, case: Case) -> None:
        conn.execute(
            sa.insert(case_submissions).values(
                case_id=case.id,
                user_id=owner,
                code_hash=code_hash(case.number, code),
                form=form.code,
                channel=channel,
                created_at=now,
            )
        )

    case = open_case(
        rt,
        form.kind,
        actor or ANONYMOUS,
        unit_id=owning_unit(form, tree),
        payload=payload,
        party_id=party_id,
        within=record_submission,
    )
    return Submission(case=case, code=code, form=form)


def _party_id(conn: sa.Connection, clean: Mapping[str, object], now: datetime) -> int:
    kind = PartyKind.parse(str(clean["applicant_kind"]), field="applicant_kind")
    id_number = str(clean["id_number"])
    phone = str(clean.get("phone") or "") or None
    existing = conn.execute(
        sa.select(parties.c.id, parties.c.phone).where(parties.c.kind == kind.value, parties.c.id_number == id_number)
    ).first()
    if existing is not None:
        # A submission neither renames a known party nor changes its phone: anyone can type an ID number.
        if existing.phone is None and phone is not None:
            conn.execute(sa.update(parties).where(parties.c.id == existing.id).values(phone=phone))
        return int(existing.id)
    party = Party(kind, str(clean["applicant_name"]), id_number, phone)
    created = org_repo.upsert_party(conn, party, now)
    assert created.id is not None
    return created.id


GENERAL = register_form(
    IntakeForm(
        code="general",
        kind="generic_application",
        title="通用办事申请",
        description="未列入专门表单的政务服务事项，均可在此提交申请。提交后获得办件编号和查询码，凭此查询办理进度。",
        fields=(
            FormField("item", "申请事项", max_length=100, placeholder="如：个体工商户名称变更"),
            FormField("description", "申请内容", "textarea", max_length=2000, help="请说明申请的具体内容和理由"),
            FormField("address", "联系地址", required=False, max_length=200),
        ),
        subject_field="item",
    )
)
