"""Read models (``onestop.web.reads``) to API bodies (``onestop.web.schemas``)."""

from __future__ import annotations

from onestop.actions.intake import IntakeForm
from onestop.org.units import UnitTree
from onestop.web import reads, schemas


def summary(row: reads.CaseRow) -> schemas.CaseSummary:
    return schemas.CaseSummary(**row.__dict__)


def case_list(page: reads.CasePage) -> schemas.CaseList:
    return schemas.CaseList(
        items=[summary(r) for r in page.rows], total=page.total, page=page.page, per_page=page.per_page
    )


def _details(items: list[reads.Detail]) -> list[schemas.DetailItem]:
    return [schemas.DetailItem(label=d.label, value=d.value) for d in items]


def clock(panel: reads.ClockPanel | None) -> schemas.ClockInfo | None:
    if panel is None:
        return None
    return schemas.ClockInfo(
        colour=panel.colour,
        limit=panel.limit_label,
        used=panel.used,
        remaining=panel.remaining,
        unit=panel.unit_word,
        due_at=panel.due_at,
        provisional=panel.provisional,
        paused=panel.paused,
        running=[schemas.Interval(start=i.start, end=i.end) for i in panel.running],
        pauses=[schemas.Interval(start=i.start, end=i.end) for i in panel.pauses],
    )


def _related(r: reads.RelatedCase) -> schemas.RelatedCase:
    return schemas.RelatedCase(
        number=r.number,
        kind_label=r.kind_label,
        state_label=r.state_label,
        unit_name=r.unit_name,
        clock_label=r.clock_label,
        due_at=r.due_at,
    )


def actions(forms: list[reads.ActionForm]) -> list[schemas.ActionInfo]:
    return [
        schemas.ActionInfo(
            code=a.code,
            label=a.label,
            to_state_label=a.to_label,
            fields=[
                schemas.ActionFieldInfo(name=f.name, label=f.label, input=f.input, required=f.required)
                for f in a.fields
            ],
        )
        for a in forms
    ]


def party(view: reads.PartyView | None) -> schemas.Party | None:
    if view is None:
        return None
    return schemas.Party(
        kind_label=view.kind_label, name=view.name, id_number=view.id_number, phone=view.phone, revealed=view.revealed
    )


def case_detail(d: reads.CaseDetail) -> schemas.CaseDetail:
    c = d.case
    return schemas.CaseDetail(
        number=c.number,
        kind=c.kind,
        kind_label=d.kind.label,
        state=c.state,
        state_label=d.state_label,
        terminal=d.terminal,
        unit_id=c.unit_id,
        unit_name=d.unit_name,
        subject=d.subject,
        version=c.version,
        created_at=c.created_at,
        updated_at=c.updated_at,
        payload=_details(d.payload),
        party=party(d.party),
        clock=clock(d.clock),
        timeline=[
            schemas.TimelineItem(
                seq=t.seq,
                at=t.at,
                action=t.action,
                label=t.label,
                actor=t.actor,
                actor_name=t.actor_name,
                from_state_label=t.from_label,
                to_state_label=t.to_label,
                details=_details(t.details),
            )
            for t in d.timeline
        ],
        actions=actions(d.actions),
        parent=_related(d.parent) if d.parent else None,
        children=[_related(r) for r in d.children],
        may_reveal_pii=bool(d.party and d.party.has_pii),
        module_page=d.module_page.url if d.module_page else None,
    )


def public_case(p: reads.PublicCase) -> schemas.PublicCaseView:
    return schemas.PublicCaseView(
        number=p.number,
        kind_label=p.kind_label,
        state_label=p.state_label,
        terminal=p.terminal,
        unit_name=p.unit_name,
        subject=p.subject,
        created_at=p.created_at,
        clock=clock(p.clock),
        timeline=[
            schemas.PublicTimelineItem(
                at=t.at, label=t.label, actor_name=t.actor_name, to_state_label=t.to_label, details=_details(t.details)
            )
            for t in p.timeline
        ],
        steps=[
            schemas.PublicStep(unit_name=s.unit_name, kind_label=s.kind_label, state_label=s.state_label)
            for s in p.steps
        ],
    )


def form_info(form: IntakeForm) -> schemas.FormInfo:
    return schemas.FormInfo(
        code=form.code,
        kind=form.kind,
        title=form.title,
        description=form.description,
        fields=[
            schemas.FormFieldInfo(
                name=f.name,
                label=f.label,
                type=f.type,
                required=f.required,
                max_length=f.max_length,
                choices=list(f.choices),
                help=f.help,
            )
            for f in form.all_fields()
        ],
    )


def units(tree: UnitTree) -> list[schemas.UnitOut]:
    return [
        schemas.UnitOut(
            id=u.id,
            code=u.code,
            name=u.name,
            kind=u.kind.value,
            kind_label=u.kind.label,
            parent_id=u.parent_id,
            region_code=u.region_code,
            duties=u.duties,
            depth=len(tree.ancestors(u.id)),
        )
        for u in tree
    ]


def user(row: reads.UserRow) -> schemas.UserOut:
    return schemas.UserOut(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        unit_id=row.unit_id,
        unit_name=row.unit_name,
        roles=row.roles,
        role_labels=row.role_labels,
        active=row.active,
        locked_until=row.locked_until,
        phone_masked=row.phone_masked,
    )
