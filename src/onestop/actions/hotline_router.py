"""智能派单 on the platform: the routing model (``onestop.hotline.routing``) fed by this deployment's data.

* Before any history, the model is fitted from the units' duties (职责) alone (cold start), once per process
  and unit set; a few milliseconds for a county.
* ``retrain`` fits on the platform's own dispatch history — every request a unit answered and the center
  approved, with the unit that answered it — plus the duties, and saves the model where the web app finds it
  (``$ONESTOP_DATA_DIR/hotline/router.npz``); the app reloads it when the file changes.
* ``suggest`` gives the top 3 units with their scores, as unit ids the dispatch form can select.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.actions.runtime import Runtime
from onestop.config import Settings
from onestop.db.engine import read
from onestop.db.tables import case_events, cases, hotline_requests, units
from onestop.hotline.kinds import REQUEST
from onestop.hotline.routing import Example, Router, UnitProfile, fit
from onestop.org.units import UnitKind

HANDLING_KINDS = (UnitKind.DEPARTMENT.value, UnitKind.TOWN.value, UnitKind.UTILITY.value)


def default_model_path() -> Path:
    return Settings.from_env().data_dir / "hotline" / "router.npz"


@dataclass(frozen=True)
class Suggestion:
    unit_id: int
    name: str
    score: float


def _profiles(conn: Connection) -> list[tuple[int, UnitProfile]]:
    rows = conn.execute(
        sa.select(units.c.id, units.c.name, units.c.duties).where(units.c.kind.in_(HANDLING_KINDS)).order_by(units.c.id)
    ).all()
    return [(r.id, UnitProfile(r.name, r.duties or "")) for r in rows]


def dispatch_history(conn: Connection) -> list[Example]:
    """Answered requests and the unit that answered them (the lead unit when the reply was approved)."""
    approved = (
        sa.select(case_events.c.case_id, sa.func.max(case_events.c.at).label("at"))
        .where(case_events.c.action == "approve_reply")
        .group_by(case_events.c.case_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(hotline_requests.c.address, hotline_requests.c.text, units.c.name, hotline_requests.c.received_at)
        .join(cases, cases.c.id == hotline_requests.c.case_id)
        .join(approved, approved.c.case_id == cases.c.id)
        .join(units, units.c.id == cases.c.unit_id)
        .where(cases.c.kind == REQUEST, units.c.kind.in_(HANDLING_KINDS))
        .order_by(hotline_requests.c.received_at)
    ).all()
    # The place is part of what routes a request (a town's streets go to the town), as at dispatch.
    return [Example(f"{r.address} {r.text}".strip(), r.name, r.received_at.date()) for r in rows]


def retrain(rt: Runtime, out: Path | None = None) -> tuple[Router, Path]:
    """Fits on the dispatch history and the units' duties; writes the model file (atomically)."""
    target = out or default_model_path()
    with read(rt.engine) as conn:
        history = dispatch_history(conn)
        profiles = [p for _, p in _profiles(conn)]
    router = fit(history, profiles)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".tmp")
    router.save(partial)
    partial.replace(target)
    _CACHE.clear()
    return router, target


class _RouterCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[tuple[object, ...], Router] = {}

    def clear(self) -> None:
        with self._lock:
            self._models.clear()

    def get(self, path: Path, profiles: list[tuple[int, UnitProfile]]) -> Router:
        try:
            stamp: object = path.stat().st_mtime_ns
        except OSError:
            stamp = None
        key = (str(path), stamp, tuple((i, p.name, p.duties) for i, p in profiles))
        with self._lock:
            model = self._models.get(key)
            if model is None:
                # A trained model where there is one; else the units' duties alone (cold start).
                model = Router.load(path) if stamp is not None else fit([], [p for _, p in profiles])
                self._models = {key: model}
            return model


_CACHE = _RouterCache()


def suggest(rt: Runtime, text: str, *, k: int = 3, model_path: Path | None = None) -> list[Suggestion]:
    """The ``k`` units best suited to ``text`` (the request's place and words), as this deployment's unit ids,
    best first."""
    if not text.strip():
        return []
    with read(rt.engine) as conn:
        profiles = _profiles(conn)
    if not profiles:
        return []
    router = _CACHE.get(model_path or default_model_path(), profiles)
    by_name = {p.name: i for i, p in profiles}
    by_key = {router.unit_key(p.name): i for i, p in profiles}
    (prediction,) = router.predict([text], k=max(k * 3, k))
    out: list[Suggestion] = []
    for name, score in zip(prediction.units, prediction.scores, strict=True):
        unit_id = by_name.get(name) or by_key.get(router.unit_key(name))
        if unit_id is None or any(s.unit_id == unit_id for s in out):
            continue  # a unit the model knows from another deployment's history
        out.append(Suggestion(unit_id, next(p.name for i, p in profiles if i == unit_id), score))
        if len(out) == k:
            break
    return out
