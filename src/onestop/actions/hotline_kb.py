"""知识库: entries kept by the center and the units (济南条例 §34: 承办单位应当实时更新和维护), searched by
the operator while the caller is on the line.

The BM25 index (``onestop.hotline.kb``) is built per process and rebuilt when the entries change: the check
is one aggregate query (count and newest update), so a search costs a query plus numpy, not a rebuild.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from onestop.actions.runtime import Runtime
from onestop.db import org_repo
from onestop.db.engine import read, write
from onestop.db.tables import hotline_kb
from onestop.hotline.access import AccessDenied
from onestop.hotline.kb import Entry, Hit, KnowledgeIndex
from onestop.hotline.kinds import Category
from onestop.hotline.rules import HotlineError
from onestop.org.roles import Role
from onestop.org.scope import unit_scope
from onestop.org.users import Actor

MAX_QUESTION = 300
MAX_ANSWER = 5000


@dataclass(frozen=True)
class KbEntry:
    id: int
    question: str
    answer: str
    keywords: tuple[str, ...]
    unit_id: int | None
    category: str | None
    valid_from: date | None
    valid_until: date | None
    active: bool
    hits: int
    updated_at: datetime

    def as_entry(self) -> Entry:
        return Entry(
            self.id,
            self.question,
            self.answer,
            self.keywords,
            self.unit_id,
            self.category,
            self.valid_from,
            self.valid_until,
        )


def _may_edit(conn: Connection, actor: Actor, unit_id: int | None) -> None:
    if actor.has_role(Role.OPERATOR, Role.ADMIN):
        return
    if actor.has_role(Role.HANDLER) and unit_id is not None:
        if unit_id in unit_scope(actor, org_repo.load_unit_tree(conn)):
            return
        raise AccessDenied("承办单位只能维护本单位的知识库条目")
    raise AccessDenied("仅限 12345 话务员和承办单位维护知识库")


def _clean(  # noqa: PLR0917
    question: str,
    answer: str,
    keywords: Sequence[str],
    category: str | None,
    valid_from: date | None,
    valid_until: date | None,
) -> tuple[str, str, list[str], str | None]:
    q, a = question.strip(), answer.strip()
    if not q:
        raise HotlineError("请填写「问题」", field="question")
    if len(q) > MAX_QUESTION:
        raise HotlineError(f"「问题」不能超过 {MAX_QUESTION} 个字符", field="question")
    if not a:
        raise HotlineError("请填写「答案」", field="answer")
    if len(a) > MAX_ANSWER:
        raise HotlineError(f"「答案」不能超过 {MAX_ANSWER} 个字符", field="answer")
    if valid_from and valid_until and valid_until < valid_from:
        raise HotlineError("「有效期至」不能早于「有效期自」", field="valid_until")
    cat = Category.parse(category, field="category").value if category else None
    words = [k.strip() for k in keywords if k.strip()][:20]
    return q, a, words, cat


def add_entry(
    rt: Runtime,
    actor: Actor,
    *,
    question: str,
    answer: str,
    keywords: Sequence[str] = (),
    unit_id: int | None = None,
    category: str | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> KbEntry:
    q, a, words, cat = _clean(question, answer, keywords, category, valid_from, valid_until)
    now = rt.now()
    with write(rt.engine) as conn:
        _may_edit(conn, actor, unit_id)
        if unit_id is not None and unit_id not in org_repo.load_unit_tree(conn):
            raise HotlineError(f"单位 {unit_id} 不存在", field="unit_id")
        entry_id = conn.execute(
            sa.insert(hotline_kb)
            .values(
                question=q,
                answer=a,
                keywords=words,
                unit_id=unit_id,
                category=cat,
                valid_from=valid_from,
                valid_until=valid_until,
                active=True,
                hits=0,
                created_at=now,
                updated_at=now,
                created_by=actor.username,
            )
            .returning(hotline_kb.c.id)
        ).scalar_one()
    return get_entry(rt, int(entry_id))


def set_active(rt: Runtime, actor: Actor, entry_id: int, *, active: bool) -> KbEntry:
    """停用 / 启用 an entry (an outdated answer must stop being offered at once)."""
    with write(rt.engine) as conn:
        row = conn.execute(sa.select(hotline_kb.c.unit_id).where(hotline_kb.c.id == entry_id)).first()
        if row is None:
            raise HotlineError(f"知识库条目 {entry_id} 不存在", field="entry")
        _may_edit(conn, actor, row.unit_id)
        conn.execute(
            sa.update(hotline_kb).where(hotline_kb.c.id == entry_id).values(active=active, updated_at=rt.now())
        )
    return get_entry(rt, entry_id)


def _entry(row: sa.Row[tuple[object, ...]] | sa.RowMapping) -> KbEntry:
    r = row._mapping if isinstance(row, sa.Row) else row
    keywords = r["keywords"] or []
    return KbEntry(
        id=r["id"],
        question=r["question"],
        answer=r["answer"],
        keywords=tuple(str(k) for k in keywords),
        unit_id=r["unit_id"],
        category=r["category"],
        valid_from=r["valid_from"],
        valid_until=r["valid_until"],
        active=bool(r["active"]),
        hits=int(r["hits"]),
        updated_at=r["updated_at"],
    )


def get_entry(rt: Runtime, entry_id: int) -> KbEntry:
    with read(rt.engine) as conn:
        row = conn.execute(sa.select(hotline_kb).where(hotline_kb.c.id == entry_id)).mappings().first()
    if row is None:
        raise HotlineError(f"知识库条目 {entry_id} 不存在", field="entry")
    return _entry(row)


def list_entries(rt: Runtime, *, active_only: bool = False) -> list[KbEntry]:
    with read(rt.engine) as conn:
        query = sa.select(hotline_kb).order_by(hotline_kb.c.id)
        if active_only:
            query = query.where(hotline_kb.c.active.is_(True))
        return [_entry(r) for r in conn.execute(query).mappings()]


class _IndexCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[object, ...] | None = None
        self._index: KnowledgeIndex | None = None

    def get(self, rt: Runtime) -> KnowledgeIndex:
        with read(rt.engine) as conn:
            count, newest = conn.execute(
                sa.select(sa.func.count(), sa.func.max(hotline_kb.c.updated_at)).where(hotline_kb.c.active.is_(True))
            ).one()
        key = (id(rt.engine), str(rt.engine.url), count, str(newest))
        with self._lock:
            if self._index is None or key != self._key:
                self._index = KnowledgeIndex([e.as_entry() for e in list_entries(rt, active_only=True)])
                self._key = key
            return self._index


_CACHE = _IndexCache()


def search(rt: Runtime, query: str, *, k: int = 5, category: str | None = None) -> list[Hit]:
    """The best valid entries for what the operator has typed so far."""
    text = query.strip()
    if not text:
        return []
    if len(text) > 500:
        raise HotlineError("检索内容不能超过 500 个字符", field="q")
    cat = Category.parse(category, field="category").value if category else None
    return _CACHE.get(rt).search(text, k=k, on=rt.now().date(), category=cat)
