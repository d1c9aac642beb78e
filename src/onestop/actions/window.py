"""一窗受理: applications from intake to delivery, parallel approvals, stages, §32 deemed acceptance.

Every function is one write transaction (``write``): the case, its materials, its children and the
certificates an issuance signs are written together or not at all. Locks are taken from the application down
(application, stage, approval), so two departments deciding at once wait for each other in the same order
and exactly one of them concludes the application.

* Intake: ``submit`` (the clerk at the comprehensive window, or the applicant online → 预审), ``preview`` (what
  the intake screen shows: the materials and which are 免提交 and why), ``check``.
* Before acceptance: ``accept`` (with 容缺 and 告知承诺), ``notify`` (一次性告知, its list computed from the
  materials, never typed), ``resubmit``, ``refuse``; ``on_tick`` — §32 逾期视为受理.
* Departments: ``approve``, ``deny``, ``request_supplement``, ``extend`` (§42), ``start_special`` and
  ``end_special`` (§45). The application mirrors its approvals' pauses and extensions; a refusal stops the rest of
  a bundle as its rule says; a stage done starts the next.
* The applicant: ``supplement`` (补正 after acceptance), ``receive_deferred`` (容缺材料), ``withdraw``.
* Issuance: ``issue`` (统一出件: one certificate per approved item's result type, in this transaction; refused
  while 容缺 materials are outstanding), ``deliver`` (at the window or by post, with a receipt number).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.access import case_owner_id, code_hash
from onestop.actions.cases import _open
from onestop.actions.certs import issue_certificate, valid_certificates
from onestop.actions.runtime import Runtime
from onestop.auth.crypto import new_code
from onestop.cases import engine
from onestop.cases.alarm import assess
from onestop.cases.case import Case, evolve
from onestop.cases.clock import Clock
from onestop.cases.errors import InvalidAction, MissingData, NotFound, VersionConflict
from onestop.cases.events import Event
from onestop.cases.kinds import get_kind
from onestop.catalog import Catalog, MaterialForm, MaterialRequirement, Target, default_catalog
from onestop.db import cases_repo as repo
from onestop.db import org_repo
from onestop.db.engine import read, write
from onestop.db.tables import case_submissions, cases, parties, units, window_catalog_versions, window_materials
from onestop.errors import DomainError
from onestop.org.identifiers import validate_credit_code
from onestop.org.parties import Party, PartyKind
from onestop.org.roles import Role
from onestop.org.units import UnitKind, UnitTree
from onestop.org.users import Actor
from onestop.window.access import (
    WindowNotFound,
    access_application_act,
    access_approval_act,
    access_online_applicant,
    access_window_desk,
)
from onestop.window.kinds import APPLICATION, APPROVAL, SPECIAL_PROCEDURES, STAGE, WORKING
from onestop.window.materials import (
    CertRef,
    Given,
    MaterialCheck,
    Provided,
    Status,
    check_materials,
    check_provided_codes,
)
from onestop.window.plan import plan_for, stops_others
from onestop.worktime import TZ, Limit, WorkingTime

_SYSTEM = Actor.system()
DEEMED_ACCEPTANCE_DAYS = 5  # 行政许可法 §32: 五日内一次告知，逾期不告知的，自收到申请材料之日起即为受理
DEFERRAL_MAX_DAYS = 30
Channel = str  # "window" | "online"


class WindowError(DomainError):
    code = "window_error"
    status = 422


class MaterialsIncomplete(WindowError):
    code = "materials_incomplete"


class DeferredOutstanding(WindowError):
    code = "deferred_outstanding"
    status = 409


class CatalogConflict(WindowError):
    """The catalogue's content changed but its version number did not: refuse rather than mislabel."""

    code = "catalog_conflict"
    status = 409


# -- inputs and results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    kind: str  # "person" | "enterprise"
    name: str
    id_number: str
    phone: str | None = None


@dataclass(frozen=True)
class MaterialInput:
    code: str
    form: str = "original"  # original | copy | electronic
    defect: str = ""


@dataclass(frozen=True)
class Deferral:
    """容缺受理承诺书: who signed it and within how many working days the deferred materials follow."""

    signed_by: str
    days: int


@dataclass(frozen=True)
class Submitted:
    case: Case
    code: str  # the verification code (查询码), shown once
    check: MaterialCheck


@dataclass(frozen=True)
class Issued:
    case: Case
    certificates: list[dict[str, Any]]


@dataclass
class _Tx:
    """What one transaction carries along: the connection, calendar, instant and the events written."""

    conn: Connection
    wt: WorkingTime
    now: datetime
    events: list[Event] = field(default_factory=list)


# -- small helpers ------------------------------------------------------------------------------------------


def _step(tx: _Tx, case: Case, action: str, actor: Actor, data: Mapping[str, Any] | None = None) -> Case:
    new, event = engine.decide(case, action, actor, data, tx.now, tx.wt)
    repo.save_changes(tx.conn, [(case, new, [event])], tx.wt)
    tx.events.append(event)
    return new


def _allowed(case: Case, action: str) -> None:
    """The engine's own refusal, raised before anything else of an action is written."""
    kind = get_kind(case.kind)
    spec = kind.actions[action]
    if case.state not in spec.from_states:
        raise InvalidAction(f"当前状态「{kind.states[case.state].label}」不能执行「{spec.label}」", field="state")


def _check_version(case: Case, expected: int | None) -> None:
    if expected is not None and case.version != expected:
        raise VersionConflict(
            f"办件 {case.number} 已被他人修改（您看到第 {expected} 版，现为第 {case.version} 版），请刷新后重试",
            field="version",
        )


def _today(now: datetime) -> date:
    return now.astimezone(TZ).date()


def _load(conn: Connection, number: str, kind: str, *, for_update: bool = False) -> Case:
    try:
        case = repo.load_case(conn, number.strip().upper(), for_update=for_update)
    except NotFound:
        raise WindowNotFound(f"办件 {number} 不存在或您无权查看", field="number") from None
    if case.kind != kind:
        raise WindowNotFound(f"办件 {number} 不存在或您无权查看", field="number")
    return case


def _lock_tree(conn: Connection, number: str, kind: str) -> tuple[Case, list[Case]]:
    """The case and its ancestors, locked from the root down (the order every window action locks in)."""
    leaf = _load(conn, number, kind)
    chain = [leaf]
    while chain[-1].parent_id is not None:
        chain.append(repo.load_case_by_id(conn, chain[-1].parent_id))
    locked = [repo.load_case_by_id(conn, c.id or 0, for_update=True) for c in reversed(chain)]
    return locked[-1], locked[:-1]


def _tree(conn: Connection) -> UnitTree:
    return org_repo.load_unit_tree(conn)


def _unit_ids(conn: Connection, codes: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(codes))
    found = {
        r.code: int(r.id) for r in conn.execute(sa.select(units.c.id, units.c.code).where(units.c.code.in_(wanted)))
    }
    for code in wanted:
        if code not in found:
            raise WindowError(f"办理部门「{code}」在本系统中不存在，请管理员先建立该单位", field="department")
    return found


def _center_id(conn: Connection, actor: Actor) -> int | None:
    """The service center that holds the application: the clerk's own unit, else the first center."""
    if actor.has_role(Role.WINDOW_CLERK) and actor.unit_id is not None:
        return actor.unit_id
    tree = _tree(conn)
    centers = [u for u in tree if u.kind is UnitKind.CENTER]
    if centers:
        return centers[0].id
    roots = tree.roots()
    return roots[0].id if roots else None


def _record_catalog(conn: Connection, catalog: Catalog, now: datetime) -> None:
    row = conn.execute(
        sa.select(window_catalog_versions.c.content_hash).where(window_catalog_versions.c.version == catalog.version)
    ).first()
    if row is None:
        conn.execute(
            sa.insert(window_catalog_versions).values(
                version=catalog.version,
                content_hash=catalog.content_hash,
                title=catalog.title,
                items=len(catalog.items),
                bundles=len(catalog.bundles),
                first_used_at=now,
            )
        )
    elif row.content_hash != catalog.content_hash:
        raise CatalogConflict(
            f"事项清单第 {catalog.version} 版的内容已改变而版本号未变，请提高 catalog.toml 中的 version 后再受理",
            field="catalog",
        )


def _party_id(conn: Connection, applicant: Applicant, now: datetime) -> int:
    kind = PartyKind.parse(applicant.kind, field="applicant_kind")
    party = Party(kind, applicant.name, applicant.id_number, applicant.phone, today=_today(now))
    existing = conn.execute(
        sa.select(parties.c.id).where(parties.c.kind == party.kind.value, parties.c.id_number == party.id_number)
    ).first()
    if existing is not None:
        # Anyone can type an ID number: an application never renames a known party.
        return int(existing.id)
    created = org_repo.upsert_party(conn, party, now)
    assert created.id is not None
    return created.id


def _requirements_json(reqs: Sequence[MaterialRequirement]) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code,
            "name": r.name,
            "form": r.form.value,
            "copies": r.copies,
            "deferrable": r.deferrable,
            "by_commitment": r.by_commitment,
            "replaced_by": r.replaced_by,
            "note": r.note,
        }
        for r in reqs
    ]


def _requirements(case: Case) -> tuple[MaterialRequirement, ...]:
    rows = case.payload.get("materials") or []
    assert isinstance(rows, list)
    return tuple(
        MaterialRequirement(
            r["code"],
            r["name"],
            MaterialForm(r["form"]),
            int(r["copies"]),
            bool(r["deferrable"]),
            bool(r["by_commitment"]),
            r.get("replaced_by"),
            r.get("note") or "",
        )
        for r in rows
    )


def _inputs(
    materials: Iterable[MaterialInput], reqs: Sequence[MaterialRequirement], target: str
) -> dict[str, Provided]:
    out: dict[str, Provided] = {}
    for m in materials:
        check_provided_codes(reqs, [m.code], target_name=target)
        form = Given.parse(m.form, field="materials")
        if len(m.defect) > 200:
            raise WindowError("材料问题说明不能超过 200 个字符", field="materials")
        out[m.code] = Provided(m.code, form, m.defect.strip())
    return out


def _on_file(conn: Connection, case_id: int) -> dict[str, Provided]:
    rows = conn.execute(
        sa.select(window_materials.c.code, window_materials.c.given, window_materials.c.defect).where(
            window_materials.c.case_id == case_id, window_materials.c.given.is_not(None)
        )
    )
    return {r.code: Provided(r.code, Given(r.given), r.defect) for r in rows}


def _certificates(
    conn: Connection, party_id: int | None, reqs: Sequence[MaterialRequirement], on: date
) -> dict[str, CertRef]:
    types = {r.replaced_by for r in reqs if r.replaced_by}
    if party_id is None or not types:
        return {}
    found = valid_certificates(conn, holder_party_id=party_id, cert_types=types, on=on)
    return {t: CertRef(t, s.number, s.label, s.valid_until) for t, s in found.items()}


def _write_materials(tx: _Tx, case_id: int, check: MaterialCheck) -> None:
    conn = tx.conn
    conn.execute(sa.delete(window_materials).where(window_materials.c.case_id == case_id))
    conn.execute(
        sa.insert(window_materials),
        [
            {
                "case_id": case_id,
                "code": line.code,
                "name": line.name,
                "status": line.status.value,
                "given": None if line.given is None else line.given.value,
                "defect": line.defect,
                "certificate_number": None if line.certificate is None else line.certificate.number,
                "reason": line.reason[:300],
                "updated_at": tx.now,
            }
            for line in check.lines
        ],
    )


def _summary(check: MaterialCheck) -> dict[str, Any]:
    return {
        "complete": check.complete,
        "exempt": [
            f"{line.name}（{line.certificate.number if line.certificate else ''}）" for line in check.of(Status.EXEMPT)
        ],
        "problems": check.notice_items(),
    }


# -- intake ---------------------------------------------------------------------------------------------------


def _target(catalog: Catalog, target: str, variant: str | None) -> Target:
    return catalog.target(target, variant or None)


def preview(
    rt: Runtime,
    target: str,
    *,
    variant: str | None = None,
    applicant: Applicant | None = None,
    catalog: Catalog | None = None,
) -> tuple[Target, MaterialCheck]:
    """What the intake screen shows before anything is filed: the materials, and which are 免提交 and why."""
    catalog = catalog or default_catalog()
    tgt = _target(catalog, target, variant)
    reqs = catalog.materials_for(tgt)
    certs: dict[str, CertRef] = {}
    if applicant is not None and applicant.id_number.strip():
        kind = PartyKind.parse(applicant.kind, field="applicant_kind")
        party = Party(kind, applicant.name or "申请人", applicant.id_number, None, today=_today(rt.now()))
        with read(rt.engine) as conn:
            row = conn.execute(
                sa.select(parties.c.id).where(parties.c.kind == kind.value, parties.c.id_number == party.id_number)
            ).first()
            if row is not None:
                certs = _certificates(conn, int(row.id), reqs, _today(rt.now()))
    return tgt, check_materials(reqs, {}, certs)


def submit(
    rt: Runtime,
    target: str,
    *,
    applicant: Applicant,
    actor: Actor,
    channel: Channel = "window",
    variant: str | None = None,
    materials: Sequence[MaterialInput] = (),
    details: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
) -> Submitted:
    """Files an application: at the window (the clerk receives the materials: 待受理) or online (网上预审)."""
    if channel == "window":
        access_window_desk(actor)
    elif channel == "online":
        access_online_applicant(actor)
    else:
        raise WindowError(f"受理渠道「{channel}」无效，可选：window（综合窗口）、online（网上申请）", field="channel")
    catalog = catalog or default_catalog()
    tgt = _target(catalog, target, variant)
    if channel == "online":
        offline = [i.name for i in tgt.items if not i.online]
        if offline:
            raise WindowError(f"「{'、'.join(offline)}」暂不支持网上申请，请到综合窗口办理", field="item")
    reqs = catalog.materials_for(tgt)
    provided = _inputs(materials, reqs, tgt.name)
    extra = {k: str(v).strip() for k, v in (details or {}).items() if str(v).strip()}
    for key, value in extra.items():
        if len(key) > 40 or len(value) > 500:
            raise WindowError(f"「{key}」过长（不超过 500 个字符）", field=key)
    if any(i.establishes_enterprise for i in tgt.items) and not extra.get("enterprise_name"):
        raise MissingData("请填写「拟设立企业名称」", field="enterprise_name")
    plan = plan_for(tgt)
    now, wt = rt.now(), rt.working_time()
    code = new_code()
    tx: _Tx
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        _record_catalog(conn, catalog, now)
        party_id = _party_id(conn, applicant, now)
        departments = (
            {a.department for a in plan.approvals}
            | {a.department for s in plan.stages for a in s.approvals}
            | {s.lead for s in plan.stages}
        )
        _unit_ids(conn, departments)  # an unknown department fails now, not at acceptance
        check = check_materials(reqs, provided, _certificates(conn, party_id, reqs, _today(now)))
        payload: dict[str, Any] = {
            "target": tgt.code,
            "target_name": tgt.name,
            "variant": None if tgt.variant is None else tgt.variant.code,
            "is_bundle": tgt.is_bundle,
            "items": [{"code": i.code, "name": i.name, "department": i.department} for i in tgt.items],
            "catalog_version": catalog.version,
            "catalog_hash": catalog.content_hash,
            "channel": channel,
            "applicant": applicant.name.strip(),
            "applicant_kind": applicant.kind,
            "details": extra,
            "limit": str(tgt.limit),
            "materials": _requirements_json(reqs),
            "plan": {
                **plan.to_json(),
                "approvals": [a.payload() for a in plan.approvals],
                "stage_approvals": [[a.payload() for a in s.approvals] for s in plan.stages],
            },
            "received_at": now.isoformat(),
        }
        if extra.get("enterprise_name"):
            payload["enterprise_name"] = extra["enterprise_name"]
        case = _open(
            conn,
            APPLICATION,
            actor=actor,
            wt=wt,
            now=now,
            unit_id=_center_id(conn, actor),
            payload=payload,
            party_id=party_id,
            parent_id=None,
            events=tx.events,
        )
        assert case.id is not None
        _write_materials(tx, case.id, check)
        conn.execute(
            sa.insert(case_submissions).values(
                case_id=case.id,
                user_id=actor.user_id if channel == "online" else None,
                code_hash=code_hash(case.number, code),
                form=f"window:{tgt.code}"[:64],
                channel="window" if channel == "window" else "web",
                created_at=now,
            )
        )
        if channel == "window":
            case = _step(tx, case, "receive", actor, {"check": _summary(check)})
    rt.committed(tx.events)
    return Submitted(case, code, check)


def check(rt: Runtime, number: str, *, materials: Sequence[MaterialInput] = ()) -> MaterialCheck:
    """The application's materials as they stand (plus ``materials`` if they were handed in now)."""
    with read(rt.engine) as conn:
        case = _load(conn, number, APPLICATION)
        reqs = _requirements(case)
        provided = {**_on_file(conn, case.id or 0), **_inputs(materials, reqs, str(case.payload.get("target_name")))}
        return check_materials(reqs, provided, _certificates(conn, case.party_id, reqs, _today(rt.now())))


# -- before acceptance ----------------------------------------------------------------------------------------


def _app_for_clerk(conn: Connection, number: str, actor: Actor, expected_version: int | None) -> Case:
    access_window_desk(actor)
    case, _ = _lock_tree(conn, number, APPLICATION)
    access_application_act(actor, case, lambda: _tree(conn), owner_id=None)
    _check_version(case, expected_version)
    return case


def accept(
    rt: Runtime,
    number: str,
    actor: Actor,
    *,
    materials: Sequence[MaterialInput] = (),
    deferred: Sequence[str] = (),
    deferral: Deferral | None = None,
    commitment_signed_by: str | None = None,
    expected_version: int | None = None,
) -> Case:
    """受理: the materials must be complete (免提交, 容缺 with a signed deferral, 告知承诺 count); the clock starts
    now and one approval per department (or the first stage) is opened."""
    now, wt = rt.now(), rt.working_time()
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        case = _app_for_clerk(conn, number, actor, expected_version)
        _allowed(case, "accept")
        reqs = _requirements(case)
        target_name = str(case.payload.get("target_name"))
        check_provided_codes(reqs, deferred, target_name=target_name, field="deferred")
        commitment = bool(commitment_signed_by and commitment_signed_by.strip())
        if commitment and not any(r.by_commitment for r in reqs):
            raise WindowError(f"「{target_name}」未实行告知承诺制，不能以承诺书代替材料", field="commitment")
        provided = {**_on_file(conn, case.id or 0), **_inputs(materials, reqs, target_name)}
        result = check_materials(
            reqs,
            provided,
            _certificates(conn, case.party_id, reqs, _today(now)),
            deferred=deferred,
            commitment=commitment,
        )
        if not result.complete:
            raise MaterialsIncomplete(
                "材料不齐全或不符合法定形式，不能受理，请出具一次性告知书：" + "；".join(result.notice_items()),
                field="materials",
            )
        patch: dict[str, Any] = {"accepted_at": now.isoformat()}
        waiting = [line.code for line in result.of(Status.DEFERRED)]
        if waiting:
            if deferral is None or not deferral.signed_by.strip():
                raise MissingData("容缺受理须由申请人签署容缺受理承诺书（签署人）", field="deferral")
            if not 1 <= deferral.days <= DEFERRAL_MAX_DAYS:
                raise WindowError(f"承诺补交期限应为 1–{DEFERRAL_MAX_DAYS} 个工作日", field="deferral_days")
            due = wt.add_workdays(now, deferral.days).at
            patch["deferral"] = {
                "signed_by": deferral.signed_by.strip(),
                "days": deferral.days,
                "due": due.isoformat(),
                "materials": waiting,
            }
        if commitment:
            assert commitment_signed_by is not None
            patch["notify_commitment"] = {
                "signed_by": commitment_signed_by.strip(),
                "materials": [line.code for line in result.of(Status.COMMITTED)],
            }
            # 告知承诺: accepted on the applicant's word, so it is checked afterwards (事中事后核查).
            patch["inspection"] = "pending"
        case = _step(tx, case, "accept", actor, {"check": _summary(result), "payload": patch})
        _write_materials(tx, case.id or 0, result)
        _open_work(tx, case, actor)
    rt.committed(tx.events)
    return case


def _open_work(tx: _Tx, app: Case, actor: Actor) -> None:
    """The approvals of a parallel target, or the stages of a staged one (the first started)."""
    plan = app.payload["plan"]
    assert isinstance(plan, dict)
    stages = plan.get("stages") or []
    if not stages:
        ids = _unit_ids(tx.conn, [a["department"] for a in plan["approvals"]])
        for approval in plan["approvals"]:
            _open_approval(tx, app, app, approval, actor, ids=ids)
        return
    ids = _unit_ids(tx.conn, [s["lead"] for s in stages])
    opened = []
    for stage, approvals in zip(stages, plan["stage_approvals"], strict=True):
        payload = {
            **stage,
            "application": app.number,
            "target_name": app.payload.get("target_name"),
            "applicant": app.payload.get("applicant"),
            "approvals": approvals,
        }
        opened.append(
            _open(
                tx.conn,
                STAGE,
                actor=actor,
                wt=tx.wt,
                now=tx.now,
                unit_id=ids[stage["lead"]],
                payload=payload,
                party_id=app.party_id,
                parent_id=app.id,
                events=tx.events,
            )
        )
    _start_stage(tx, app, opened[0])


def _open_approval(
    tx: _Tx, app: Case, parent: Case, approval: Mapping[str, Any], actor: Actor, *, ids: Mapping[str, int] | None = None
) -> Case:
    department = approval["department"]
    unit_id = (ids or _unit_ids(tx.conn, [department]))[department]
    payload = {
        **approval,
        "application": app.number,
        "target_name": app.payload.get("target_name"),
        "applicant": app.payload.get("applicant"),
    }
    if parent.kind == STAGE:
        payload["stage"] = parent.payload.get("name")
    return _open(
        tx.conn,
        APPROVAL,
        actor=actor,
        wt=tx.wt,
        now=tx.now,
        unit_id=unit_id,
        payload=payload,
        party_id=app.party_id,
        parent_id=parent.id,
        events=tx.events,
    )


def _start_stage(tx: _Tx, app: Case, stage: Case) -> Case:
    stage = _step(tx, stage, "start", _SYSTEM, {})
    approvals = stage.payload.get("approvals") or []
    assert isinstance(approvals, list)
    for approval in approvals:
        _open_approval(tx, app, stage, approval, _SYSTEM)
    return stage


def notify(
    rt: Runtime,
    number: str,
    actor: Actor,
    *,
    materials: Sequence[MaterialInput] = (),
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """一次性告知: every missing or wrong material at once, computed from what is on file (the clerk may add a
    note, not leave anything out). Must come within five working days of receipt (§32), else the tick accepts."""
    now, wt = rt.now(), rt.working_time()
    if len(note) > 1000:
        raise WindowError("补充说明不能超过 1000 个字符", field="note")
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        case = _app_for_clerk(conn, number, actor, expected_version)
        _allowed(case, "notify")
        reqs = _requirements(case)
        provided = {**_on_file(conn, case.id or 0), **_inputs(materials, reqs, str(case.payload.get("target_name")))}
        result = check_materials(reqs, provided, _certificates(conn, case.party_id, reqs, _today(now)))
        if result.complete:
            raise WindowError("材料已齐全，无需一次性告知，请直接受理", field="materials", code="materials_complete")
        items = result.notice_items()
        notices = case.payload.get("notices") or []
        assert isinstance(notices, list)
        notice = {
            "number": f"{case.number}-GZ{len(notices) + 1}",
            "items": items,
            "note": note.strip(),
            "at": now.isoformat(),
            "by": actor.username,
        }
        case = _step(
            tx,
            case,
            "notify",
            actor,
            {"items": items, "note": note.strip(), "payload": {"notices": [*notices, notice]}},
        )
        _write_materials(tx, case.id or 0, result)
    rt.committed(tx.events)
    return case


def resubmit(
    rt: Runtime, number: str, actor: Actor, *, materials: Sequence[MaterialInput], expected_version: int | None = None
) -> Case:
    """补齐材料 after a notice: recorded, back to 待受理; the five days of §32 run again from this receipt."""
    if not materials:
        raise MissingData("请选择补交的材料", field="materials")
    now, wt = rt.now(), rt.working_time()
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        case, _ = _lock_tree(conn, number, APPLICATION)
        access_application_act(actor, case, lambda: _tree(conn), owner_id=_owner(conn, case))
        _check_version(case, expected_version)
        _allowed(case, "resubmit")
        reqs = _requirements(case)
        given = _inputs(materials, reqs, str(case.payload.get("target_name")))
        result = check_materials(
            reqs, {**_on_file(conn, case.id or 0), **given}, _certificates(conn, case.party_id, reqs, _today(now))
        )
        case = _step(
            tx,
            case,
            "resubmit",
            actor,
            {"materials": sorted(given), "check": _summary(result), "payload": {"received_at": now.isoformat()}},
        )
        _write_materials(tx, case.id or 0, result)
    rt.committed(tx.events)
    return case


def refuse(rt: Runtime, number: str, actor: Actor, *, reason: str, expected_version: int | None = None) -> Case:
    """不予受理 (the matter is not this organ's, or not a licensing matter), with the reason on record."""
    now, wt = rt.now(), rt.working_time()
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        case = _app_for_clerk(conn, number, actor, expected_version)
        case = _step(tx, case, "refuse", actor, {"reason": reason.strip()})
    rt.committed(tx.events)
    return case


def _owner(conn: Connection, case: Case) -> int | None:
    return case_owner_id(conn, case.id)


# -- §32: deemed acceptance ---------------------------------------------------------------------------------


def deemed_due(wt: WorkingTime, received_at: datetime) -> datetime:
    """When silence becomes acceptance: close of office on the fifth working day after receipt."""
    return wt.add_workdays(received_at, DEEMED_ACCEPTANCE_DAYS).at


def on_tick(rt: Runtime, now: datetime) -> int:
    """Accepts every application left without a notice past the five working days of §32; returns how many.

    The clock is started at the receipt instant, not now: the law counts the application as accepted from the
    day the materials were received.
    """
    wt = rt.working_time()
    with read(rt.engine) as conn:
        rows = conn.execute(
            sa.select(cases.c.number).where(cases.c.kind == APPLICATION, cases.c.state.in_(("prereview", "pending")))
        ).all()
    done = 0
    for (number,) in rows:
        events: list[Event] = []
        with write(rt.engine) as conn:
            tx = _Tx(conn, wt, now, events)
            case, _ = _lock_tree(conn, number, APPLICATION)
            if case.state not in ("prereview", "pending"):
                continue
            received = datetime.fromisoformat(str(case.payload["received_at"]))
            if now < deemed_due(wt, received):
                continue
            data = {
                "reason": "自收到申请材料之日起五个工作日内未一次告知补正，依行政许可法第三十二条视为受理",
                "received_at": received.isoformat(),
                "payload": {"accepted_at": received.isoformat(), "deemed": True},
            }
            accepted, event = engine.decide(case, "deem_accept", _SYSTEM, data, now, wt)
            accepted = _backdate(accepted, received, wt, now)
            repo.save_changes(conn, [(case, accepted, [event])], wt)
            events.append(event)
            _open_work(tx, accepted, _SYSTEM)
        rt.committed(events)
        done += 1
    return done


def _backdate(case: Case, start: datetime, wt: WorkingTime, now: datetime) -> Case:
    assert case.clock is not None
    clock = Clock.new(case.clock.limit).start(start)
    level, due = assess(clock, get_kind(case.kind).clock, now, wt)
    return evolve(
        case,
        clock=clock,
        alarm=level,
        due_at=None if due is None else due.at,
        due_provisional=False if due is None else due.provisional,
    )


# -- departments --------------------------------------------------------------------------------------------


def _approval_tx(tx: _Tx, number: str, actor: Actor, expected_version: int | None) -> tuple[Case, list[Case]]:
    approval, ancestors = _lock_tree(tx.conn, number, APPROVAL)
    access_approval_act(actor, approval, lambda: _tree(tx.conn))
    _check_version(approval, expected_version)
    return approval, ancestors


def _department(
    rt: Runtime,
    number: str,
    action: str,
    actor: Actor,
    data: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    before: Any = None,
) -> Case:
    now, wt = rt.now(), rt.working_time()
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        approval, ancestors = _approval_tx(tx, number, actor, expected_version)
        _allowed(approval, action)
        extra = before(tx, approval, ancestors) if before is not None else {}
        new = _step(tx, approval, action, actor, {**data, **extra})
        _after_child(tx, new, ancestors)
    rt.committed(tx.events)
    return new


def approve(
    rt: Runtime,
    number: str,
    actor: Actor,
    *,
    opinion: str = "",
    credit_code: str | None = None,
    expected_version: int | None = None,
) -> Case:
    """准予许可. Where the approval registers a new enterprise (设立登记), its 统一社会信用代码 is entered here
    and the enterprise becomes the holder of the bundle's certificates."""

    def establish(tx: _Tx, approval: Case, ancestors: list[Case]) -> dict[str, Any]:
        items = approval.payload.get("items") or []
        assert isinstance(items, list)
        if not any(i.get("establishes_enterprise") for i in items):
            return {}
        if not credit_code or not credit_code.strip():
            raise MissingData("设立登记须填写新设企业的「统一社会信用代码」", field="credit_code")
        code = validate_credit_code(credit_code, field="credit_code")
        taken = tx.conn.execute(
            sa.select(parties.c.name).where(parties.c.kind == PartyKind.ENTERPRISE.value, parties.c.id_number == code)
        ).first()
        if taken is not None:
            raise WindowError(f"统一社会信用代码 {code} 已属于「{taken.name}」", field="credit_code")
        name = str(ancestors[0].payload.get("enterprise_name") or "")
        party = org_repo.upsert_party(tx.conn, Party(PartyKind.ENTERPRISE, name, code), tx.now)
        return {"credit_code": code, "payload": {"credit_code": code, "enterprise_party_id": party.id}}

    return _department(
        rt, number, "approve", actor, {"opinion": opinion.strip()}, expected_version=expected_version, before=establish
    )


def deny(rt: Runtime, number: str, actor: Actor, *, reason: str, expected_version: int | None = None) -> Case:
    """不予许可, with the reason; a bundle's rule decides whether the other departments stop."""
    return _department(rt, number, "deny", actor, {"reason": reason.strip()}, expected_version=expected_version)


def request_supplement(
    rt: Runtime, number: str, actor: Actor, *, items: Sequence[str], expected_version: int | None = None
) -> Case:
    """一次性告知补正 by the department: its clock and the application's pause until the applicant 补正."""
    lines = [i.strip() for i in items if i.strip()]
    return _department(rt, number, "request_supplement", actor, {"items": lines}, expected_version=expected_version)


def extend(
    rt: Runtime,
    number: str,
    actor: Actor,
    *,
    extension: str,
    reason: str,
    approved_by: str,
    expected_version: int | None = None,
) -> Case:
    """§42 延期: at most 10 working days, approved by the head of the organ; the application's clock follows."""
    data = {"extension": extension.strip(), "reason": reason.strip(), "approved_by": approved_by.strip()}
    return _department(rt, number, "extend", actor, data, expected_version=expected_version)


def start_special(
    rt: Runtime, number: str, actor: Actor, *, procedure: str, reason: str, expected_version: int | None = None
) -> Case:
    """§45 特别程序 (听证、检验、检测、鉴定、专家评审): not counted in the limit, so the clocks pause."""
    if procedure not in SPECIAL_PROCEDURES:
        allowed = "、".join(f"{v}（{k}）" for k, v in SPECIAL_PROCEDURES.items())
        raise MissingData(f"特别程序「{procedure}」无效，可选：{allowed}", field="procedure")
    data = {"procedure": procedure, "procedure_label": SPECIAL_PROCEDURES[procedure], "reason": reason.strip()}
    return _department(rt, number, "start_special", actor, data, expected_version=expected_version)


def end_special(rt: Runtime, number: str, actor: Actor, *, result: str, expected_version: int | None = None) -> Case:
    return _department(rt, number, "end_special", actor, {"result": result.strip()}, expected_version=expected_version)


# -- mirroring children on their parent ---------------------------------------------------------------------


def _terminal(case: Case) -> bool:
    return get_kind(case.kind).is_terminal(case.state)


def _after_child(tx: _Tx, child: Case, ancestors: list[Case]) -> None:
    """After an approval acted: stop the bundle if its rule says so, then settle its parent (and up)."""
    root = ancestors[0]
    if child.state == "denied":
        plan = root.payload.get("plan") or {}
        assert isinstance(plan, dict)
        items = child.payload.get("items") or []
        assert isinstance(items, list)
        denied = [str(i.get("code")) for i in items]
        if stops_others(str(plan.get("on_reject")), list(plan.get("key_items") or []), denied):
            names = "、".join(str(i.get("name")) for i in items)
            _stop_all(
                tx, root, f"「{names}」不予许可，按本一件事的规则终止其他事项的办理", failed_stage=child.parent_id
            )
    parent = repo.load_case_by_id(tx.conn, child.parent_id or 0)
    _settle(tx, parent)
    if parent.kind == STAGE:
        # A stage that failed or was closed above does not settle its application itself.
        _settle(tx, root)


def _stop_all(tx: _Tx, root: Case, reason: str, *, failed_stage: int | None = None) -> None:
    """Stops every approval still being worked under ``root`` and closes its stages (failed / cancelled)."""
    for child in repo.load_children(tx.conn, root.id or 0):
        if child.kind == STAGE:
            for approval in repo.load_children(tx.conn, child.id or 0):
                if approval.state in WORKING:
                    _step(tx, approval, "stop", _SYSTEM, {"reason": reason})
            if child.state in WORKING:
                action = "fail" if child.id == failed_stage else "cancel"
                _step(tx, child, action, _SYSTEM, {"reason": reason})
            elif child.state == "waiting":
                _step(tx, child, "cancel", _SYSTEM, {"reason": reason})
        elif child.state in WORKING:
            _step(tx, child, "stop", _SYSTEM, {"reason": reason})


def _settle(tx: _Tx, node: Case) -> None:
    """Brings a parent in line with its children: conclude (all terminal), or mirror pauses and extensions."""
    node = repo.load_case_by_id(tx.conn, node.id or 0)
    if node.state not in WORKING:
        return
    children = repo.load_children(tx.conn, node.id or 0)
    if children and all(_terminal(c) for c in children):
        outcome = {c.number: c.state for c in children}
        if node.kind == STAGE:
            if all(c.state == "approved" for c in children):
                node = _step(tx, node, "complete", _SYSTEM, {"children": outcome})
            else:
                node = _step(tx, node, "fail", _SYSTEM, {"children": outcome, "reason": "本阶段有事项未获许可"})
            app = repo.load_case_by_id(tx.conn, node.parent_id or 0)
            if node.state == "done":
                waiting = [s for s in repo.load_children(tx.conn, app.id or 0) if s.state == "waiting"]
                if waiting:
                    _start_stage(tx, app, min(waiting, key=lambda s: s.id or 0))
            else:
                for stage in repo.load_children(tx.conn, app.id or 0):
                    if stage.state == "waiting":
                        _step(tx, stage, "cancel", _SYSTEM, {"reason": f"「{node.payload.get('name')}」未通过"})
            _settle(tx, app)
            return
        _step(tx, node, "conclude", _SYSTEM, {"children": outcome})
        return
    before = node
    working = [c for c in children if c.state in WORKING]
    want = (
        "supplement"
        if any(c.state == "supplement" for c in working)
        else "special"
        if any(c.state == "special" for c in working)
        else "in_approval"
    )
    if want != node.state:
        action = {"supplement": "hold_supplement", "special": "hold_special", "in_approval": "resume"}[want]
        node = _step(tx, node, action, _SYSTEM, {})
    node = _mirror_extension(tx, node, children)
    if node is not before and node.parent_id is not None:
        _settle(tx, repo.load_case_by_id(tx.conn, node.parent_id))


def _mirror_extension(tx: _Tx, node: Case, children: Sequence[Case]) -> Case:
    """A §42 extension of an approval extends its parent by as much (the bundle cannot promise less time)."""
    if node.clock is None:
        return node
    longest = max(
        (
            c.clock.extension.amount
            for c in children
            if c.clock is not None and c.clock.extension.unit == node.clock.limit.unit
        ),
        default=0,
    )
    missing = longest - node.clock.extension.amount
    if missing <= 0:
        return node
    return _step(
        tx,
        node,
        "extend",
        _SYSTEM,
        {"extension": str(Limit(missing, node.clock.limit.unit)), "reason": "部门依法延长审批期限"},
    )


# -- the applicant after acceptance -------------------------------------------------------------------------


def _app_for_party(conn: Connection, number: str, actor: Actor, expected_version: int | None) -> Case:
    case, _ = _lock_tree(conn, number, APPLICATION)
    access_application_act(actor, case, lambda: _tree(conn), owner_id=_owner(conn, case))
    _check_version(case, expected_version)
    return case


def supplement(
    rt: Runtime, number: str, actor: Actor, *, materials: Sequence[str], expected_version: int | None = None
) -> Case:
    """补正 after acceptance: the materials the departments asked for; their clocks and the application's resume."""
    given = [m.strip() for m in materials if m.strip()]
    if not given:
        raise MissingData("请填写补正的材料", field="materials")
    now, wt = rt.now(), rt.working_time()
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        case = _app_for_party(conn, number, actor, expected_version)
        _allowed(case, "supplement")
        case = _step(tx, case, "supplement", actor, {"materials": given})
        for child in repo.load_children(conn, case.id or 0):
            group = repo.load_children(conn, child.id or 0) if child.kind == STAGE else [child]
            for approval in group:
                if approval.state == "supplement":
                    _step(tx, approval, "supplement", actor, {"materials": given})
            if child.kind == STAGE:
                _settle(tx, child)
        _settle(tx, case)
        case = repo.load_case_by_id(conn, case.id or 0)
    rt.committed(tx.events)
    return case


def receive_deferred(
    rt: Runtime, number: str, actor: Actor, *, materials: Sequence[MaterialInput], expected_version: int | None = None
) -> Case:
    """补交容缺材料: each must be one of the deferred ones, in the form the item asks."""
    if not materials:
        raise MissingData("请选择补交的容缺材料", field="materials")
    now, wt = rt.now(), rt.working_time()
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        case = _app_for_party(conn, number, actor, expected_version)
        _allowed(case, "receive_deferred")
        reqs = {r.code: r for r in _requirements(case)}
        deferred = {
            r.code
            for r in conn.execute(
                sa.select(window_materials.c.code).where(
                    window_materials.c.case_id == case.id, window_materials.c.status == Status.DEFERRED.value
                )
            )
        }
        received = []
        for m in materials:
            if m.code not in deferred:
                raise WindowError(f"材料「{m.code}」不是本件的容缺待补材料", field="materials")
            form = Given.parse(m.form, field="materials")
            if reqs[m.code].form is MaterialForm.ORIGINAL and form is not Given.ORIGINAL:
                raise WindowError(f"「{reqs[m.code].name}」须提交原件", field="materials")
            conn.execute(
                sa.update(window_materials)
                .where(window_materials.c.case_id == case.id, window_materials.c.code == m.code)
                .values(status=Status.PROVIDED.value, given=form.value, reason=f"容缺补交{form.label}", updated_at=now)
            )
            received.append(m.code)
        case = _step(tx, case, "receive_deferred", actor, {"materials": received})
    rt.committed(tx.events)
    return case


def withdraw(rt: Runtime, number: str, actor: Actor, *, reason: str, expected_version: int | None = None) -> Case:
    """撤回: the applicant (or the clerk for them) withdraws; every approval still running stops."""
    now, wt = rt.now(), rt.working_time()
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        case = _app_for_party(conn, number, actor, expected_version)
        _allowed(case, "withdraw")
        if not reason.strip():
            raise MissingData("请填写「理由」", field="reason")
        _stop_all(tx, case, f"申请人撤回申请：{reason.strip()}")
        case = _step(tx, case, "withdraw", actor, {"reason": reason.strip()})
    rt.committed(tx.events)
    return case


# -- issuance -----------------------------------------------------------------------------------------------


def outstanding_deferred(conn: Connection, case_id: int) -> list[str]:
    return [
        r.name
        for r in conn.execute(
            sa.select(window_materials.c.name).where(
                window_materials.c.case_id == case_id, window_materials.c.status == Status.DEFERRED.value
            )
        )
    ]


def approvals_of(conn: Connection, app: Case) -> list[Case]:
    """The application's approvals, through its stages where it has them, in the order they were opened."""
    out: list[Case] = []
    for child in repo.load_children(conn, app.id or 0):
        if child.kind == STAGE:
            out.extend(repo.load_children(conn, child.id or 0))
        elif child.kind == APPROVAL:
            out.append(child)
    return out


def issue(rt: Runtime, number: str, actor: Actor, *, expected_version: int | None = None) -> Issued:
    """统一出件: for every approved item with a result certificate type, one signed certificate, in this
    transaction; the refusals' decisions are listed too. Refused while 容缺 materials are outstanding."""
    now, wt = rt.now(), rt.working_time()
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        case = _app_for_clerk(conn, number, actor, expected_version)
        _allowed(case, "issue")
        waiting = outstanding_deferred(conn, case.id or 0)
        if waiting:
            raise DeferredOutstanding(f"容缺材料尚未补齐（{'、'.join(waiting)}），补齐后方可出件", field="materials")
        approvals = approvals_of(conn, case)
        holder = case.party_id
        for approval in approvals:
            established = approval.payload.get("enterprise_party_id")
            if approval.state == "approved" and established is not None:
                holder = int(str(established))
        if holder is None:
            raise WindowError("该申请没有申请人主体，无法出证", field="party")
        subject = str(case.payload.get("enterprise_name") or case.payload.get("applicant") or "")
        results: list[dict[str, Any]] = []
        for approval in approvals:
            items = approval.payload.get("items") or []
            assert isinstance(items, list)
            for item in items:
                entry: dict[str, Any] = {
                    "item": item["code"],
                    "name": item["name"],
                    "approval": approval.number,
                    "outcome": approval.state,
                }
                if approval.state == "approved" and item.get("result_cert"):
                    cert = issue_certificate(
                        conn,
                        cert_type=str(item["result_cert"]),
                        holder_party_id=holder,
                        data={
                            "事项": str(item["name"]),
                            "名称": subject,
                            "办件编号": case.number,
                            "审批编号": approval.number,
                        },
                        issuing_unit_id=approval.unit_id or 0,
                        valid_from=_today(now),
                        valid_until=None,
                        source_case_id=case.id,
                        now=now,
                    )
                    entry.update(certificate=cert.number, cert_type=cert.cert_type)
                elif approval.state == "approved":
                    entry["document"] = item.get("result_name") or "准予许可决定书"
                elif approval.state == "denied":
                    entry["document"] = "不予许可决定书"
                else:
                    entry["document"] = "终止办理告知书"
                results.append(entry)
        approved = [r for r in results if r["outcome"] == "approved"]
        outcome = "approved" if len(approved) == len(results) else "partial" if approved else "denied"
        case = _step(
            tx,
            case,
            "issue",
            actor,
            {
                "certificates": [r["certificate"] for r in results if r.get("certificate")],
                "payload": {"results": results, "outcome": outcome, "holder_party_id": holder},
            },
        )
    rt.committed(tx.events)
    return Issued(case, [r for r in results if r.get("certificate")])


DELIVERY_METHODS = {"window": "窗口领取", "post": "邮寄送达"}


def deliver(
    rt: Runtime,
    number: str,
    actor: Actor,
    *,
    method: str,
    recipient: str,
    tracking_number: str = "",
    address: str = "",
    expected_version: int | None = None,
) -> Case:
    """送达: collected at the window (the recipient signs) or posted (tracking number and address on record);
    either way a receipt (送达回证) number goes on the case."""
    if method not in DELIVERY_METHODS:
        raise MissingData("送达方式无效，可选：窗口领取（window）、邮寄送达（post）", field="method")
    if not recipient.strip():
        raise MissingData("请填写「签收人」", field="recipient")
    if method == "post":
        if not tracking_number.strip():
            raise MissingData("邮寄送达须填写「邮件号」", field="tracking_number")
        if not address.strip():
            raise MissingData("邮寄送达须填写「收件地址」", field="address")
    now, wt = rt.now(), rt.working_time()
    with write(rt.engine) as conn:
        tx = _Tx(conn, wt, now)
        case = _app_for_clerk(conn, number, actor, expected_version)
        delivery = {
            "method": method,
            "method_label": DELIVERY_METHODS[method],
            "recipient": recipient.strip(),
            "tracking_number": tracking_number.strip(),
            "address": address.strip(),
            "receipt": f"SD-{case.number}",
            "at": now.isoformat(),
        }
        case = _step(
            tx,
            case,
            "deliver",
            actor,
            {"method": method, "recipient": recipient.strip(), "payload": {"delivery": delivery}},
        )
    rt.committed(tx.events)
    return case


__all__ = [
    "DEEMED_ACCEPTANCE_DAYS",
    "Applicant",
    "CatalogConflict",
    "Deferral",
    "DeferredOutstanding",
    "Issued",
    "MaterialInput",
    "MaterialsIncomplete",
    "Submitted",
    "WindowError",
    "accept",
    "approvals_of",
    "approve",
    "check",
    "deemed_due",
    "deliver",
    "deny",
    "end_special",
    "extend",
    "issue",
    "notify",
    "on_tick",
    "outstanding_deferred",
    "preview",
    "receive_deferred",
    "refuse",
    "request_supplement",
    "resubmit",
    "start_special",
    "submit",
    "supplement",
    "withdraw",
]
